/**
 * The engine the app-level tests run on: SQLite files in each test's data directory (the default), or
 * PostgreSQL when SATCHEL_TEST_ENGINE=postgres, each test app on a fresh database of the test server
 * (tests/db/postgres-server.ts), each scenario of a fixture on a copy of the seeded database (PostgreSQL's
 * `CREATE DATABASE ... TEMPLATE`, as the data directory is copied for SQLite).
 */
import { test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { createApp } from "../../src/core/base-app.ts";
import type { Driver } from "../../src/db/driver.ts";
import { SqliteDriver, type SqliteOptions } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { createTestDatabase, postgresUnavailable, type TestDatabase } from "../db/postgres-server.ts";

let migrated: Promise<TestDatabase> | null = null;

/**
 * migratedDatabase is a database with the system migrations applied, made once per test process: a new
 * test app's database is a copy of it, since migrating a PostgreSQL database takes over a second (the
 * copy, a tenth of that), where SQLite migrates a new file in a few milliseconds.
 */
function migratedDatabase(): Promise<TestDatabase> {
  migrated ??= (async () => {
    const database = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), "satchel-migrated-"));
    const app = createApp({
      dataDir: dir,
      openDatabase: databaseOpener({ url: database.url }),
      migrations: systemMigrations,
    });
    try {
      await app.bootstrap();
    } finally {
      await app.terminate();
      await rm(dir, { recursive: true, force: true });
    }
    return database;
  })();
  return migrated;
}

export type TestEngine = "sqlite" | "postgres";

/** The engine chosen by SATCHEL_TEST_ENGINE ("sqlite" when unset). */
export function testEngine(): TestEngine {
  const chosen = process.env.SATCHEL_TEST_ENGINE ?? "sqlite";
  if (chosen !== "sqlite" && chosen !== "postgres")
    throw new Error(`SATCHEL_TEST_ENGINE must be "sqlite" or "postgres", not ${JSON.stringify(chosen)}`);
  if (chosen === "postgres") {
    const reason = postgresUnavailable();
    if (reason) throw new Error(`SATCHEL_TEST_ENGINE=postgres, but PostgreSQL is unavailable: ${reason}`);
  }
  return chosen;
}

export const onPostgres = (): boolean => testEngine() === "postgres";

/** A test app's databases: how to open them, and how to throw them away. */
export interface TestDatabases {
  openDatabase: (path: string) => Driver | Promise<Driver>;
  /** The PostgreSQL database behind them (null on SQLite: the data directory holds them). */
  database: TestDatabase | null;
  drop(): Promise<void>;
}

/**
 * testDatabases gives a test app its databases on the chosen engine: on PostgreSQL a new database (a copy
 * of `template` when given, else of a migrated empty one), on SQLite the data directory's files.
 */
export async function testDatabases(driver: SqliteOptions = {}, template?: TestDatabase): Promise<TestDatabases> {
  if (!onPostgres()) {
    return { openDatabase: (p) => new SqliteDriver(p, driver), database: null, drop: async () => {} };
  }
  const database = await createTestDatabase({ template: (template ?? (await migratedDatabase())).name });
  const timeout = {
    ...(driver.queryTimeoutMs !== undefined ? { queryTimeoutMs: driver.queryTimeoutMs } : {}),
    ...(driver.scriptTimeoutMs !== undefined ? { scriptTimeoutMs: driver.scriptTimeoutMs } : {}),
  };
  // the drop waits on every session of the server: a teardown hands it over instead (postgres-server.ts)
  return {
    openDatabase: databaseOpener({ url: database.url, ...timeout }),
    database,
    drop: async () => database.dropLater(),
  };
}

/**
 * sqliteOnly is `test` on SQLite and `test.skip` on PostgreSQL, for a test of something only SQLite has (the
 * data directory's files, PocketBase's disk contract); the reason is printed when it is skipped.
 */
export function sqliteOnly(reason: string): typeof test {
  if (!onPostgres()) return test;
  process.stdout.write(`skipped on PostgreSQL: ${reason}\n`);
  return test.skip;
}

/**
 * reopenDatabases opens a test app's databases again (a second app on the same data, as after a restart):
 * the data directory's files on SQLite, the app's database on PostgreSQL.
 */
export function reopenDatabases(database: TestDatabase | null): (path: string) => Driver | Promise<Driver> {
  return database ? databaseOpener({ url: database.url }) : (p) => new SqliteDriver(p);
}
