import { afterAll, beforeAll, expect, test } from "bun:test";
import { compileAccessCheck, runAccessCheck, snapshotValues } from "../../src/core/realtime-access.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { RequestInfo } from "../../src/core/request-event.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

/** Rules evaluated in memory answer exactly as the same rules run in SQL. */

let t: TestApp;

beforeAll(async () => {
  t = await newTestApp();
  const { Collection } = await import("../../src/core/collection-model.ts");
  const c = Collection.create("base", "items");
  c.applyJSON({
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "text" },
      { name: "n", type: "number" },
      { name: "flag", type: "bool" },
    ],
  } as never);
  await t.app.saveCollection(c);
});
afterAll(async () => {
  await t.cleanup();
});

const rules = [
  "owner = @request.auth.id",
  "owner != @request.auth.id",
  '@request.auth.id != ""',
  "title = ''",
  "title != ''",
  "title ~ 'ab'",
  "title !~ 'A%'",
  "title ~ 'a_c'",
  "n > 2 && flag = true",
  "n <= 2 || flag = false",
  "n = 0",
  "title = owner",
  "title < 'b'",
  "title >= 'abc' && n != 3",
  '@request.query.x = "1" || title = "é"',
  "@request.context = 'realtime'",
];

test("each rule gives the same answer in memory and in SQL, for guests and users", async () => {
  const c = t.app.findCachedCollectionByNameOrId("items")!;
  const users = t.app.findCachedCollectionByNameOrId("users")!;
  const auth = RecordModel.fromRow(users, { id: "user1", email: "u@x.io" });
  const rows = [
    { id: "r1", title: "abc", owner: "user1", n: 3, flag: 1 },
    { id: "r2", title: "", owner: "", n: 0, flag: 0 },
    { id: "r3", title: "ABd", owner: "user2", n: 2.5, flag: 1 },
    { id: "r4", title: "é", owner: "é", n: -1, flag: 0 },
    { id: "r5", title: "a%c", owner: "user1", n: 2, flag: 0 },
  ];
  let inMemory = 0;
  for (const rule of rules) {
    for (const who of [null, auth]) {
      const info: RequestInfo = {
        query: { x: "1" },
        headers: {},
        body: {},
        method: "GET",
        auth: who,
        context: "realtime",
      };
      const check = compileAccessCheck(t.app, c, rule, info);
      expect(check.kind).toBe("check");
      if (check.kind !== "check") continue;
      if (check.memory) inMemory++;
      for (const r of rows) {
        const row = new RecordModel(c, r).dbExport();
        const values = snapshotValues(c, row);
        const memory = check.memory?.(row);
        const sqlOnly = await runAccessCheck(t.app, { ...check, memory: null }, row, values);
        if (memory !== undefined) expect([rule, who?.id, r.id, memory]).toEqual([rule, who?.id, r.id, sqlOnly]);
      }
    }
  }
  // every rule above is simple enough for the in-memory path, on an engine that compares as it does (on
  // PostgreSQL every rule is checked in SQL: the comparisons above still ran, in SQL only)
  expect(inMemory).toBe(t.app.db.dialect.comparesInMemory ? rules.length * 2 : 0);
});

test("rules through relations or the auth record's other fields go to SQL", () => {
  const c = t.app.findCachedCollectionByNameOrId("items")!;
  const users = t.app.findCachedCollectionByNameOrId("users")!;
  const auth = RecordModel.fromRow(users, { id: "user1", email: "u@x.io" });
  const info: RequestInfo = { query: {}, headers: {}, body: {}, method: "GET", auth, context: "realtime" };
  for (const rule of ["@collection.items.title ?= title", "title:lower = 'a'", "@request.auth.name = title"]) {
    const check = compileAccessCheck(t.app, c, rule, info);
    expect(check.kind === "check" && check.memory === null).toBe(true);
  }
});
