import { afterAll, beforeAll, expect, test } from "bun:test";
import { schemaObject, schemaObjects } from "../helpers/schema-objects.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { onPostgres, sqliteOnly } from "../helpers/test-engine.ts";

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

/** Two related collections with data: authors and their books. */
async function library() {
  const authors = uniqueName("authors");
  const books = uniqueName("books");
  const ac = await t.pb.collections.create({
    name: authors,
    fields: [
      { name: "name", type: "text", max: 40 },
      { name: "born", type: "number" },
    ],
  });
  const bc = await t.pb.collections.create({
    name: books,
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: ac.id, maxSelect: 1 },
    ],
  });
  await t.pb.collection(authors).create({ id: "author000000001", name: "Ann", born: 1970 });
  await t.pb.collection(authors).create({ id: "author000000002", name: "Bob", born: 1980 });
  await t.pb.collection(books).create({ id: "book00000000001", title: "A1", author: "author000000001" });
  await t.pb.collection(books).create({ id: "book00000000002", title: "A2", author: "author000000001" });
  return { authors, books, ac, bc };
}

const createFailed = (data: Record<string, unknown>) => ({
  status: 400,
  response: { message: "Failed to create collection.", data },
});

sqliteOnly(
  "its viewQuery is SQLite SQL (total(), columns beside GROUP BY that it doesn't name); a viewQuery is written in the engine's own SQL",
)("a view's fields are inferred from its query", async () => {
  const { authors, books, ac, bc } = await library();
  const name = uniqueName("stats");
  const v = await t.pb.collections.create({
    name,
    type: "view",
    listRule: "",
    viewRule: "",
    viewQuery: `select a.id, a.name, b.id as book, count(b.id) as books, total(a.born) as sum, cast(a.born as int) as year,
      cast(a.born as real) as born_real, cast(a.born as text) as born_text, cast(1 as bool) as flag, (a.born * 2) as twice,
      b.author as writer from ${authors} a left join ${books} b on b.author = a.id group by a.id`,
  });
  const byName = Object.fromEntries(v.fields.map((f) => [f.name, f]));
  expect(v.fields.map((f) => f.name)).toEqual([
    "id",
    "name",
    "book",
    "books",
    "sum",
    "year",
    "born_real",
    "born_text",
    "flag",
    "twice",
    "writer",
  ]);
  expect(byName.id).toMatchObject({ type: "text", primaryKey: true, system: true, pattern: "^[a-z0-9]+$" });
  // copied from the source collection, under a fresh id
  expect(byName.name).toMatchObject({ type: "text", max: 40 });
  expect(byName.name?.id).toMatch(/^_clone_/);
  expect(byName.book).toMatchObject({ type: "relation", collectionId: bc.id, maxSelect: 1 });
  expect(byName.books).toMatchObject({ type: "number", onlyInt: true });
  expect(byName.sum).toMatchObject({ type: "number", onlyInt: false });
  expect(byName.year).toMatchObject({ type: "number", onlyInt: true });
  expect(byName.born_real).toMatchObject({ type: "number", onlyInt: false });
  expect(byName.born_text).toMatchObject({ type: "text" });
  expect(byName.flag).toMatchObject({ type: "bool" });
  expect(byName.twice).toMatchObject({ type: "json" });
  expect(byName.writer).toMatchObject({ type: "relation", collectionId: ac.id });
  expect(v).toMatchObject({ indexes: [], createRule: null, updateRule: null, deleteRule: null });

  const list = await t.client().collection(name).getFullList({ sort: "id" });
  expect(list.map((r) => [r.id, r.name, r.books, r.flag, r.twice, r.writer])).toEqual([
    ["author000000001", "Ann", 2, true, 3940, "author000000001"],
    ["author000000002", "Bob", 0, true, 3960, ""],
  ]);
  const one = await t.client().collection(name).getOne("author000000002");
  expect(one).toMatchObject({ collectionName: name, collectionId: v.id, year: 1980, born_text: "1980" });
});

test("view records are read-only", async () => {
  const { authors } = await library();
  const name = uniqueName("ro");
  await t.pb.collections.create({ name, type: "view", viewQuery: `select id, name from ${authors}` });
  const unsupported = { status: 400, response: { message: "Unsupported collection type." } };
  await expect(t.pb.collection(name).create({ name: "x" })).rejects.toMatchObject(unsupported);
  await expect(t.pb.collection(name).update("author000000001", { name: "x" })).rejects.toMatchObject(unsupported);
  await expect(t.pb.collection(name).delete("author000000001")).rejects.toMatchObject(unsupported);
  expect((await t.pb.collection(authors).getOne("author000000001")).name).toBe("Ann");
});

