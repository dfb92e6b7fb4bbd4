import { afterAll, beforeAll, expect, test } from "bun:test";
import { schemaObject } from "../helpers/schema-objects.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

/** uniqueName gives each test its own collection names, so tests don't depend on each other's state. */
function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

async function hasTable(name: string): Promise<boolean> {
  return (await schemaObject(t.app.db, name)) !== undefined;
}

const createFailed = (data: Record<string, unknown>) => ({
  status: 400,
  response: { message: "Failed to create collection.", data },
});
const updateFailed = (data: Record<string, unknown>) => ({
  status: 400,
  response: { message: "Failed to update collection.", data },
});

test("only superusers reach the collections API", async () => {
  await expect(t.client().collections.getList()).rejects.toMatchObject({
    status: 401,
    response: { message: "The request requires valid record authorization token." },
  });
  const user = t.client();
  await user
    .collection("users")
    .create({ email: "api-user@example.com", password: "12345678", passwordConfirm: "12345678" });
  await user.collection("users").authWithPassword("api-user@example.com", "12345678");
  await expect(user.collections.getList()).rejects.toMatchObject({ status: 403 });
  await expect(user.collections.create({ name: uniqueName("x") })).rejects.toMatchObject({ status: 403 });
});

test("the list pages, counts, skips the total, filters and sorts by collection properties", async () => {
  const all = await t.pb.collections.getFullList();
  const page = await t.pb.collections.getList(2, 2);
  expect(page).toMatchObject({ page: 2, perPage: 2, totalItems: all.length, totalPages: Math.ceil(all.length / 2) });
  expect(page.items.map((c) => c.name)).toEqual(all.slice(2, 4).map((c) => c.name));
  const skipped = await t.pb.collections.getList(1, 3, { skipTotal: true });
  expect(skipped).toMatchObject({ totalItems: -1, totalPages: -1 });
  expect(skipped.items).toHaveLength(3);
  const sorted = await t.pb.collections.getList(1, 100, { sort: "-type,name" });
  const expected = [...all].sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type < b.type ? 1 : -1));
  expect(sorted.items.map((c) => c.name)).toEqual(expected.map((c) => c.name));
  const filtered = await t.pb.collections.getList(1, 100, { filter: "system = true && type = 'base'", sort: "name" });
  expect(filtered.items.map((c) => c.name)).toEqual(["_authOrigins", "_externalAuths", "_mfas", "_otps"]);
  expect(filtered.totalItems).toBe(4);
  for (const filter of ["fields = 'x'", "name =", "nope = 1"]) {
    await expect(t.pb.collections.getList(1, 10, { filter })).rejects.toMatchObject({
      status: 400,
      response: { message: "Something went wrong while processing your request.", data: {} },
    });
  }
  await expect(t.pb.collections.getList(1, 10, { sort: "fields" })).rejects.toMatchObject({
    status: 400,
    response: { message: "Something went wrong while processing your request.", data: {} },
  });
});

test("collections are listed in the order they were created, which an update keeps, on either engine", async () => {
  const names = ["c", "a", "b"].map(uniqueName);
  for (const name of names) await t.pb.collections.create({ name, type: "base" });
  // an update (a new row version on PostgreSQL, placed after the others) keeps the collection's place
  await t.pb.collections.update(names[0] ?? "", { listRule: "" });
  const listed = (await t.pb.collections.getFullList()).map((c) => c.name);
  expect(listed.filter((n) => names.includes(n))).toEqual(names);
  expect(listed.slice(0, 6)).toEqual(["_mfas", "_otps", "_externalAuths", "_authOrigins", "_superusers", "users"]);
  expect((await t.pb.collections.getList(1, 100, { sort: "@rowid" })).items.map((c) => c.name)).toEqual(listed);
  // ties of a sort come in the same order
  const byType = await t.pb.collections.getList(1, 100, { sort: "type" });
  expect(byType.items.filter((c) => names.includes(c.name)).map((c) => c.name)).toEqual(names);
  // as the app loads them at start
  await t.app.reloadCachedCollections();
  expect(t.app.findAllCollections().map((c) => c.name)).toEqual(listed);
});

