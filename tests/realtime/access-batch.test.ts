import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Collection } from "../../src/core/collection-model.ts";
import { compileAccessCheck, runAccessCheck, runAccessChecks, snapshotValues } from "../../src/core/realtime-access.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { RequestInfo } from "../../src/core/request-event.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

/** Checks that need the database, asked several to a statement, answer as they do one by one. */

let t: TestApp;
let users: RecordModel[] = [];

beforeAll(async () => {
  t = await newTestApp();
  const { Collection } = await import("../../src/core/collection-model.ts");
  const usersCol = (t.app.findCachedCollectionByNameOrId("users") as Collection).clone();
  const json = usersCol.toJSON({ withSecrets: true }) as { fields: unknown[] };
  usersCol.applyJSON({ fields: [...json.fields, { name: "org", type: "text" }] } as never);
  await t.app.saveCollection(usersCol);
  const items = Collection.create("base", "items");
  items.applyJSON({
    fields: [
      { name: "title", type: "text" },
      { name: "org", type: "text" },
    ],
  } as never);
  await t.app.saveCollection(items);
  const c = t.app.findCachedCollectionByNameOrId("users") as Collection;
  const first = new RecordModel(c);
  first.load({ email: "u0@example.com", password: "pass-123456", org: "o0" });
  await t.app.save(first);
  // the others copied from its row: one password hash made, not 150
  const template = first.dbExport();
  const names = Object.keys(template);
  const d = t.app.db.dialect;
  const insert = `INSERT INTO ${d.quote("users")} (${names.map(d.quote).join(", ")}) VALUES (${names.map((_, i) => d.placeholder(i + 1)).join(", ")})`;
  users = [first];
  for (let i = 1; i < 150; i++) {
    const row = {
      ...template,
      id: `u${String(i).padStart(14, "0")}`,
      email: `u${i}@example.com`,
      tokenKey: `key${i}`.padEnd(30, "k"),
      org: `o${i % 3}`,
    };
    await t.app.db.run(
      insert,
      names.map((n) => row[n as keyof typeof row] as never),
    );
    users.push(RecordModel.fromRow(c, row));
  }
});
afterAll(async () => {
  await t.cleanup();
});

test("150 subscribers' checks of one rule, in batches, give each subscriber's own answer", async () => {
  const c = t.app.findCachedCollectionByNameOrId("items") as Collection;
  const row = new RecordModel(c, { id: "item00000000001", title: "t", org: "o1" }).dbExport();
  const values = snapshotValues(c, row);
  const info = (auth: RecordModel, x: string): RequestInfo => ({
    query: {},
    headers: { x },
    body: {},
    method: "GET",
    auth,
    context: "realtime",
  });
  // a LIKE pattern past SQLite's 50,000 bytes in every tenth subscription's headers: SQLite refuses it, so
  // on SQLite its batch is asked again one by one (PostgreSQL takes it)
  const checks = users.map((u, i) =>
    compileAccessCheck(
      t.app,
      c,
      "org = @request.auth.org && title !~ @request.headers.x",
      info(u, i % 10 === 0 ? "a".repeat(60_000) : `x${i}`),
    ),
  );
  for (const check of checks) expect(check.kind === "check" && check.memory === null).toBe(true);
  const batched = await runAccessChecks(t.app, c, checks, row, values, () => "test");
  const single: boolean[] = [];
  for (const check of checks) single.push(await runAccessCheck(t.app, check, row, values));
  expect(batched).toEqual(single);
  // the users of org o1 (i % 3 === 1), but those whose pattern the engine refused
  const refused = t.app.db.dialect.name === "sqlite" ? users.filter((_, i) => i % 3 === 1 && i % 10 === 0).length : 0;
  expect(batched.filter(Boolean)).toHaveLength(50 - refused);
  // a check settled in memory or fixed keeps its answer among them
  const mixed = [
    compileAccessCheck(t.app, c, "", info(users[0] as RecordModel, "t")),
    compileAccessCheck(t.app, c, null, info(users[0] as RecordModel, "y")),
    compileAccessCheck(t.app, c, 'org = "o1"', info(users[0] as RecordModel, "y")),
    ...checks.slice(0, 3),
  ];
  expect(await runAccessChecks(t.app, c, mixed, row, values, () => "test")).toEqual([
    true,
    false,
    true,
    false,
    true,
    false,
  ]);
});
