import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyAppMigrations, planRevert } from "../../src/plugins/migratecmd/operations.ts";
import type { JsonObject } from "../../src/tools/types/merge.ts";
import type { TestApp } from "../helpers/test-app.ts";
import { api, appliedFiles, newWorkspace, schemaOf, type Workspace } from "./helpers.ts";

/**
 * Automigrate: every collection change made through the API writes a migration file, and the files alone
 * rebuild the same schema on an empty data directory (and revert it, run down).
 */

let ws: Workspace;
let source: TestApp;

type Field = JsonObject & { id: string; name: string };

async function ok(method: string, url: string, body?: unknown): Promise<JsonObject> {
  const res = await api(source.app, method, url, body);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

const fieldsOf = (c: JsonObject) => c.fields as Field[];
const byName = (c: JsonObject, name: string) => fieldsOf(c).find((f) => f.name === name) as Field;

/** The changes a user makes through the API: every kind of change to base, auth and view collections. */
async function makeChanges(): Promise<void> {
  const members = await ok("POST", "/api/collections", {
    name: "members",
    type: "auth",
    fields: [
      { name: "nickname", type: "text", max: 40 },
      { name: "handle", type: "text" },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_members_handle ON members (handle)"],
    listRule: "id = @request.auth.id",
    passwordAuth: { enabled: true, identityFields: ["email"] },
  });
  let posts = await ok("POST", "/api/collections", {
    name: "posts",
    type: "base",
    fields: [
      { name: "title", type: "text", required: true, max: 100 },
      { name: "body", type: "editor" },
      { name: "views", type: "number", min: 0 },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 2 },
      { name: "author", type: "relation", collectionId: members.id, maxSelect: 1 },
    ],
    indexes: ["CREATE INDEX idx_posts_views ON posts (views)"],
    listRule: "",
  });
  await ok("POST", "/api/collections", {
    name: "post_titles",
    type: "view",
    viewQuery: "SELECT id, views FROM posts",
    listRule: "",
  });

  // rename a field, remove one, change options, rules and indexes, reorder, add a field
  const title = { ...byName(posts, "title"), name: "headline", max: 200 };
  const views = { ...byName(posts, "views"), min: 1 };
  posts = await ok("PATCH", `/api/collections/${posts.id}`, {
    fields: [
      byName(posts, "id"),
      views,
      title,
      byName(posts, "tags"),
      byName(posts, "author"),
      { name: "published", type: "bool" },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_posts_headline ON posts (headline)"],
    listRule: null,
    viewRule: "published = true",
  });
  await ok("PATCH", "/api/collections/post_titles", { viewQuery: "SELECT id, views, headline AS title FROM posts" });

  // auth options, a rename of the collection and a removed field
  await ok("PATCH", `/api/collections/${members.id}`, {
    name: "people",
    fields: fieldsOf(members).filter((f) => f.name !== "nickname"),
    authToken: { duration: 3600 },
    passwordAuth: { identityFields: ["email", "handle"] },
    manageRule: "@request.auth.id != ''",
  });

  // a change that changes nothing writes nothing
  await ok("PATCH", `/api/collections/${posts.id}`, { listRule: null });

  // created and deleted again: base, auth and view
  for (const [name, type, extra] of [
    ["scratch", "base", { fields: [{ name: "note", type: "text" }] }],
    ["tmp_auth", "auth", {}],
    ["tmp_view", "view", { viewQuery: "SELECT id FROM posts" }],
  ] as const) {
    const c = await ok("POST", "/api/collections", { name, type, ...extra });
    await ok("DELETE", `/api/collections/${c.id}`);
  }

  // an import that adds a collection and changes another
  await ok("PUT", "/api/collections/import", {
    collections: [
      { name: "imported", type: "base", fields: [{ name: "label", type: "text" }] },
      { id: posts.id, name: "posts", deleteRule: "" },
    ],
    deleteMissing: false,
  });
}

beforeAll(async () => {
  ws = await newWorkspace();
  source = await ws.app("source", { automigrate: true });
  await makeChanges();
});

afterAll(async () => {
  await ws.dispose();
});

describe("automigrate", () => {
  test("each change writes one file, named after it, recorded as applied", async () => {
    const files = (await readdir(ws.migrations)).sort();
    expect(files.map((f) => f.replace(/^\d{10}_/, ""))).toEqual([
      "created_members.ts",
      "created_posts.ts",
      "created_post_titles.ts",
      "updated_posts.ts",
      "updated_post_titles.ts",
      "updated_members.ts",
      "created_scratch.ts",
      "deleted_scratch.ts",
      "created_tmp_auth.ts",
      "deleted_tmp_auth.ts",
      "created_tmp_view.ts",
      "deleted_tmp_view.ts",
      "imported_collections.ts",
    ]);
    expect(await appliedFiles(source.app)).toEqual(files);
  });

  test("the files are readable TypeScript: JSON of the collection, without secrets or timestamps", async () => {
    const files = (await readdir(ws.migrations)).sort();
    const created = await readFile(join(ws.migrations, files[0] ?? ""), "utf8");
    expect(created).toStartWith('import { Collection, migrate } from "satchel/migrate";\n\nexport default migrate(');
    expect(created).toContain("const collection = Collection.fromJSON({");
    expect(created).toContain('"name": "members"');
    expect(created).not.toContain('"secret"');
    expect(created).not.toContain('"created"');
    const updated = await readFile(join(ws.migrations, files[3] ?? ""), "utf8");
    expect(updated).toContain("collection.applyJSON({");
    expect(updated).toContain('"viewRule": "published = true"');
    expect(updated).toMatch(/collection\.fields\.removeById\("editor\d+"\);/);
    expect(updated).toContain('"name": "headline"');
  });

  test("the files rebuild the same schema on an empty data directory, and down takes it all back", async () => {
    const rebuilt = await ws.app("rebuilt");
    const applied = await applyAppMigrations(rebuilt.app, ws.migrations);
    expect(applied).toEqual((await readdir(ws.migrations)).sort());
    expect(await schemaOf(rebuilt.app)).toEqual(await schemaOf(source.app));

    const { files, revert } = await planRevert(rebuilt.app, ws.migrations, -1);
    expect(files).toEqual([...applied].reverse());
    expect(await revert()).toEqual(files);
    const empty = await ws.app("empty");
    expect(await schemaOf(rebuilt.app)).toEqual(await schemaOf(empty.app));
    expect(await appliedFiles(rebuilt.app)).toEqual([]);
  });

  test("a change whose file can't be written is rolled back: a 400, and nothing saved", async () => {
    const blocked = join(ws.root, "not-a-directory");
    await writeFile(blocked, "");
    const t = await ws.app("blocked", { automigrate: true, migrationsDir: blocked });
    const res = await api(t.app, "POST", "/api/collections", { name: "lost", type: "base" });
    expect(res.status).toBe(400);
    expect(res.json.message).toBe("Failed to write the migration file of this change, so the change was not saved.");
    expect(t.app.findCachedCollectionByNameOrId("lost")).toBeUndefined();
    expect(await t.app.hasTable("lost")).toBe(false);
    expect(await appliedFiles(t.app)).toEqual([]);
  });

  test("a change the database refuses writes no file", async () => {
    const before = await readdir(ws.migrations);
    const res = await api(source.app, "POST", "/api/collections", { name: "posts", type: "base" });
    expect(res.status).toBe(400);
    expect(await readdir(ws.migrations)).toEqual(before);
  });
});
