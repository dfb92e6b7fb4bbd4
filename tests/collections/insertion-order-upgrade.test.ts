import { afterAll, expect, test } from "bun:test";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { Queryable } from "../../src/db/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { onPostgres, reopenDatabases } from "../helpers/test-engine.ts";

let t: TestApp | undefined;
afterAll(() => t?.cleanup());

/** keyIndexed says whether an index of `table` starts with its insertion key. */
async function keyIndexed(db: Queryable, table: string, column: string): Promise<boolean> {
  const rows = await db.all(
    `SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = to_regclass($1) AND a.attname = $2`,
    [`"${table}"`, column.replaceAll('"', "")],
  );
  return rows.length > 0;
}

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
    // the logs' with the index their list's newest-first page reads from its end
    expect(await keyIndexed(app.auxDb, "_logs", column)).toBe(true);
    // numbered in their stored order, which no update has moved yet
    const res = await send(app, { url: "/api/collections/letters/records?sort=-@rowid" });
    expect((res.json as { items: { c: string }[] }).items.map((r) => r.c).join("")).toBe("caebd");
  } finally {
    await app.terminate();
  }
});

// a PostgreSQL database made after `_logs` got its insertion key but before the key's index
(onPostgres() ? test : test.skip)("a logs table whose insertion key has no index gets the index at start", async () => {
  const u = await newTestApp();
  const column = "_satchel_rowid";
  await u.app.auxDb.exec(`ALTER TABLE "_logs" DROP CONSTRAINT "_logs_${column}_key"`);
  expect(await keyIndexed(u.app.auxDb, "_logs", column)).toBe(false);
  await u.app.terminate();
  const app = createApp({ dataDir: u.dir, openDatabase: reopenDatabases(u.database), migrations: systemMigrations });
  await app.bootstrap();
  try {
    expect(await keyIndexed(app.auxDb, "_logs", column)).toBe(true);
  } finally {
    await app.terminate();
    await u.cleanup();
  }
});

// a PostgreSQL database made before JSON fields kept their text as written has them as JSONB columns
(onPostgres() ? test : test.skip)(
  "a JSON field's JSONB column becomes JSON at start, its index and views kept",
  async () => {
    const u = await newTestApp({ withSuperuser: true });
    try {
      const docs = Collection.create("base", "docs");
      docs.applyJSON({
        listRule: "",
        fields: [
          { name: "data", type: "json" },
          { name: "at", type: "geoPoint" },
        ],
        indexes: ["CREATE UNIQUE INDEX idx_docs_data ON docs (data)"],
      });
      await u.app.saveCollection(docs);
      const view = Collection.create("view", "docs_view");
      view.applyJSON({ listRule: "", viewQuery: "SELECT id, data FROM docs" });
      await u.app.saveCollection(view);
      const r = new RecordModel(u.app.findCachedCollectionByNameOrId("docs") as Collection);
      r.load({ id: "doc000000000001", data: { b: 1, a: 2 }, at: { lon: 1, lat: 2 } });
      await u.app.save(r);
      const [{ sql: viewSql } = { sql: "" }] = await u.app.db.all<{ sql: string }>(
        u.app.db.dialect.listViewsSql().text,
      );
      await u.app.db.exec(`DROP VIEW "docs_view"; DROP INDEX "idx_docs_data"`);
      for (const column of ["data", "at"])
        await u.app.db.exec(`ALTER TABLE "docs" ALTER COLUMN "${column}" TYPE JSONB USING "${column}"::jsonb`);
      await u.app.db.exec(`CREATE UNIQUE INDEX "idx_docs_data" ON "docs" ("data"); ${viewSql}`);
      await u.app.terminate();
      const app = createApp({
        dataDir: u.dir,
        openDatabase: reopenDatabases(u.database),
        migrations: systemMigrations,
      });
      await app.bootstrap();
      try {
        const types = await app.db.all<{ type: string }>(
          `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = '"docs"'::regclass AND attname IN ('data', 'at')`,
        );
        expect(types.map((c) => c.type)).toEqual(["json", "json"]);
        // a point's text is written again longitude first, as SQLite holds it (JSONB put lat first)
        const [{ at } = { at: "" }] = await app.db.all<{ at: string }>(`SELECT at::text AS at FROM "docs"`);
        expect(at).toBe('{"lon":1,"lat":2}');
        const [index] = await app.db.all<{ def: string }>(
          `SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'idx_docs_data'`,
        );
        expect(index?.def).toContain("::text");
        const listed = await send(app, { url: "/api/collections/docs_view/records" });
        expect((listed.json as { items: unknown[] }).items).toEqual([
          expect.objectContaining({ id: "doc000000000001", data: { a: 2, b: 1 } }),
        ]);
        // the unique index still holds (on the text, as SQLite's), and a value written now keeps its keys' order
        const res = await send(app, {
          method: "POST",
          url: "/api/collections/docs/records",
          body: { data: '{"a":2,"b":1}' },
          auth: "superuser",
        });
        expect([res.status, res.json]).toEqual([
          400,
          expect.objectContaining({ data: { data: expect.objectContaining({ code: "validation_not_unique" }) } }),
        ]);
        const again = await send(app, {
          method: "POST",
          url: "/api/collections/docs/records",
          body: { data: '{"z":1,"a":2}' },
          auth: "superuser",
        });
        expect(JSON.stringify((again.json as { data: unknown }).data)).toBe('{"z":1,"a":2}');
      } finally {
        await app.terminate();
      }
    } finally {
      await u.cleanup();
    }
  },
);
