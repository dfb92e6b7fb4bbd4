import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { sqliteOnly } from "../helpers/test-engine.ts";
import pocketbaseDefaults from "./fixtures/pocketbase-default-collections.json";
import pocketbaseSchema from "./fixtures/pocketbase-schema.json";

// The fixtures were read from a fresh PocketBase v0.39 data directory (created/updated left out).

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ defaultUsers: true });
});
afterAll(async () => {
  await t.stop();
});

const dateTimePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test("the collections of a fresh data directory are PocketBase's, key for key", async () => {
  for (const expected of pocketbaseDefaults) {
    const got = (await t.pb.collections.getOne(expected.name)) as unknown as Record<string, unknown>;
    expect(got.created).toMatch(dateTimePattern);
    expect(got.updated).toMatch(dateTimePattern);
    const { created: _c, updated: _u, ...rest } = got;
    expect(rest).toEqual(expected as Record<string, unknown>);
  }
  const all = await t.pb.collections.getFullList();
  expect(all.map((c) => c.name)).toEqual(pocketbaseDefaults.map((c) => c.name));
});

test("the default users collection keeps PocketBase's fixed id", async () => {
  expect((await t.pb.collections.getOne("_pb_users_auth_")).name).toBe("users");
  expect((await t.pb.collections.getOne("_superusers")).id).toBe("pbc_3142635823");
});

interface ColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/**
 * Column defaults we leave out on purpose: ids and timestamps are made in application code, never by a
 * SQLite-only expression, so the `id` columns and the timestamps of `_collections`/`_params` have none.
 */
function expectedDefault(table: string, column: string, pocketbaseDefault: string | null): string | null {
  if (column === "id") return null;
  if ((table === "_collections" || table === "_params") && (column === "created" || column === "updated")) return "''";
  if (pocketbaseDefault === null) return null;
  // PocketBase writes `"base"`, `"[]"`... with double quotes in these two tables; the value is the same
  return pocketbaseDefault.replace(/^"(.*)"$/, "'$1'");
}

sqliteOnly("PocketBase's data.db schema is SQLite's own; PostgreSQL's column types are in db/postgres/dialect.ts")(
  "a fresh data.db has PocketBase's tables, columns, types and indexes",
  async () => {
    const tables = await t.app.db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    expect(tables.map((r) => r.name)).toEqual(Object.keys(pocketbaseSchema.tables).sort());
    for (const [table, columns] of Object.entries(pocketbaseSchema.tables)) {
      const rows = await t.app.db.all<ColumnRow>("SELECT * FROM pragma_table_info(?)", [table]);
      expect({ table, columns: rows.map((r) => r.name) }).toEqual({ table, columns: columns.map((c) => c.name) });
      for (const [i, col] of columns.entries()) {
        const row = rows[i] as ColumnRow;
        expect({ table, name: row.name, type: row.type, notNull: row.notnull === 1, primaryKey: row.pk > 0 }).toEqual({
          table,
          name: col.name,
          type: col.type,
          notNull: col.notNull,
          primaryKey: col.primaryKey,
        });
        expect({ table, column: col.name, default: row.dflt_value }).toEqual({
          table,
          column: col.name,
          default: expectedDefault(table, col.name, col.default),
        });
      }
    }
    const indexes = await t.app.db.all<{ name: string; tbl_name: string; sql: string }>(
      "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    );
    expect(Object.fromEntries(indexes.map((r) => [r.name, { table: r.tbl_name, sql: r.sql }]))).toEqual(
      pocketbaseSchema.indexes,
    );
  },
);
