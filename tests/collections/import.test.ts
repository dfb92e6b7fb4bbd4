import { afterAll, beforeEach, expect, test } from "bun:test";
import type { CollectionModel } from "pocketbase";
import { schemaObject } from "../helpers/schema-objects.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// Each test gets a fresh server: deleteMissing removes every collection an import doesn't list.
let t: TestServer | null = null;
beforeEach(async () => {
  await t?.stop();
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

function server(): TestServer {
  if (!t) throw new Error("no test server");
  return t;
}

const importFailed = (data: Record<string, unknown>) => ({
  status: 400,
  response: { message: "Failed to import collections.", data },
});

/** Collections that reference each other, listed before what they reference, with a view. */
const shop = [
  {
    id: "orders_id",
    name: "orders",
    fields: [{ name: "item", type: "relation", collectionId: "items_id", maxSelect: 1 }],
  },
  {
    id: "items_id",
    name: "items",
    fields: [
      { name: "title", type: "text" },
      { name: "price", type: "number" },
    ],
  },
  { name: "cheap", type: "view", viewQuery: "select id, title from items where price < 10" },
] as unknown as CollectionModel[];

test("an import creates collections in any order, views last, in one go", async () => {
  const { pb } = server();
  await pb.collections.import(shop);
  const orders = await pb.collections.getOne("orders");
  expect(orders.fields.find((f) => f.name === "item")).toMatchObject({ type: "relation", collectionId: "items_id" });
  expect((await pb.collections.getOne("cheap")).fields.map((f) => f.name)).toEqual(["id", "title"]);
  await pb.collection("items").create({ id: "item00000000001", title: "pen", price: 2 });
  expect((await pb.collection("cheap").getFullList()).map((r) => r.title)).toEqual(["pen"]);
});

test("an existing collection is matched by name and updated; unlisted fields stay without deleteMissing", async () => {
  const { pb } = server();
  await pb.collections.import(shop);
  await pb.collection("items").create({ id: "item00000000001", title: "pen", price: 2 });
  await pb.collections.import([
    { name: "items", listRule: "", fields: [{ name: "stock", type: "number" }] },
  ] as unknown as CollectionModel[]);
  const items = await pb.collections.getOne("items");
  expect(items.listRule).toBe("");
  expect(items.fields.map((f) => f.name).sort()).toEqual(["id", "price", "stock", "title"]);
  expect(await pb.collection("items").getOne("item00000000001")).toMatchObject({ title: "pen", price: 2, stock: 0 });
});

test("deleteMissing removes the collections and fields the import doesn't list, system ones kept", async () => {
  const { pb, app } = server();
  await pb.collections.import(shop);
  await pb.collection("items").create({ id: "item00000000001", title: "pen", price: 2 });
  await pb.collections.import(
    [{ id: "items_id", name: "items", fields: [{ name: "title", type: "text" }] }] as unknown as CollectionModel[],
    true,
  );
  const names = (await pb.collections.getFullList()).map((c) => c.name).sort();
  expect(names).toEqual(["_authOrigins", "_externalAuths", "_mfas", "_otps", "_superusers", "items"]);
  // the kept system field is appended after the listed ones, as in PocketBase
  expect((await pb.collections.getOne("items")).fields.map((f) => f.name)).toEqual(["title", "id"]);
  expect(await pb.collection("items").getOne("item00000000001")).toMatchObject({ title: "pen" });
  for (const gone of ["orders", "cheap", "users"]) expect(await schemaObject(app.db, gone)).toBeUndefined();
});

test("an import that fails validation changes nothing", async () => {
  const { pb, app } = server();
  const before = await pb.collections.getFullList();
  await expect(
    pb.collections.import([
      { name: "fine", fields: [{ name: "a", type: "text" }] },
      { name: "broken", fields: [{ name: "r", type: "relation", collectionId: "missing" }] },
    ] as unknown as CollectionModel[]),
  ).rejects.toMatchObject(
    importFailed({
      collections: {
        code: "validation_collections_import_failure",
        message: expect.stringContaining('Data validations failed for collection "broken"'),
      },
    }),
  );
  expect(await pb.collections.getFullList()).toEqual(before);
  expect(await schemaObject(app.db, "fine")).toBeUndefined();
});

test("a changed system collection fails the import with Go's error text", async () => {
  const { pb } = server();
  await expect(
    pb.collections.import([{ name: "_superusers", listRule: "" }] as unknown as CollectionModel[]),
  ).rejects.toMatchObject(
    importFailed({
      collections: {
        code: "validation_collections_import_failure",
        message:
          'Data validations failed for collection "_superusers" (pbc_3142635823):\n{\n  "listRule": "System collection API rule cannot be changed."\n}.',
      },
    }),
  );
});

test("bad import bodies answer 400", async () => {
  const { pb, url } = server();
  await expect(pb.collections.import([])).rejects.toMatchObject({
    status: 400,
    response: {
      message: "An error occurred while validating the submitted data.",
      data: { collections: { code: "validation_required" } },
    },
  });
  const put = (body: string) =>
    fetch(`${url}/api/collections/import`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: pb.authStore.token },
      body,
    });
  for (const body of ["{bad", JSON.stringify({ collections: "x" }), JSON.stringify({ collections: [1] })]) {
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "An error occurred while loading the submitted data." });
  }
  await expect(
    pb.collections.import([{ name: "odd", fields: [{ name: "x", type: "zzz" }] }] as unknown as CollectionModel[]),
  ).rejects.toMatchObject(
    importFailed({
      collections: {
        code: "validation_collections_import_failure",
        message:
          'Failed to import the collections configuration. Raw error:\nmissing or unknown field type in {"name":"x","type":"zzz"}.',
      },
    }),
  );
});
