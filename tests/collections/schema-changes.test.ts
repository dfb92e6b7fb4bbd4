import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CollectionField, CollectionModel } from "pocketbase";
import { sql } from "../../src/db/sql.ts";
import { columnNames, schemaObject, schemaObjects } from "../helpers/schema-objects.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

/** withField returns the collection's fields with the named one changed. */
function withField(c: CollectionModel, name: string, change: Partial<CollectionField>): CollectionField[] {
  return c.fields.map((f) => (f.name === name ? { ...f, ...change } : f));
}

async function columns(table: string): Promise<string[]> {
  return columnNames(t.app.db, table);
}

async function records(name: string) {
  return t.pb.collection(name).getFullList({ sort: "id" });
}

/** A collection with three records, to change under them. */
async function postsWithData() {
  const name = uniqueName("posts");
  const c = await t.pb.collections.create({
    name,
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text", max: 20 },
      { name: "body", type: "text" },
      { name: "views", type: "number" },
    ],
  });
  for (const [i, r] of [
    { title: "first", body: "b1", views: 1 },
    { title: "second", body: "b2", views: 2 },
    { title: "second", body: "b3", views: 3 },
  ].entries())
    await t.pb.collection(name).create({ id: `record${String(i).padStart(9, "0")}`, ...r });
  return { name, c };
}

test("renaming a collection and a field and changing options keeps the data", async () => {
  const { name, c } = await postsWithData();
  const renamed = `${name}_renamed`;
  const updated = await t.pb.collections.update(name, {
    name: renamed,
    fields: withField(c, "title", { name: "heading", max: 50 }),
  });
  expect(updated.fields.find((f) => f.name === "heading")).toMatchObject({ max: 50 });
  expect(await columns(renamed)).toEqual(["body", "heading", "id", "views"]);
  const rows = await records(renamed);
  expect(rows.map((r) => [r.heading, r.body, r.views])).toEqual([
    ["first", "b1", 1],
    ["second", "b2", 2],
    ["second", "b3", 3],
  ]);
  expect(rows[0]).not.toHaveProperty("title");
  await expect(t.pb.collections.getOne(name)).rejects.toMatchObject({ status: 404 });
});

test("a case-only rename keeps the data and the collection is found by its new name", async () => {
  const { name } = await postsWithData();
  const upper = name.toUpperCase();
  const c = await t.pb.collections.update(name, { name: upper });
  expect(c.name).toBe(upper);
  expect((await records(upper)).map((r) => r.title)).toEqual(["first", "second", "second"]);
  expect((await t.pb.collection(upper).create({ title: "fourth" })).collectionName).toBe(upper);
});

test("two fields can swap names; each value follows its field", async () => {
  const { name, c } = await postsWithData();
  const swapped = c.fields.map((f) =>
    f.name === "title" ? { ...f, name: "body" } : f.name === "body" ? { ...f, name: "title" } : f,
  );
  await t.pb.collections.update(name, { fields: swapped });
  expect((await records(name)).map((r) => [r.title, r.body])).toEqual([
    ["b1", "first"],
    ["b2", "second"],
    ["b3", "second"],
  ]);
});

test("adding and removing fields drops and adds columns, other values kept", async () => {
  const { name, c } = await postsWithData();
  await t.pb.collections.update(name, {
    fields: [...c.fields.filter((f) => f.name !== "body"), { name: "published", type: "bool" }],
  });
  expect(await columns(name)).toEqual(["id", "published", "title", "views"]);
  const rows = await records(name);
  expect(rows.map((r) => [r.title, r.views, r.published])).toEqual([
    ["first", 1, false],
    ["second", 2, false],
    ["second", 3, false],
  ]);
  expect(rows[0]).not.toHaveProperty("body");
});

test("a new option applies to the next writes; existing values stay as stored", async () => {
  const { name, c } = await postsWithData();
  await t.pb.collections.update(name, { fields: withField(c, "title", { max: 3 }) });
  expect((await records(name))[1]?.title).toBe("second");
  await expect(t.pb.collection(name).create({ title: "too long" })).rejects.toMatchObject({
    status: 400,
    response: { data: { title: { code: "validation_max_text_constraint" } } },
  });
});

