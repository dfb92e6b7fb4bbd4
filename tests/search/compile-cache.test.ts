import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { compileSearch } from "../../src/core/record-search.ts";
import type { RequestInfo } from "../../src/core/request-event.ts";
import { parseSort } from "../../src/tools/search/sort.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;
let userA: RecordModel;
let userB: RecordModel;

const info = (auth: RecordModel | null): RequestInfo => ({
  query: {},
  headers: {},
  body: {},
  method: "GET",
  auth,
  context: "default",
});
const posts = (): Collection => t.app.findCachedCollectionByNameOrId("posts") as Collection;

beforeAll(async () => {
  t = await startTestServer();
  await t.pb.collections.create({ name: "tags", type: "base", listRule: "", fields: [{ name: "name", type: "text" }] });
  await t.pb.collections.create({
    name: "posts",
    type: "base",
    listRule: "owner = @request.auth.id",
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "tag", type: "relation", collectionId: (await t.pb.collections.getOne("tags")).id, maxSelect: 1 },
    ],
  });
  const users = t.app.findCachedCollectionByNameOrId("users") as Collection;
  for (const email of ["a@example.com", "b@example.com"]) {
    const u = new RecordModel(users);
    u.load({ email, password: "1234567890" });
    await t.app.save(u);
  }
  userA = (await t.app.findAuthRecordByEmail("users", "a@example.com")) as RecordModel;
  userB = (await t.app.findAuthRecordByEmail("users", "b@example.com")) as RecordModel;
});

afterAll(async () => {
  await t.stop();
});

test("a rule, filter and sort are compiled once per requester shape and reused", () => {
  const s = { rule: posts().listRule, filter: "title ~ 'x' && tag.name != ''", sort: parseSort("-tag.name") };
  const first = compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s });
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s })).toBe(first);
  // the rule reads the auth id: another user gets their own compiled query
  const other = compileSearch(t.app, { collection: posts(), requestInfo: info(userB), ...s });
  expect(other).not.toBe(first);
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(userB), ...s })).toBe(other);
  // the plain list is the same object for everyone
  const plain = compileSearch(t.app, { collection: posts(), requestInfo: info(null) });
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(userA) })).toBe(plain);
});

test("time macros are compiled per request", () => {
  const s = { filter: "title != '' && @now > '2000-01-01'" };
  const a = compileSearch(t.app, { collection: posts(), requestInfo: info(null), ...s });
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(null), ...s })).not.toBe(a);
});

test("saving any collection starts new compiled queries, so joined rules stay current", async () => {
  const s = { filter: "tag.name != ''" };
  const before = compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s });
  await t.pb.collections.update("tags", { listRule: "name = 'public'" });
  const after = compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s });
  expect(after).not.toBe(before);
  expect(JSON.stringify(after.where)).toContain("public");
});

test("a filter through a collection whose rule reads the requester is compiled per requester", async () => {
  await t.pb.collections.create({
    name: "notes",
    type: "base",
    listRule: "author = @request.auth.id",
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: (await t.pb.collections.getOne("posts")).id, maxSelect: 1 },
      { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
    ],
  });
  await t.pb.collections.update("posts", { listRule: "" });
  const s = { rule: posts().listRule, filter: "notes_via_post.text ?~ 'secret'" };
  const forA = compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s });
  const forGuest = compileSearch(t.app, { collection: posts(), requestInfo: info(null), ...s });
  expect(forGuest).not.toBe(forA);
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(userB), ...s })).not.toBe(forA);
  expect(compileSearch(t.app, { collection: posts(), requestInfo: info(userA), ...s })).toBe(forA);

  // end to end: a guest asking after a user must not get the user's answer
  const post = await t.pb.collection("posts").create({ title: "p" });
  await t.pb.collection("notes").create({ text: "a secret", post: post.id, author: userA.id });
  const a = t.client();
  await a.collection("users").authWithPassword("a@example.com", "1234567890");
  const filter = "notes_via_post.text ?~ 'a secret'";
  expect((await a.collection("posts").getList(1, 10, { filter })).totalItems).toBe(1);
  expect((await t.client().collection("posts").getList(1, 10, { filter })).totalItems).toBe(0);
});
