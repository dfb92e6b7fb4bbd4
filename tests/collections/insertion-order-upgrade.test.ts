import { afterAll, expect, test } from "bun:test";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { onPostgres, reopenDatabases } from "../helpers/test-engine.ts";

let t: TestApp | undefined;
afterAll(() => t?.cleanup());

// a PostgreSQL database made before `_collections` and the collections' tables kept their insertion order
// has no such column
(onPostgres() ? test : test.skip)("a database without the tables' insertion keys gets them at start", async () => {
  t = await newTestApp();
  const letters = Collection.create("base", "letters");
  letters.applyJSON({ listRule: "", fields: [{ name: "c", type: "text" }] });
  await t.app.saveCollection(letters);
  for (const c of ["d", "b", "e", "a", "c"]) {
    const r = new RecordModel(letters);
    r.load({ id: `letter000000${c}00`, c });
    await t.app.save(r);
  }
  const before = t.app.findAllCollections().map((c) => c.name);
  const column = t.app.db.dialect.insertionOrder("_collections").split(".")[1] ?? "";
  for (const table of ["_collections", "letters"]) await t.app.db.exec(`ALTER TABLE "${table}" DROP COLUMN ${column}`);
  t.app.logger().error("logged before");
  await t.app.logger().flush();
  await t.app.auxDb.exec(`ALTER TABLE "_logs" DROP COLUMN ${column}`);
  await t.app.terminate();
  const app = createApp({ dataDir: t.dir, openDatabase: reopenDatabases(t.database), migrations: systemMigrations });
  await app.bootstrap();
  try {
    expect(app.findAllCollections().map((c) => c.name)).toEqual(before);
    for (const [table, n] of [
      ["_collections", before.length],
      ["letters", 5],
    ] as const) {
      const rows = await app.db.all<{ n: number }>(`SELECT count(${column}) AS n FROM "${table}"`);
      expect([table, Number(rows[0]?.n)]).toEqual([table, n]);
    }
    const logs = await app.auxDb.all<{ n: number }>(`SELECT count(${column}) AS n FROM "_logs"`);
    expect(Number(logs[0]?.n)).toBeGreaterThan(0);
    // numbered in their stored order, which no update has moved yet
    const res = await send(app, { url: "/api/collections/letters/records?sort=-@rowid" });
    expect((res.json as { items: { c: string }[] }).items.map((r) => r.c).join("")).toBe("caebd");
  } finally {
    await app.terminate();
  }
});
