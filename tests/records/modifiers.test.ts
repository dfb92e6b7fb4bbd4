import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RecordModel } from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, openRules } from "./fixtures.ts";

let t: TestServer;
let rec: RecordModel;
beforeAll(async () => {
  t = await startTestServer();
  const c = await t.pb.collections.create({
    name: "items",
    type: "base",
    ...openRules,
    fields: [
      { name: "title", type: "text" },
      { name: "views", type: "number" },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "cat", type: "select", values: ["x", "y"], maxSelect: 1 },
    ],
  });
  await t.pb.collections.update(c.id, {
    fields: [
      ...c.fields,
      { name: "refs", type: "relation", collectionId: c.id, maxSelect: 5 },
      { name: "parent", type: "relation", collectionId: c.id, maxSelect: 1 },
    ],
  });
  rec = await t
    .client()
    .collection("items")
    .create({ id: "item00000000001", views: 10, tags: ["a"], cat: "x" });
  await t.client().collection("items").create({ id: "item00000000002" });
});
afterAll(async () => {
  await t.stop();
});

const update = (body: Record<string, unknown>) => t.client().collection("items").update(rec.id, body);

test("number: field+ adds, field- subtracts, other forms are ignored", async () => {
  expect((await update({ "views+": 5 })).views).toBe(15);
  expect((await update({ "views-": 2.5 })).views).toBe(12.5);
  expect((await update({ "views+": "3" })).views).toBe(15.5);
  expect((await update({ "+views": 100 })).views).toBe(15.5);
  expect((await update({ "views-": "abc" })).views).toBe(15.5);
  expect((await t.client().collection("items").getOne(rec.id)).views).toBe(15.5);
});

test("multi select: field+ appends, +field prepends, field- removes", async () => {
  expect((await update({ "tags+": ["c", "b"] })).tags).toEqual(["a", "c", "b"]);
  expect((await update({ "+tags": "b" })).tags).toEqual(["b", "a", "c"]);
  expect((await update({ "tags-": ["a", "zz"] })).tags).toEqual(["b", "c"]);
  // the plain key is applied first, then the modifier
  expect((await update({ "tags+": "a", tags: ["c"] })).tags).toEqual(["c", "a"]);
  const e = await apiError(update({ "tags+": "zz" }));
  expect(e.response).toEqual({
    data: { tags: { code: "validation_invalid_value", message: "Invalid value zz.", params: { value: "zz" } } },
    message: "Failed to update record.",
    status: 400,
  });
  expect((await t.client().collection("items").getOne(rec.id)).tags).toEqual(["c", "a"]);
});

test("single select: field- clears a matching value, field+ and +field keep the last one", async () => {
  expect((await update({ "cat-": "x" })).cat).toBe("");
  expect((await update({ "cat+": "y" })).cat).toBe("y");
  expect((await update({ "+cat": "x" })).cat).toBe("y");
});

test("relations: modifiers on single and multiple relations", async () => {
  expect((await update({ "refs+": ["item00000000001", "item00000000002"] })).refs).toEqual([
    "item00000000001",
    "item00000000002",
  ]);
  expect((await update({ "refs-": "item00000000001" })).refs).toEqual(["item00000000002"]);
  expect((await update({ "+refs": "item00000000001" })).refs).toEqual(["item00000000001", "item00000000002"]);
  expect((await update({ "parent+": "item00000000002" })).parent).toBe("item00000000002");
  expect((await update({ "parent-": "item00000000002" })).parent).toBe("");
  const e = await apiError(update({ "refs+": "missing00000000" }));
  expect(e.response).toMatchObject({ data: { refs: { code: "validation_missing_rel_records" } }, status: 400 });
});

test("fields without modifiers ignore modifier keys", async () => {
  expect((await update({ "title+": "zz", title: "t" })).title).toBe("t");
  expect((await update({ "title+": "zz" })).title).toBe("t");
});

test("modifiers work on create and through multipart bodies", async () => {
  const created = await t
    .client()
    .collection("items")
    .create({ "tags+": ["b"], "views+": 2, "views-": 5 });
  expect(created).toMatchObject({ tags: ["b"], views: -3 });
  const form = new FormData();
  form.append("tags+", "a");
  form.append("tags+", "c");
  form.append("views+", "4");
  const viaForm = await t.client().collection("items").update(created.id, form);
  expect(viaForm).toMatchObject({ tags: ["b", "a", "c"], views: 1 });
});