test("a collection is found by id or by name in any case; a missing one is 404", async () => {
  const byName = await t.pb.collections.getOne("USERS");
  expect(byName.id).toBe("_pb_users_auth_");
  await expect(t.pb.collections.getOne("missing")).rejects.toMatchObject({ status: 404 });
  await expect(t.pb.collections.update("missing", {})).rejects.toMatchObject({ status: 404 });
  await expect(t.pb.collections.delete("missing")).rejects.toMatchObject({ status: 404 });
  await expect(t.pb.collections.truncate("missing")).rejects.toMatchObject({ status: 404 });
});

test("the scaffolds are the three default collections without id or name", async () => {
  const s = await t.pb.collections.getScaffolds();
  expect(Object.keys(s).sort()).toEqual(["auth", "base", "view"]);
  for (const type of ["auth", "base", "view"]) expect(s[type]).toMatchObject({ id: "", name: "", type, system: false });
  expect(s.base?.fields.map((f) => f.name)).toEqual(["id"]);
  expect(s.view?.fields).toEqual([]);
  expect(s.view).toMatchObject({ viewQuery: "" });
  expect(s.auth?.fields.map((f) => f.name)).toEqual([
    "id",
    "password",
    "tokenKey",
    "email",
    "emailVisibility",
    "verified",
  ]);
  expect(s.auth?.indexes).toHaveLength(2);
  expect(s.auth?.indexes[0]).toMatch(/^CREATE UNIQUE INDEX `idx_tokenKey_[a-z0-9]{10}` ON `` \(`tokenKey`\)$/);
  expect(s.auth).toMatchObject({ authToken: { duration: 432000 }, passwordAuth: { enabled: true } });
  expect(JSON.stringify(s)).not.toContain("secret");
});

test("a base collection is created with its id field, default id and table", async () => {
  const name = uniqueName("base");
  const c = await t.pb.collections.create({ name, fields: [{ name: "title", type: "text" }] });
  expect(c.id).toMatch(/^pbc_\d+$/);
  expect(c).toMatchObject({ name, type: "base", system: false, indexes: [], listRule: null });
  expect(c.fields.map((f) => [f.name, f.type])).toEqual([
    ["id", "text"],
    ["title", "text"],
  ]);
  expect(await hasTable(name)).toBe(true);
});

test("an auth collection gets its system fields, unique indexes and options, secrets hidden", async () => {
  const name = uniqueName("members");
  const c = await t.pb.collections.create({ name, type: "auth", fields: [{ name: "nick", type: "text" }] });
  // the body's fields replace the scaffold's, then the system fields are added back after them
  expect(c.fields.map((f) => f.name)).toEqual([
    "id",
    "nick",
    "password",
    "tokenKey",
    "email",
    "emailVisibility",
    "verified",
  ]);
  expect(c.indexes).toEqual([
    `CREATE UNIQUE INDEX \`idx_tokenKey_${c.id}\` ON \`${name}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`idx_email_${c.id}\` ON \`${name}\` (\`email\`) WHERE \`email\` != ''`,
  ]);
  expect(c).toMatchObject({ authRule: "", manageRule: null, authToken: { duration: 432000 }, otp: { length: 8 } });
  expect(c.authToken).toEqual({ duration: 432000 });
});

