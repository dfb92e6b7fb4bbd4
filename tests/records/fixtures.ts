import type PocketBase from "pocketbase";
import type { ClientResponseError } from "pocketbase";

/** The users collection PocketBase creates on first start. */
export const usersCollectionId = "_pb_users_auth_";

/** createPosts makes a base collection open to everyone, with one field of each kind the records tests need. */
export async function createPosts(pb: PocketBase, name = "posts"): Promise<string> {
  const c = await pb.collections.create({
    name,
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "title", type: "text", max: 20 },
      { name: "views", type: "number" },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "cat", type: "select", values: ["x", "y"], maxSelect: 1 },
      { name: "secret", type: "text", hidden: true },
      { name: "slug", type: "text" },
      { name: "author", type: "relation", collectionId: usersCollectionId, maxSelect: 1 },
    ],
    indexes: [`CREATE UNIQUE INDEX idx_${name}_slug ON ${name} (slug) WHERE slug != ''`],
  });
  return c.id;
}

/** openRules are the five record rules set to "" (anyone). */
export const openRules = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

/** apiError awaits a promise that must fail and returns the SDK's error (status and response body). */
export async function apiError(p: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await p;
  } catch (err) {
    return err as ClientResponseError;
  }
  throw new Error("the request was expected to fail");
}

/** raw sends a request with fetch and returns the status, headers and parsed JSON body (null when empty). */
export async function raw(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", init.token);
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  let body: unknown = null;
  if (text !== "") body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}