test("a non-text id is cast to text", async () => {
  const { authors } = await library();
  const name = uniqueName("numbered");
  await t.pb.collections.create({
    name,
    type: "view",
    viewQuery: `select (ROW_NUMBER() OVER()) as id, name from ${authors}`,
  });
  const rows = await t.pb.collection(name).getFullList({ sort: "id" });
  expect(rows.map((r) => r.id)).toEqual(["1", "2"]);
});

test("a viewQuery in the other engine's SQL is refused with a 400 that names what this engine can't run; nothing changes", async () => {
  const { authors } = await library();
  // a viewQuery is the SQL of the engine the app runs on: SQLite's printf() on PostgreSQL, PostgreSQL's to_char() on SQLite
  const [query, what] = onPostgres()
    ? [`select id, printf('%s!', name) as loud from ${authors}`, "printf"]
    : [`select id, to_char(born, '9999') as year from ${authors}`, "to_char"];
  const name = uniqueName("foreign");
  const refused = { viewQuery: { code: "validation_invalid_view_query", message: expect.stringContaining(what) } };
  await expect(t.pb.collections.create({ name, type: "view", viewQuery: query })).rejects.toMatchObject({
    status: 400,
    response: { message: "Failed to create collection.", data: refused },
  });
  await expect(t.pb.collections.getOne(name)).rejects.toMatchObject({ status: 404 });

  const kept = await t.pb.collections.create({ name, type: "view", viewQuery: `select id, name from ${authors}` });
  await expect(t.pb.collections.update(kept.id, { viewQuery: query })).rejects.toMatchObject({
    status: 400,
    response: { data: refused },
  });
  expect((await t.pb.collections.getOne(name)).viewQuery).toBe(`select id, name from ${authors}`);
  expect((await t.pb.collection(name).getFullList({ sort: "name" })).map((r) => r.name)).toEqual(["Ann", "Bob"]);
});

test("bad view queries and write rules are refused under their keys", async () => {
  const { authors } = await library();
  const invalidQuery = (message: string) => ({
    viewQuery: { code: "validation_invalid_view_query", message: `Invalid query - ${message}.` },
  });
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{}, { viewQuery: { code: "validation_required" }, fields: { code: "validation_required" } }],
    [
      { viewQuery: `select id from ${authors}; select id from ${authors}` },
      { ...invalidQuery("multiple statements are not supported"), fields: { code: "validation_required" } },
    ],
    [
      { viewQuery: `select name from ${authors}` },
      {
        ...invalidQuery("missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)"),
        fields: { code: "validation_missing_primary_key" },
      },
    ],
    [
      { viewQuery: `select * from ${authors}` },
      invalidQuery(
        "wildcard columns (*) are not supported - manually type the collection field names you want the view query to have",
      ),
    ],
    [{ viewQuery: "select id frm users" }, invalidQuery('invalid identifier part - expected "as", got frm')],
    [{ viewQuery: "select id from missing_table" }, { viewQuery: { code: "validation_invalid_view_query" } }],
    [
      { viewQuery: `select null as id from ${authors}` },
      invalidQuery("the query could return records with empty or invalid ids"),
    ],
    [
      { viewQuery: `select 'same' as id from ${authors}` },
      invalidQuery("the query could return records with non-unique ids"),
    ],
    [
      { viewQuery: `select id from ${authors}`, createRule: "", updateRule: "", deleteRule: "" },
      {
        createRule: { code: "validation_nil" },
        updateRule: { code: "validation_nil" },
        deleteRule: { code: "validation_nil" },
      },
    ],
    [
      { viewQuery: `select id from ${authors}`, indexes: ["CREATE INDEX idx_v ON v (id)"] },
      { indexes: { code: "validation_indexes_not_supported" } },
    ],
    [
      { viewQuery: `select id from ${authors}`, listRule: "name = 1" },
      { listRule: { code: "validation_invalid_rule" } },
    ],
  ];
  for (const [body, data] of cases) {
    await expect(t.pb.collections.create({ name: uniqueName("bad"), type: "view", ...body })).rejects.toMatchObject(
      createFailed(data),
    );
  }
  const tables = (await schemaObjects(t.app.db)).filter(
    (o) => o.name.startsWith("bad_") || o.name.startsWith("_temp_"),
  );
  expect(tables).toEqual([]);
});

test("a collection a view reads can't be deleted; the view can, then the collection", async () => {
  const { authors, books } = await library();
  const name = uniqueName("dep");
  await t.pb.collections.create({ name, type: "view", viewQuery: `select id, title from ${books}` });
  await expect(t.pb.collections.delete(books)).rejects.toMatchObject({ status: 400 });
  expect((await t.pb.collection(books).getList()).totalItems).toBe(2);
  expect((await t.pb.collection(name).getList()).totalItems).toBe(2);
  await t.pb.collections.delete(name);
  expect(await schemaObject(t.app.db, name)).toBeUndefined();
  await t.pb.collections.delete(books);
  await t.pb.collections.delete(authors);
});

