import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

test("health answers for guests", async () => {
  const res = await fetch(`${t.url}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: "API is healthy.", code: 200, data: {} });
});

test("a superuser creates a collection and does CRUD on its records", async () => {
  const c = await t.pb.collections.create({
    name: "posts",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text", required: true, max: 10 },
      { name: "views", type: "number" },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
    ],
  });
  expect(c.name).toBe("posts");
  const guest = t.client();
  const rec = await guest.collection("posts").create({ title: "hello", views: 3, tags: ["a", "b"] });
  expect(rec).toMatchObject({ title: "hello", views: 3, tags: ["a", "b"], collectionName: "posts" });
  expect(rec.id).toMatch(/^[a-z0-9]{15}$/);
  const updated = await t.pb.collection("posts").update(rec.id, { "views+": 2, "tags-": "a" });
  expect(updated).toMatchObject({ views: 5, tags: ["b"] });
  const list = await guest.collection("posts").getList(1, 10);
  expect(list.totalItems).toBe(1);
  await expect(guest.collection("posts").create({ title: "far too long title" })).rejects.toMatchObject({
    status: 400,
    response: { data: { title: { code: "validation_max_text_constraint" } } },
  });
  await t.pb.collection("posts").delete(rec.id);
  await expect(guest.collection("posts").getOne(rec.id)).rejects.toMatchObject({ status: 404 });
});