test("bad collection bodies answer 400 with PocketBase's codes", async () => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{}, { name: { code: "validation_required" } }],
    [{ name: "a_via_b" }, { name: { code: "validation_found_via" } }],
    [{ name: "with space" }, { name: { code: "validation_match_invalid" } }],
    [{ name: "x".repeat(256) }, { name: { code: "validation_length_out_of_range" } }],
    [{ name: "USERS" }, { name: { code: "validation_collection_name_exists" } }],
    [{ name: "_pb_users_auth_" }, { name: { code: "validation_collection_name_id_duplicate" } }],
    [{ name: "_params" }, { name: { code: "validation_collection_name_invalid" } }],
    [{ name: uniqueName("t"), type: "weird" }, { type: { code: "validation_in_invalid" } }],
    [
      {
        name: uniqueName("t"),
        fields: [
          { name: "a", type: "text" },
          { name: "A", type: "number" },
        ],
      },
      { fields: { "2": { name: { code: "validation_duplicated_field_name", params: { fieldName: "A" } } } } },
    ],
    [
      {
        name: uniqueName("t"),
        fields: [
          { id: "f1", name: "a", type: "text" },
          { id: "f1", name: "b", type: "number" },
        ],
      },
      {},
    ],
    [
      {
        name: uniqueName("t"),
        fields: [
          { name: "collectionId", type: "text" },
          { name: "a b", type: "text" },
        ],
      },
      {
        fields: {
          "1": { name: { code: "validation_not_in_invalid" } },
          "2": { name: { code: "validation_match_invalid" } },
        },
      },
    ],
    [
      { name: uniqueName("t"), type: "auth", fields: [{ name: "passwordConfirm", type: "text" }] },
      { fields: { "1": { name: { code: "validation_reserved_field_name" } } } },
    ],
    [
      { name: uniqueName("t"), indexes: ["create index"] },
      { indexes: { "0": { code: "validation_invalid_index_expression" } } },
    ],
    [
      { name: uniqueName("t"), indexes: ["CREATE INDEX idx_dup ON x (id)", "CREATE INDEX IDX_DUP ON x (created)"] },
      { indexes: { "1": { code: "validation_duplicated_index_name" } } },
    ],
    [
      { name: uniqueName("t"), indexes: ["CREATE INDEX idx_email__pb_users_auth_ ON x (id)"] },
      { indexes: { "0": { code: "validation_existing_index_name", params: { usedTableName: "users" } } } },
    ],
    [
      { name: uniqueName("t"), indexes: ["CREATE INDEX idx_a ON x (nocol)"] },
      { indexes: { "0": { code: "validation_invalid_index_expression" } } },
    ],
    [{ name: uniqueName("t"), listRule: "nope = 1" }, { listRule: { code: "validation_invalid_rule" } }],
  ];
  for (const [body, data] of cases) {
    const attempt = t.pb.collections.create(body);
    if (Object.keys(data).length === 0) {
      // PocketBase accepts a repeated field id (the second field replaces the first)
      await expect(attempt).resolves.toMatchObject({ fields: [{ name: "id" }, { id: "f1", name: "b" }] });
      continue;
    }
    await expect(attempt).rejects.toMatchObject(createFailed(data));
  }
});

test("a body of the wrong JSON shape is a formatting error", async () => {
  const scaffold = {
    status: 400,
    response: { message: "Failed to load the collection type data due to invalid formatting." },
  };
  await expect(t.pb.collections.create({ name: 123 })).rejects.toMatchObject(scaffold);
  await expect(t.pb.collections.create({ type: ["base"] })).rejects.toMatchObject(scaffold);
  const raw = await fetch(`${t.url}/api/collections`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: t.pb.authStore.token },
    body: "{bad json",
  });
  expect(raw.status).toBe(400);
  expect(await raw.json()).toMatchObject(scaffold.response);
  const formatting = {
    status: 400,
    response: { message: "Failed to load the submitted data due to invalid formatting." },
  };
  for (const body of [{ fields: "x" }, { indexes: "x" }, { listRule: 5 }, { fields: [{ name: "a", type: "nope" }] }])
    await expect(t.pb.collections.create({ name: uniqueName("t"), ...body })).rejects.toMatchObject(formatting);
  await expect(t.pb.collections.update("users", { fields: [{ name: "x" }] })).rejects.toMatchObject(formatting);
});