test("select and relation fields switch between one value and a list, values converted", async () => {
  const name = uniqueName("tags");
  const u1 = await t.pb
    .collection("users")
    .create({ email: `${name}1@example.com`, password: "12345678", passwordConfirm: "12345678" });
  const u2 = await t.pb
    .collection("users")
    .create({ email: `${name}2@example.com`, password: "12345678", passwordConfirm: "12345678" });
  const c = await t.pb.collections.create({
    name,
    fields: [
      { name: "one", type: "select", values: ["a", "b", "c"], maxSelect: 1 },
      { name: "many", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "members", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 5 },
    ],
  });
  await t.pb
    .collection(name)
    .create({ id: "aaaaaaaaaaaaaa1", one: "a", many: ["a", "b"], owner: u1.id, members: [u1.id, u2.id] });
  await t.pb.collection(name).create({ id: "aaaaaaaaaaaaaa2", one: "", many: [], owner: "", members: [] });

  const flipped = c.fields.map((f) =>
    f.name === "one" || f.name === "owner"
      ? { ...f, maxSelect: 3 }
      : f.name === "many" || f.name === "members"
        ? { ...f, maxSelect: 1 }
        : f,
  );
  const afterFlip = await t.pb.collections.update(name, { fields: flipped });
  let rows = await records(name);
  expect(rows.map((r) => [r.one, r.many, r.owner, r.members])).toEqual([
    [["a"], "b", [u1.id], u2.id],
    [[], "", [], ""],
  ]);

  const back = afterFlip.fields.map((f) =>
    f.name === "one" || f.name === "owner"
      ? { ...f, maxSelect: 1 }
      : f.name === "many" || f.name === "members"
        ? { ...f, maxSelect: 2 }
        : f,
  );
  await t.pb.collections.update(name, { fields: back });
  rows = await records(name);
  expect(rows.map((r) => [r.one, r.many, r.owner, r.members])).toEqual([
    ["a", ["b"], u1.id, [u2.id]],
    ["", [], "", []],
  ]);
});

test("a file field switches between one file and a list, keeping the last file", async () => {
  const name = uniqueName("docs");
  const c = await t.pb.collections.create({ name, fields: [{ name: "files", type: "file", maxSelect: 3 }] });
  const r = await t.pb.collection(name).create({
    files: [new File(["one"], "one.txt", { type: "text/plain" }), new File(["two"], "two.txt", { type: "text/plain" })],
  });
  expect(r.files).toHaveLength(2);
  const last = r.files[1] as string;
  const single = await t.pb.collections.update(name, { fields: withField(c, "files", { maxSelect: 1 }) });
  expect((await t.pb.collection(name).getOne(r.id)).files).toBe(last);
  await t.pb.collections.update(name, { fields: withField(single, "files", { maxSelect: 2 }) });
  expect((await t.pb.collection(name).getOne(r.id)).files).toEqual([last]);
});

test("a UNIQUE index over duplicates is refused under indexes.N and nothing changes", async () => {
  const { name, c } = await postsWithData();
  const before = await t.pb.collections.getOne(name);
  const tableIndexes = async () =>
    (await schemaObjects(t.app.db)).filter((o) => o.type === "index" && o.table === name);
  const indexesBefore = await tableIndexes();
  await expect(
    t.pb.collections.update(name, {
      name: `${name}_x`,
      fields: [...withField(c, "views", { name: "hits" }), { name: "extra", type: "text" }],
      indexes: [
        `CREATE INDEX idx_views_${name} ON ${name} (views)`,
        `CREATE UNIQUE INDEX idx_title_${name} ON ${name} (title)`,
      ],
    }),
  ).rejects.toMatchObject({
    status: 400,
    response: {
      message: "Failed to update collection.",
      data: {
        indexes: {
          "1": {
            code: "validation_invalid_index_expression",
            // in SQLite's words (PocketBase's) on either engine
            message: `Failed to create index idx_title_${name} - UNIQUE constraint failed: ${name}_x.title.`,
          },
        },
      },
    },
  });
  expect(await t.pb.collections.getOne(name)).toEqual(before);
  expect(await columns(name)).toEqual(["body", "id", "title", "views"]);
  // the engine's own (the primary key's, PostgreSQL's insertion key's), none of the refused update's
  expect(await tableIndexes()).toEqual(indexesBefore);
  expect((await records(name)).map((r) => r.views)).toEqual([1, 2, 3]);
  await expect(t.pb.collections.getOne(`${name}_x`)).rejects.toMatchObject({ status: 404 });
});

test("a duplicate under a UNIQUE index is a 400 on the field, on create and on update", async () => {
  const { name } = await postsWithData();
  await t.pb.collections.update(name, { indexes: [`CREATE UNIQUE INDEX idx_body_${name} ON ${name} (body)`] });
  const notUnique = { status: 400, response: { data: { body: { code: "validation_not_unique" } } } };
  await expect(t.pb.collection(name).create({ body: "b1" })).rejects.toMatchObject(notUnique);
  await expect(t.pb.collection(name).update("record000000001", { body: "b1" })).rejects.toMatchObject(notUnique);
  expect((await t.pb.collection(name).getOne("record000000001")).body).toBe("b2");
});

test("an index follows a renamed collection and is dropped with a removed index entry", async () => {
  const { name } = await postsWithData();
  await t.pb.collections.update(name, { indexes: [`CREATE INDEX idx_v_${name} ON anything (views)`] });
  const renamed = `${name}_r`;
  const c = await t.pb.collections.update(name, { name: renamed });
  expect(c.indexes).toEqual([`CREATE INDEX \`idx_v_${name}\` ON \`${renamed}\` (\`views\`)`]);
  const idx = await schemaObject(t.app.db, `idx_v_${name}`);
  expect(idx?.table).toBe(renamed);
  await t.pb.collections.update(renamed, { indexes: [] });
  expect(await schemaObject(t.app.db, `idx_v_${name}`)).toBeUndefined();
});

