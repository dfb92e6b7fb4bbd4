import type { Page } from "playwright-core";
import type { CollectionModel } from "../../src/core/collection-model.ts";
import type { DashboardServer } from "./harness.ts";

/** What the collections screens' browser tests share. */

/** seedPosts makes a `posts` collection (title, author, status, an index on title) with two records. */
export async function seedPosts(server: DashboardServer): Promise<CollectionModel> {
  const users = await server.pb.collections.getOne("users");
  const posts = await server.pb.collections.create<CollectionModel>({
    name: "posts",
    type: "base",
    listRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
      { name: "status", type: "select", values: ["draft", "published"], maxSelect: 1 },
    ],
    indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
  });
  await server.pb.collection("posts").create({ title: "Hello", status: "draft" });
  await server.pb.collection("posts").create({ title: "World", status: "published" });
  return posts;
}

export async function openEditor(page: Page, server: DashboardServer, name: string): Promise<void> {
  await page.goto(`${server.dashboardUrl}#/collections/${name}/edit`);
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

/** fieldGroup is the card of the field with that name in the field list. */
export const fieldGroup = (page: Page, name: string) => page.getByRole("group", { name, exact: true });

/** saved waits for the toast saying `text`, and dismisses it (it would cover the buttons under it). */
export async function saved(page: Page, text: string): Promise<void> {
  const toast = page.getByRole("status").filter({ hasText: text });
  await toast.waitFor();
  await toast.getByRole("button", { name: "Dismiss" }).click();
}