test("system collections can't be renamed, retyped, re-ruled or deleted", async () => {
  await expect(t.pb.collections.update("_superusers", { name: "admins" })).rejects.toMatchObject(
    updateFailed({ name: { code: "validation_collection_system_name_change" } }),
  );
  await expect(t.pb.collections.update("_superusers", { listRule: "" })).rejects.toMatchObject(
    updateFailed({ listRule: { code: "validation_collection_system_rule_change" } }),
  );
  await expect(t.pb.collections.update("users", { system: true })).rejects.toMatchObject(
    updateFailed({ system: { code: "validation_collection_system_flag_change" } }),
  );
  await expect(t.pb.collections.update("users", { type: "base" })).rejects.toMatchObject(
    updateFailed({ type: { code: "validation_collection_type_change" } }),
  );
  await expect(t.pb.collections.delete("_superusers")).rejects.toMatchObject({
    status: 400,
    response: { message: "Failed to delete collection." },
  });
  expect(await hasTable("_superusers")).toBe(true);
});

test("a collection's id can't change: an unknown id is a missing collection, another's a mismatch", async () => {
  const name = uniqueName("fixed");
  const c = await t.pb.collections.create({ name });
  await expect(t.pb.collections.update(name, { id: "someotherid" })).rejects.toMatchObject({
    status: 404,
    response: { message: "The requested resource wasn't found." },
  });
  await expect(t.pb.collections.update(name, { id: "_pb_users_auth_" })).rejects.toMatchObject(
    updateFailed({ id: { code: "validation_values_mismatch" } }),
  );
  expect((await t.pb.collections.update(name, { id: c.id, listRule: "" })).listRule).toBe("");
  expect(await t.pb.collections.getOne(c.id)).toMatchObject({ name, listRule: "" });
});

test("system fields can't be renamed and field types can't change", async () => {
  const name = uniqueName("typed");
  const c = await t.pb.collections.create({ name, fields: [{ name: "n", type: "number" }] });
  await expect(
    t.pb.collections.update(name, { fields: c.fields.map((f) => (f.name === "n" ? { ...f, type: "text" } : f)) }),
  ).rejects.toMatchObject(updateFailed({ fields: { "1": { code: "validation_field_type_change" } } }));
  await expect(
    t.pb.collections.update("users", {
      fields: (await t.pb.collections.getOne("users")).fields.map((f) =>
        f.name === "email" ? { ...f, name: "mail" } : f,
      ),
    }),
  ).rejects.toMatchObject(updateFailed({ fields: { code: "validation_system_field_change" } }));
});

test("deleting a collection drops its table; a referenced one is refused", async () => {
  const target = uniqueName("target");
  const source = uniqueName("source");
  const tc = await t.pb.collections.create({ name: target });
  await t.pb.collections.create({ name: source, fields: [{ name: "ref", type: "relation", collectionId: tc.id }] });
  await expect(t.pb.collections.delete(target)).rejects.toMatchObject({
    status: 400,
    response: { message: `Failed to delete collection probably due to existing reference in ${source}.`, data: {} },
  });
  expect(await hasTable(target)).toBe(true);
  await t.pb.collections.delete(source);
  expect(await hasTable(source)).toBe(false);
  await t.pb.collections.delete(target);
  expect(await hasTable(target)).toBe(false);
  await expect(t.pb.collections.getOne(target)).rejects.toMatchObject({ status: 404 });
});

test("a self-referencing collection can be deleted", async () => {
  const name = uniqueName("tree");
  const c = await t.pb.collections.create({ name });
  await t.pb.collections.update(name, {
    fields: [...c.fields, { name: "parent", type: "relation", collectionId: c.id }],
  });
  await t.pb.collections.delete(name);
  expect(await hasTable(name)).toBe(false);
});

test("truncate deletes every record one by one, with cascades and hooks", async () => {
  const parent = uniqueName("parent");
  const child = uniqueName("child");
  const pc = await t.pb.collections.create({ name: parent });
  await t.pb.collections.create({
    name: child,
    fields: [{ name: "p", type: "relation", collectionId: pc.id, cascadeDelete: true, maxSelect: 1 }],
  });
  const p1 = await t.pb.collection(parent).create({});
  const p2 = await t.pb.collection(parent).create({});
  await t.pb.collection(child).create({ p: p1.id });
  await t.pb.collection(child).create({ p: p2.id });
  const deletesBefore = t.calls.get("onRecordDelete") ?? 0;
  await t.pb.collections.truncate(parent);
  expect((await t.pb.collection(parent).getList()).totalItems).toBe(0);
  expect((await t.pb.collection(child).getList()).totalItems).toBe(0);
  expect((t.calls.get("onRecordDelete") ?? 0) - deletesBefore).toBe(4);
});

