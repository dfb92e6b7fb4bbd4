import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, createPosts, raw } from "./fixtures.ts";

let t: TestServer;
let postsId = "";
const postsUrl = () => `${t.url}/api/collections/posts/records`;

beforeAll(async () => {
  t = await startTestServer();
  postsId = await createPosts(t.pb);
  await t.pb.collections.create({ name: "locked", type: "base", fields: [{ name: "title", type: "text" }] });
  await t.pb.collections.create({
    name: "ruled",
    type: "base",
    createRule: "title != ''",
    fields: [{ name: "title", type: "text" }],
  });
  await t.pb.collections.create({
    name: "pair",
    type: "base",
    createRule: "",
    updateRule: "",
    fields: [
      { name: "a", type: "text" },
      { name: "b", type: "number" },
      { name: "c", type: "text" },
    ],
    indexes: [
      "CREATE UNIQUE INDEX idx_pair ON pair (a, b)",
      "CREATE UNIQUE INDEX idx_pair_c ON pair (c COLLATE NOCASE)",
    ],
  });
  await t.pb.collections.create({
    name: "postsView",
    type: "view",
    listRule: "",
    viewRule: "",
    viewQuery: "SELECT id, title FROM posts",
  });
});
afterAll(async () => {
  await t.stop();
});

const failedCreate = (data: Record<string, unknown>) => ({ data, message: "Failed to create record.", status: 400 });
const genericBadRequest = { data: {}, message: "Something went wrong while processing your request.", status: 400 };