test("a new index on a table with records gets planner statistics right away", async () => {
  const { name } = await postsWithData();
  await t.pb.collections.update(name, { indexes: [`CREATE INDEX idx_stat_${name} ON anything (views)`] });
  if (onPostgres()) {
    // ANALYZE after the change: the table's row count is known to the planner
    const row = await t.app.db.get<{ n: number }>(sql`SELECT reltuples AS n FROM pg_class WHERE relname = ${name}`);
    expect(Number(row?.n)).toBe(3);
    return;
  }
  const stat = await t.app.db.get<{ stat: string }>(
    sql`SELECT stat FROM sqlite_stat1 WHERE idx = ${`idx_stat_${name}`}`,
  );
  expect(stat?.stat).toMatch(/^\d+ \d+$/);
});

test("a failing change in the table leaves the collection and its table as they were", async () => {
  const { name, c } = await postsWithData();
  await t.pb.collections.create({ name: `${name}_v`, type: "view", viewQuery: `select id, body from ${name}` });
  const before = await t.pb.collections.getOne(name);
  // dropping a column a view reads fails inside SQLite, after the rename already ran in the transaction
  await expect(
    t.pb.collections.update(name, {
      fields: withField(c, "title", { name: "heading" }).filter((f) => f.name !== "body"),
    }),
  ).rejects.toMatchObject({
    status: 400,
    response: { message: expect.stringContaining("failed to drop column body") },
  });
  expect(await t.pb.collections.getOne(name)).toEqual(before);
  expect(await columns(name)).toEqual(["body", "id", "title", "views"]);
  expect((await records(name)).map((r) => r.title)).toEqual(["first", "second", "second"]);
});

test("names longer than the engine keeps (PostgreSQL's 63 bytes) are refused under their keys; SQLite keeps them", async () => {
  const name = `n${uniqueName("x".repeat(60))}`;
  const field = `f${"y".repeat(69)}`;
  const index = `idx_${"z".repeat(66)}`;
  const body = {
    name,
    listRule: "",
    createRule: "",
    fields: [{ name: field, type: "text" }],
    indexes: [`CREATE INDEX ${index} ON ${name} (${field})`],
  };
  if (!onPostgres()) {
    await t.pb.collections.create(body);
    await t.pb.collection(name).create({ [field]: "kept" });
    expect((await t.pb.collection(name).getFullList()).map((r) => r[field])).toEqual(["kept"]);
    return;
  }
  const tooLong = (min: number | undefined, max: number) => ({
    code: "validation_length_out_of_range",
    params: min === undefined ? { max } : { min, max },
  });
  await expect(t.pb.collections.create(body)).rejects.toMatchObject({
    status: 400,
    response: {
      data: {
        name: tooLong(1, 63),
        fields: { 1: { name: tooLong(1, 63) } },
        indexes: { 0: tooLong(undefined, 63) },
      },
    },
  });
  await expect(t.pb.collections.getOne(name)).rejects.toMatchObject({ status: 404 });
  // a rename past the limit is refused alike, and a name of 63 bytes works
  const short = uniqueName("short");
  await t.pb.collections.create({ name: short, fields: [{ name: "title", type: "text" }] });
  await expect(t.pb.collections.update(short, { name })).rejects.toMatchObject({
    status: 400,
    response: { data: { name: tooLong(1, 63) } },
  });
  const longest = `${short}_${"w".repeat(62 - short.length)}`;
  expect(longest.length).toBe(63);
  await t.pb.collections.update(short, { name: longest, listRule: "", createRule: "" });
  await t.pb.collection(longest).create({ title: "fits" });
  expect((await t.pb.collection(longest).getFullList()).map((r) => r.title)).toEqual(["fits"]);
});

test("an index may name its columns in any case, as SQLite allows: it is made on both engines and enforced", async () => {
  const name = uniqueName("Cased");
  await t.pb.collections.create({
    name,
    createRule: "",
    listRule: "",
    fields: [
      { name: "Title", type: "text" },
      { name: "Meta", type: "json" },
      // a field named as an SQL word: the condition's IS stays the word
      { name: "Is", type: "text" },
    ],
    indexes: [
      `CREATE UNIQUE INDEX idx_t_${name} ON ${name.toLowerCase()} (title COLLATE NOCASE) WHERE TITLE != '' AND \`is\` IS NOT NULL`,
      `CREATE INDEX idx_m_${name} ON ${name} (\`meta\`)`,
    ],
  });
  await t.pb.collection(name).create({ Title: "Hello", Meta: { a: 1 } });
  await expect(t.pb.collection(name).create({ Title: "HELLO" })).rejects.toMatchObject({
    status: 400,
    response: { data: { Title: { code: "validation_not_unique" } } },
  });
  // the partial index leaves empty titles out
  await t.pb.collection(name).create({ Title: "" });
  await t.pb.collection(name).create({ Title: "" });
  expect((await t.pb.collection(name).getFullList({ sort: "Title" })).map((r) => r.Title)).toEqual(["", "", "Hello"]);
});