test("truncate refuses a view, and a required reference blocks it", async () => {
  const view = uniqueName("v");
  await t.pb.collections.create({ name: view, type: "view", viewQuery: "select id from users" });
  await expect(t.pb.collections.truncate(view)).rejects.toMatchObject({
    status: 400,
    response: { message: "View collections cannot be truncated since they don't store their own records." },
  });
  const parent = uniqueName("parent");
  const child = uniqueName("child");
  const pc = await t.pb.collections.create({ name: parent });
  await t.pb.collections.create({
    name: child,
    fields: [{ name: "p", type: "relation", collectionId: pc.id, required: true, maxSelect: 1 }],
  });
  const p = await t.pb.collection(parent).create({});
  await t.pb.collection(child).create({ p: p.id });
  await expect(t.pb.collections.truncate(parent)).rejects.toMatchObject({
    status: 400,
    response: {
      message: "Failed to truncate collection (most likely due to required cascade delete record references).",
    },
  });
  expect((await t.pb.collection(parent).getList()).totalItems).toBe(1);
});

test("collection hooks fire once per save and delete", async () => {
  const count = (n: Parameters<typeof t.calls.get>[0]) => t.calls.get(n) ?? 0;
  const before = {
    create: count("onCollectionCreate"),
    validate: count("onCollectionValidate"),
    after: count("onCollectionAfterCreateSuccess"),
    del: count("onCollectionAfterDeleteSuccess"),
  };
  const name = uniqueName("hooked");
  await t.pb.collections.create({ name });
  await t.pb.collections.delete(name);
  expect(count("onCollectionCreate") - before.create).toBe(1);
  expect(count("onCollectionValidate") - before.validate).toBe(1);
  expect(count("onCollectionAfterCreateSuccess") - before.after).toBe(1);
  expect(count("onCollectionAfterDeleteSuccess") - before.del).toBe(1);
});

test("a new single relation field without an index gets the index to add in the log", async () => {
  const hints: Record<string, unknown>[] = [];
  t.app.logger().addSink({
    write: (entry) => {
      if (entry.message.startsWith("consider an index on a relation field")) hints.push(entry.data);
    },
  });
  const authors = uniqueName("authors");
  const posts = uniqueName("posts");
  const a = await t.pb.collections.create({ name: authors, type: "base", fields: [{ name: "name", type: "text" }] });
  await t.pb.collections.create({
    name: posts,
    type: "base",
    fields: [
      { name: "author", type: "relation", collectionId: a.id, maxSelect: 1 },
      { name: "editor", type: "relation", collectionId: a.id, maxSelect: 1 },
      { name: "tags", type: "relation", collectionId: a.id, maxSelect: 5 },
    ],
    indexes: [`CREATE INDEX idx_${posts}_editor ON ${posts} (editor, id)`],
  });
  // the indexed one and the multiple one (a JSON array) get none
  expect(hints).toEqual([
    { collection: posts, field: "author", index: `CREATE INDEX \`idx_${posts}_author\` ON \`${posts}\` (\`author\`)` },
  ]);
  // an update repeats nothing already there, and names a relation field it adds
  const current = await t.pb.collections.getOne(posts);
  await t.pb.collections.update(posts, {
    fields: [...current.fields, { name: "reviewer", type: "relation", collectionId: a.id, maxSelect: 1 }],
  });
  expect(hints.map((h) => h.field)).toEqual(["author", "reviewer"]);
  await t.pb.collections.update(posts, { indexes: [`CREATE INDEX idx_${posts}_author ON ${posts} (author)`] });
  expect(hints.map((h) => h.field)).toEqual(["author", "reviewer"]);
});