describe("create", () => {
  test("answers 200 with the record, its collectionId and collectionName, and a 15-character id", async () => {
    const res = await raw(postsUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "hello", views: 3, tags: ["b", "a"] }),
    });
    expect(res.status).toBe(200);
    const rec = res.body as Record<string, unknown>;
    expect(rec).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{15}$/),
      title: "hello",
      views: 3,
      tags: ["b", "a"],
      cat: "",
      slug: "",
      author: "",
      collectionId: postsId,
      collectionName: "posts",
    });
    expect(
      await t
        .client()
        .collection("posts")
        .getOne(rec.id as string),
    ).toEqual(rec as never);
  });

  test("ignores unknown keys and the record's dynamic keys", async () => {
    const rec = await t
      .client()
      .collection("posts")
      .create({
        title: "extra",
        nope: 1,
        collectionId: "x",
        collectionName: "y",
        expand: { a: 1 },
      });
    expect(rec).not.toHaveProperty("nope");
    expect(rec).not.toHaveProperty("expand");
    expect(rec).toMatchObject({ collectionId: postsId, collectionName: "posts" });
  });

  test("drops hidden fields sent by non-superusers and keeps them from superusers", async () => {
    const guest = await t.client().collection("posts").create({ title: "g", secret: "from guest" });
    expect(guest).not.toHaveProperty("secret");
    expect((await t.pb.collection("posts").getOne(guest.id)).secret).toBe("");
    const su = await t.pb.collection("posts").create({ title: "s", secret: "from superuser" });
    expect(su.secret).toBe("from superuser");
    expect(await t.client().collection("posts").getOne(su.id)).not.toHaveProperty("secret");
  });

  test("a custom id is used when it fits the id field", async () => {
    const rec = await t.client().collection("posts").create({ id: "custom000000001", title: "c" });
    expect(rec.id).toBe("custom000000001");
    const numeric = await t.client().collection("posts").create({ id: 123456789012345 });
    expect(numeric.id).toBe("123456789012345");
    for (const id of ["", null])
      expect((await t.client().collection("posts").create({ id })).id).toMatch(/^[a-z0-9]{15}$/);
  });

  test("a custom id that doesn't fit or already exists is a 400 on id", async () => {
    const cases: [unknown, Record<string, unknown>][] = [
      [
        "abc",
        { code: "validation_min_text_constraint", message: "Must be at least 15 character(s).", params: { min: 15 } },
      ],
      ["ABCDEFGHIJKLMNO", { code: "validation_invalid_format", message: "Invalid value format." }],
      ["rec-00000000001", { code: "validation_invalid_format", message: "Invalid value format." }],
      ["custom000000001", { code: "validation_not_unique", message: "Value must be unique." }],
    ];
    for (const [id, err] of cases) {
      const e = await apiError(t.client().collection("posts").create({ id }));
      expect(e.status).toBe(400);
      expect(e.response).toEqual(failedCreate({ id: err }));
    }
  });

  test("field validation failures are a 400 with every failing field", async () => {
    const e = await apiError(
      t
        .client()
        .collection("posts")
        .create({ title: "x".repeat(21), tags: ["zz"], author: "nope00000000000" }),
    );
    expect(e.response).toEqual(
      failedCreate({
        title: {
          code: "validation_max_text_constraint",
          message: "Must be no more than 20 character(s).",
          params: { max: 20 },
        },
        tags: { code: "validation_invalid_value", message: "Invalid value zz.", params: { value: "zz" } },
        author: {
          code: "validation_missing_rel_records",
          message: "Failed to find all relation records with the provided ids.",
        },
      }),
    );
  });

  test("reads urlencoded and multipart bodies, typing their values as PocketBase does", async () => {
    const url = await raw(postsUrl(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "title=0001&views=7&tags=a&tags=b",
    });
    expect(url).toMatchObject({ status: 200, body: { title: "0001", views: 7, tags: ["a", "b"] } });

    const form = new FormData();
    form.append("title", "plain");
    form.append("views", "4");
    form.append("@jsonPayload", JSON.stringify({ title: "from json", tags: ["c"] }));
    const multipart = await raw(postsUrl(), { method: "POST", body: form });
    expect(multipart).toMatchObject({ status: 200, body: { title: "from json", views: 4, tags: ["c"] } });
  });

  test("a body that can't be read is a 400 in PocketBase's shape", async () => {
    const send = (body: string, type?: string) =>
      raw(postsUrl(), { method: "POST", body, headers: type ? { "content-type": type } : {} });
    for (const body of ["{bad", "[1,2]", '"text"', " "]) {
      expect(await send(body, "application/json")).toMatchObject({ status: 400, body: genericBadRequest });
    }
    expect(await send("<a/>", "application/xml")).toMatchObject({ status: 400, body: genericBadRequest });
    const unsupported = { data: {}, message: "Unsupported Content-Type.", status: 400 };
    expect(await send("hello", "text/plain")).toMatchObject({ status: 400, body: unsupported });
    const noType = await fetch(postsUrl(), { method: "POST", body: new Blob(['{"title":"x"}']) });
    expect(noType.status).toBe(400);
    expect(await noType.json()).toEqual(unsupported);
    const badPayload = new FormData();
    badPayload.append("@jsonPayload", "{bad");
    expect(await raw(postsUrl(), { method: "POST", body: badPayload })).toMatchObject({
      status: 400,
      body: genericBadRequest,
    });
    // an empty body is an empty record
    expect((await send("", "application/json")).status).toBe(200);
    expect((await send("null", "application/json")).status).toBe(200);
  });

  test("a body over the limit is a 413", async () => {
    const big = JSON.stringify({ title: "x".repeat(33 << 20) });
    const res = await raw(`${t.url}/api/collections/locked/records`, {
      method: "POST",
      token: t.pb.authStore.token,
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(res).toMatchObject({ status: 413, body: { data: {}, message: "Request entity too large.", status: 413 } });
    expect((await t.pb.collection("locked").getList()).totalItems).toBe(0);
  });

  test("a unique index violation is a 400 validation_not_unique on its fields", async () => {
    const notUnique = { code: "validation_not_unique", message: "Value must be unique." };
    await t.client().collection("posts").create({ slug: "taken" });
    expect((await apiError(t.client().collection("posts").create({ slug: "taken" }))).response).toEqual(
      failedCreate({ slug: notUnique }),
    );
    const other = await t.client().collection("posts").create({ slug: "free" });
    expect((await apiError(t.client().collection("posts").update(other.id, { slug: "taken" }))).response).toEqual({
      data: { slug: notUnique },
      message: "Failed to update record.",
      status: 400,
    });
    const pair = t.client().collection("pair");
    await pair.create({ a: "x", b: 1, c: "Q" });
    expect((await apiError(pair.create({ a: "x", b: 1 }))).response).toEqual(
      failedCreate({ a: notUnique, b: notUnique }),
    );
    expect((await apiError(pair.create({ a: "x", b: 2, c: "q" }))).response).toEqual(failedCreate({ c: notUnique }));
  });
});

describe("view, update and delete", () => {
  test("view answers the record, a missing one is a 404", async () => {
    const rec = await t.client().collection("posts").create({ title: "v" });
    expect(await t.client().collection("posts").getOne(rec.id)).toEqual(rec);
    const e = await apiError(t.client().collection("posts").getOne("missing00000000"));
    expect(e.status).toBe(404);
    expect(e.response).toEqual({ data: {}, message: "The requested resource wasn't found.", status: 404 });
    const head = await raw(`${postsUrl()}/${rec.id}`, { method: "HEAD" });
    expect(head).toMatchObject({ status: 200, text: "" });
  });

  test("update changes only the fields sent and keeps the id", async () => {
    const rec = await t
      .client()
      .collection("posts")
      .create({ title: "before", views: 1, tags: ["a"] });
    const updated = await t.client().collection("posts").update(rec.id, { title: "after", nope: true });
    expect(updated).toEqual({ ...rec, title: "after" });
    expect((await apiError(t.client().collection("posts").update(rec.id, { id: "another00000000" }))).status).toBe(400);
    expect(await t.client().collection("posts").update(rec.id, { id: rec.id, views: 2 })).toMatchObject({
      id: rec.id,
      views: 2,
    });
    const missing = await apiError(t.client().collection("posts").update("missing00000000", { title: "x" }));
    expect(missing.status).toBe(404);
  });

  test("a guest's update can't change a hidden field", async () => {
    const rec = await t.pb.collection("posts").create({ title: "h", secret: "kept" });
    await t.client().collection("posts").update(rec.id, { secret: "changed" });
    expect((await t.pb.collection("posts").getOne(rec.id)).secret).toBe("kept");
  });

  test("delete answers 204 and the record is gone", async () => {
    const rec = await t.client().collection("posts").create({ title: "d" });
    const res = await raw(`${postsUrl()}/${rec.id}`, { method: "DELETE" });
    expect(res).toMatchObject({ status: 204, text: "" });
    expect((await apiError(t.client().collection("posts").getOne(rec.id))).status).toBe(404);
    expect((await apiError(t.client().collection("posts").delete(rec.id))).status).toBe(404);
  });
});

