import { afterAll, expect, test } from "bun:test";
import { createApp } from "../../src/core/base-app.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { onPostgres, reopenDatabases } from "../helpers/test-engine.ts";

let t: TestApp | undefined;
afterAll(() => t?.cleanup());

// a PostgreSQL database made before `_collections` kept its insertion order has no such column
(onPostgres() ? test : test.skip)("a database without the collections' insertion key gets it at start", async () => {
  t = await newTestApp();
  const before = t.app.findAllCollections().map((c) => c.name);
  const column = t.app.db.dialect.insertionOrder("_collections").split(".")[1] ?? "";
  await t.app.db.exec(`ALTER TABLE "_collections" DROP COLUMN ${column}`);
  await t.app.terminate();
  const app = createApp({ dataDir: t.dir, openDatabase: reopenDatabases(t.database), migrations: systemMigrations });
  await app.bootstrap();
  try {
    expect(app.findAllCollections().map((c) => c.name)).toEqual(before);
    const rows = await app.db.all<{ n: number }>(`SELECT count(${column}) AS n FROM "_collections"`);
    expect(Number(rows[0]?.n)).toBe(before.length);
  } finally {
    await app.terminate();
  }
});
