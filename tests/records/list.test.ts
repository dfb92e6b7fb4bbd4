import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, createPosts, raw } from "./fixtures.ts";

let t: TestServer;
let postsId = "";
beforeAll(async () => {
  t = await startTestServer();
  postsId = await createPosts(t.pb);
  for (let i = 1; i <= 35; i++) {
    await t.pb
      .collection("posts")
      .create({ id: `post${String(i).padStart(11, "0")}`, title: `t${String(40 - i)}`, views: i % 7, secret: `s${i}` });
  }
  await t.pb.collections.create({ name: "locked", type: "base", fields: [{ name: "title", type: "text" }] });
  await t.pb.collection("locked").create({ title: "only superusers" });
  await t.pb.collections.create({
    name: "ruled",
    type: "base",
    listRule: "title != ''",
    viewRule: "title != ''",
    fields: [{ name: "title", type: "text" }],
  });
});
afterAll(async () => {
  await t.stop();
});

const list = (query = "", token?: string) => raw(`${t.url}/api/collections/posts/records${query}`, { token });

describe("paging", () => {
  test("defaults to page 1 of 30 with the totals", async () => {
    const res = await t.client().collection("posts").getList();
    expect(res).toMatchObject({ page: 1, perPage: 30, totalItems: 35, totalPages: 2 });
    expect(res.items).toHaveLength(30);
  });

  test("page and perPage pick the slice", async () => {
    const res = await t.client().collection("posts").getList(3, 10, { sort: "id" });
    expect(res).toMatchObject({ page: 3, perPage: 10, totalItems: 35, totalPages: 4 });
    expect(res.items.map((r) => r.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `post${String(21 + i).padStart(11, "0")}`),
    );
  });

  test("zero or negative values fall back to the defaults and perPage is capped at 1000", async () => {
    expect(await list("?page=0&perPage=0")).toMatchObject({ status: 200, body: { page: 1, perPage: 30 } });
    expect(await list("?page=-3&perPage=-1")).toMatchObject({ status: 200, body: { page: 1, perPage: 30 } });
    expect(await list("?perPage=5000")).toMatchObject({ status: 200, body: { perPage: 1000, totalPages: 1 } });
    expect(await list("?page=")).toMatchObject({ status: 200, body: { page: 1 } });
  });

  test("a page past the end is empty", async () => {
    const res = await t.client().collection("posts").getList(9, 10);
    expect(res).toMatchObject({ page: 9, totalItems: 35, totalPages: 4, items: [] });
    const far = await list("?page=9223372036854775807&skipTotal=1");
    expect(far).toMatchObject({ status: 200, body: { items: [], totalItems: -1 } });
  });

  test("non-numeric page or perPage is a 400", async () => {
    for (const q of ["?page=abc", "?perPage=1.5", "?perPage=ten", "?perPage=99999999999999999999", "?page=0x10"]) {
      const res = await list(q);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        data: {},
        message: "Something went wrong while processing your request.",
        status: 400,
      });
    }
  });

  test("skipTotal skips the count and reports -1", async () => {
    const res = await t.client().collection("posts").getList(1, 5, { skipTotal: true });
    expect(res).toMatchObject({ page: 1, perPage: 5, totalItems: -1, totalPages: -1 });
    expect(res.items).toHaveLength(5);
    expect((await list("?skipTotal=abc")).status).toBe(400);
  });
});