describe("collection checks", () => {
  test("an unknown collection is a 404", async () => {
    const missing = { data: {}, message: "Missing collection context.", status: 404 };
    const missingOrInvalid = { data: {}, message: "Missing or invalid collection context.", status: 404 };
    const c = t.client().collection("nope");
    expect((await apiError(c.getOne("x"))).response).toEqual(missing);
    expect((await apiError(c.delete("x"))).response).toEqual(missing);
    expect((await apiError(c.create({}))).response).toEqual(missingOrInvalid);
    expect((await apiError(c.update("x", {}))).response).toEqual(missingOrInvalid);
  });

  test("a view collection is read-only", async () => {
    const rec = await t.client().collection("posts").create({ title: "in view" });
    expect(await t.client().collection("postsView").getOne(rec.id)).toEqual({
      id: rec.id,
      title: "in view",
      collectionId: expect.any(String),
      collectionName: "postsView",
    });
    const unsupported = { data: {}, message: "Unsupported collection type.", status: 400 };
    const v = t.pb.collection("postsView");
    expect((await apiError(v.create({ title: "x" }))).response).toEqual(unsupported);
    expect((await apiError(v.update(rec.id, { title: "x" }))).response).toEqual(unsupported);
    expect((await apiError(v.delete(rec.id))).response).toEqual(unsupported);
  });

  test("a null rule lets only superusers in (403 for others)", async () => {
    const forbidden = { data: {}, message: "Only superusers can perform this action.", status: 403 };
    const rec = await t.pb.collection("locked").create({ title: "x" });
    const guest = t.client().collection("locked");
    expect((await apiError(guest.getOne(rec.id))).response).toEqual(forbidden);
    expect((await apiError(guest.create({ title: "y" }))).response).toEqual(forbidden);
    expect((await apiError(guest.update(rec.id, { title: "y" }))).response).toEqual(forbidden);
    expect((await apiError(guest.update("missing00000000", { title: "y" }))).response).toEqual(forbidden);
    expect((await apiError(guest.delete(rec.id))).response).toEqual(forbidden);
    expect(await t.pb.collection("locked").getOne(rec.id)).toMatchObject({ title: "x" });
  });

  test("a create rule is evaluated on the submitted data: failing it is a 400 and nothing is written", async () => {
    const err = await apiError(t.client().collection("ruled").create({ title: "" }));
    expect(err.status).toBe(400);
    expect(err.response).toEqual({ data: {}, message: "Failed to create record.", status: 400 });
    expect(await t.client().collection("ruled").create({ title: "x" })).toMatchObject({ title: "x" });
    expect((await t.pb.collection("ruled").getFullList({ filter: "title = ''" })).length).toBe(0);
    expect(await t.pb.collection("ruled").create({ title: "" })).toMatchObject({ title: "" });
  });

  test("create and update rules see the submitted body, the query string and the headers", async () => {
    await t.pb.collections.create({
      name: "gated",
      type: "base",
      createRule: "@request.body.title = 'ok' && @request.query.k = 'v' && @request.headers.x_gate = 'open'",
      updateRule: "@request.body.title = 'ok2' && @request.query.k = 'v' && @request.headers.x_gate = 'open'",
      fields: [{ name: "title", type: "text" }],
    });
    const gated = t.client().collection("gated");
    const opts = { query: { k: "v" }, headers: { "x-gate": "open" } };
    const refused = { data: {}, message: "Failed to create record.", status: 400 };
    expect((await apiError(gated.create({ title: "ok" }, { headers: opts.headers }))).response).toEqual(refused);
    expect((await apiError(gated.create({ title: "ok" }, { query: opts.query }))).response).toEqual(refused);
    expect((await apiError(gated.create({ title: "no" }, opts))).response).toEqual(refused);
    const rec = await gated.create({ title: "ok" }, opts);
    expect((await apiError(gated.update(rec.id, { title: "ok2" }, { query: opts.query }))).status).toBe(404);
    expect(await gated.update(rec.id, { title: "ok2" }, opts)).toMatchObject({ title: "ok2" });
  });
});
