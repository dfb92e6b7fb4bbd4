import { expect } from "bun:test";
import type { Page } from "playwright-core";
import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";

/** The records of the browser tests: posts with one field of each kind, owned by users. */
export interface Seed {
  users: RecordModel[];
  posts: RecordModel[];
}

export const userPassword = "User-pass-123";

/** seedPosts makes a `posts` collection whose records only their owner may list, two users, and a few posts. */
export async function seedPosts(pb: PocketBase, count = 3): Promise<Seed> {
  const users = await pb.collections.getOne("users");
  await pb.collections.create({
    name: "posts",
    type: "base",
    listRule: "owner = @request.auth.id",
    viewRule: "owner = @request.auth.id",
    fields: [
      { name: "title", type: "text", required: true, presentable: true },
      { name: "body", type: "editor" },
      { name: "status", type: "select", values: ["draft", "published"], maxSelect: 1 },
      { name: "views", type: "number" },
      { name: "featured", type: "bool" },
      { name: "cover", type: "file", maxSelect: 1, maxSize: 1_000_000 },
      { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 },
      { name: "meta", type: "json" },
      { name: "created", type: "autodate", onCreate: true },
    ],
  });
  const people = [];
  for (const name of ["Alice", "Bob"]) {
    people.push(
      await pb.collection("users").create({
        email: `${name.toLowerCase()}@example.com`,
        name,
        password: userPassword,
        passwordConfirm: userPassword,
      }),
    );
  }
  const posts = [];
  for (let i = 1; i <= count; i++) {
    posts.push(
      await pb.collection("posts").create({
        title: `Post ${i}`,
        body: `<p>Body of post ${i}</p>`,
        status: i % 2 === 0 ? "published" : "draft",
        views: i * 10,
        owner: people[i % 2 === 0 ? 1 : 0]?.id,
        meta: { n: i },
      }),
    );
  }
  return { users: people, posts };
}

/** The table's record ids, top to bottom. */
export async function tableIds(page: Page): Promise<string[]> {
  const names = await page
    .getByRole("button", { name: /^Open record / })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label") ?? ""));
  return names.map((n) => n.replace("Open record ", ""));
}

/** The table's titles, top to bottom (the second cell of each row holds the title). */
export async function tableTitles(page: Page): Promise<string[]> {
  const rows = page.getByRole("table").getByRole("row");
  const texts = await rows.evaluateAll((trs) =>
    trs.slice(1).map((tr) => tr.querySelectorAll("td")[1]?.textContent?.trim() ?? ""),
  );
  return texts;
}

/**
 * expectTitles waits (up to 8 s) for the table to show these titles, top to bottom, then asserts them: a new
 * sort or filter changes the header and the rows in separate renders, so a single read may come between them.
 */
export async function expectTitles(page: Page, expected: string[]): Promise<void> {
  const until = Date.now() + 8000;
  let titles = await tableTitles(page);
  while (!Bun.deepEquals(titles, expected) && Date.now() < until) {
    await page.waitForTimeout(50);
    titles = await tableTitles(page);
  }
  expect(titles).toEqual(expected);
}

/** A tiny PNG, to upload. */
export const pngBytes = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