describe("sort", () => {
  test("sorts by fields, descending with -, ascending with + or nothing", async () => {
    const byTitle = await t.client().collection("posts").getList(1, 3, { sort: "title" });
    expect(byTitle.items.map((r) => r.title)).toEqual(["t10", "t11", "t12"]);
    const byViews = await t.client().collection("posts").getList(1, 3, { sort: "-views,+id" });
    expect(byViews.items.map((r) => [r.views, r.id])).toEqual([
      [6, "post00000000006"],
      [6, "post00000000013"],
      [6, "post00000000020"],
    ]);
    const byRowid = await t.client().collection("posts").getList(1, 1, { sort: "-@rowid" });
    expect(byRowid.items[0]?.id).toBe("post00000000035");
  });

  test("an unknown field, an empty part or a hidden field (for non-superusers) is a 400", async () => {
    for (const sort of ["nope", ",title", "secret", "-secret"]) {
      const err = await apiError(t.client().collection("posts").getList(1, 1, { sort }));
      expect(err.status).toBe(400);
      expect(err.response).toEqual({
        data: {},
        message: "Something went wrong while processing your request.",
        status: 400,
      });
    }
  });

  test("a sort on a JSON path orders as SQLite's json_extract: nothing, numbers and booleans, then texts", async () => {
    await t.pb.collections.create({
      name: "docs",
      type: "base",
      listRule: "",
      fields: [
        { name: "label", type: "text" },
        { name: "data", type: "json" },
      ],
    });
    const values: [string, unknown][] = [
      ["text 10", { v: "10" }],
      ["nine", { v: 9 }],
      ["object", { v: { a: 1 } }],
      ["true", { v: true }],
      ["ten", { v: 10 }],
      ["B", { v: "B" }],
      ["missing", { w: 1 }],
      ["array", { v: [1, 2] }],
      ["false", { v: false }],
      ["abc", { v: "abc" }],
      ["null", { v: null }],
      ["two and a half", { v: 2.5 }],
    ];
    for (const [label, data] of values) await t.pb.collection("docs").create({ label, data });
    const ascending = [
      "missing",
      "null",
      "false",
      "true",
      "two and a half",
      "nine",
      "ten",
      "text 10",
      "B",
      "array",
      "abc",
      "object",
    ];
    const sorted = async (sort: string) =>
      (await t.client().collection("docs").getFullList({ sort })).map((r) => r.label);
    expect(await sorted("data.v,label")).toEqual(ascending);
    // the NULLs are equal: the second key orders them either way
    expect(await sorted("-data.v,label")).toEqual([...ascending.slice(2).reverse(), "missing", "null"]);
    // a JSON field's whole value sorts as SQLite's json_extract(data, '$') gives an object: by its JSON text
    expect(await sorted("data,label")).toEqual([
      "text 10",
      "B",
      "abc",
      "ten",
      "two and a half",
      "nine",
      "array",
      "false",
      "null",
      "true",
      "object",
      "missing",
    ]);
  });

  test("superusers may sort by hidden fields", async () => {
    const res = await t.pb.collection("posts").getList(1, 2, { sort: "-secret" });
    expect(res.items.map((r) => r.secret)).toEqual(["s9", "s8"]);
  });
});

describe("records in a list", () => {
  test("carry collectionId and collectionName and leave hidden fields out for guests", async () => {
    const res = await t.client().collection("posts").getList(1, 1, { sort: "id" });
    expect(res.items[0]).toEqual({
      id: "post00000000001",
      title: "t39",
      views: 1,
      tags: [],
      cat: "",
      slug: "",
      author: "",
      collectionId: postsId,
      collectionName: "posts",
    });
  });

  test("show hidden fields to superusers", async () => {
    const res = await t.pb.collection("posts").getList(1, 1, { sort: "id" });
    expect(res.items[0]?.secret).toBe("s1");
  });

  test("the collection may be named by id or by its name in any case", async () => {
    for (const name of [postsId, "POSTS", "Posts"]) {
      const byName = await raw(`${t.url}/api/collections/${name}/records?perPage=1&skipTotal=1`);
      expect(byName).toMatchObject({ status: 200, body: { perPage: 1, totalItems: -1 } });
    }
  });
});

describe("access", () => {
  test("an unknown collection is a 404", async () => {
    const err = await apiError(t.client().collection("nope").getList());
    expect(err.status).toBe(404);
    expect(err.response).toEqual({ data: {}, message: "Missing collection context.", status: 404 });
  });

  test("a null list rule lets only superusers list", async () => {
    const err = await apiError(t.client().collection("locked").getList());
    expect(err.status).toBe(403);
    expect(err.response).toEqual({ data: {}, message: "Only superusers can perform this action.", status: 403 });
    expect((await t.pb.collection("locked").getList()).totalItems).toBe(1);
  });

  test("a list rule leaves out the records that fail it, for guests; superusers see all", async () => {
    await t.pb.collection("ruled").create({ title: "shown" });
    await t.pb.collection("ruled").create({ title: "" });
    const guest = await t.client().collection("ruled").getList();
    expect(guest.items.map((r) => r.title)).toEqual(["shown"]);
    expect(guest.totalItems).toBe(1);
    expect((await t.pb.collection("ruled").getList()).totalItems).toBe(2);
  });

  test("HEAD answers the status and headers without a body", async () => {
    const ok = await raw(`${t.url}/api/collections/posts/records`, { method: "HEAD" });
    expect(ok).toMatchObject({ status: 200, text: "" });
    expect(ok.headers.get("content-type")).toBe("application/json");
    const missing = await raw(`${t.url}/api/collections/nope/records`, { method: "HEAD" });
    expect(missing).toMatchObject({ status: 404, text: "" });
    const locked = await raw(`${t.url}/api/collections/locked/records`, { method: "HEAD" });
    expect(locked).toMatchObject({ status: 403, text: "" });
  });
});