test("changing a source collection re-saves the views whose fields change", async () => {
  const { authors, ac } = await library();
  const name = uniqueName("follow");
  await t.pb.collections.create({ name, type: "view", viewQuery: `select id, name, born from ${authors}` });
  const updatesBefore = t.calls.get("onCollectionAfterUpdateSuccess") ?? 0;
  await t.pb.collections.update(authors, {
    fields: ac.fields.map((f) => (f.name === "name" ? { ...f, max: 99 } : f)),
  });
  const v = await t.pb.collections.getOne(name);
  expect(v.fields.find((f) => f.name === "name")).toMatchObject({ type: "text", max: 99 });
  // the source and the view
  expect((t.calls.get("onCollectionAfterUpdateSuccess") ?? 0) - updatesBefore).toBe(2);

  // a change the view doesn't see saves nothing more
  const again = t.calls.get("onCollectionAfterUpdateSuccess") ?? 0;
  await t.pb.collections.update(authors, { listRule: "" });
  expect((t.calls.get("onCollectionAfterUpdateSuccess") ?? 0) - again).toBe(1);
});

test("saving a view again keeps the ids of the fields it keeps (PocketBase draws new ones)", async () => {
  const { authors, ac } = await library();
  const name = uniqueName("ids");
  const v = await t.pb.collections.create({ name, type: "view", viewQuery: `select id, name, born from ${authors}` });
  const idOf = (c: typeof v, field: string) => c.fields.find((f) => f.name === field)?.id;
  expect(idOf(v, "name")).toMatch(/^_clone_/);
  // re-saved through the API with a changed query, and by a change of its source
  const changed = await t.pb.collections.update(name, {
    viewQuery: `select id, born, name, name as alias from ${authors}`,
  });
  expect(idOf(changed, "name")).toBe(idOf(v, "name"));
  expect(idOf(changed, "born")).toBe(idOf(v, "born"));
  expect(idOf(changed, "alias")).toMatch(/^_clone_/);
  expect(idOf(changed, "alias")).not.toBe(idOf(v, "name"));
  await t.pb.collections.update(authors, {
    fields: ac.fields.map((f) => (f.name === "name" ? { ...f, max: 99 } : f)),
  });
  const followed = await t.pb.collections.getOne(name);
  expect(followed.fields.map((f) => f.id)).toEqual(changed.fields.map((f) => f.id));
  // a field of the same name but another type is a new field
  const retyped = await t.pb.collections.update(name, { viewQuery: `select id, born as name from ${authors}` });
  expect(idOf(retyped, "name")).not.toBe(idOf(v, "name"));
});

test("a view can be renamed and its query changed; records follow", async () => {
  const { authors, books } = await library();
  const name = uniqueName("ren");
  await t.pb.collections.create({ name, type: "view", listRule: "", viewQuery: `select id, name from ${authors}` });
  const renamed = `${name}_2`;
  const v = await t.pb.collections.update(name, { name: renamed, viewQuery: `select id, title from ${books}` });
  expect(v.fields.map((f) => f.name)).toEqual(["id", "title"]);
  expect(await schemaObject(t.app.db, name)).toBeUndefined();
  expect((await t.client().collection(renamed).getFullList({ sort: "id" })).map((r) => r.title)).toEqual(["A1", "A2"]);
});

test("dry-run-view returns the inferred fields and a sample", async () => {
  const { authors } = await library();
  const result = (await t.pb.collections.dryRunViewQuery(
    `select id, name, cast(born as int) as year from ${authors} order by id`,
  )) as unknown as { fields: { name: string; type: string }[]; sample: Record<string, unknown>[] };
  expect(result.fields.map((f) => [f.name, f.type])).toEqual([
    ["id", "text"],
    ["name", "text"],
    ["year", "number"],
  ]);
  expect(result.sample.map((r) => [r.id, r.name, r.year])).toEqual([
    ["author000000001", "Ann", 1970],
    ["author000000002", "Bob", 1980],
  ]);
  expect(result.sample[0]?.collectionName).toMatch(/^temp_view_/);
  await expect(t.pb.collections.dryRunViewQuery("")).rejects.toMatchObject({
    status: 400,
    response: {
      message: "An error occurred while validating the submitted data.",
      data: { query: { code: "validation_required" } },
    },
  });
  await expect(t.pb.collections.dryRunViewQuery(`select * from ${authors}`)).rejects.toMatchObject({
    status: 400,
    response: { message: expect.stringContaining("Invalid view query. Raw error: \nwildcard columns (*)"), data: {} },
  });
  for (const body of ["{bad", JSON.stringify({ query: 5 })]) {
    const res = await fetch(`${t.url}/api/collections/meta/dry-run-view`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: t.pb.authStore.token },
      body,
    });
    expect([res.status, await res.json()]).toEqual([
      400,
      { data: {}, message: "An error occurred while loading the submitted data.", status: 400 },
    ]);
  }
});
