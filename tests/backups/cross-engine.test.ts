import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseOpener, openBackupFile } from "../../src/cmd/open-database.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { extractZip } from "../../src/tools/archive/extract.ts";
import { createTestDatabase, postgresUnavailable, type TestDatabase } from "../db/postgres-server.ts";
import { send } from "../helpers/api-scenario.ts";
import { answers, seedRichApp } from "../helpers/rich-app.ts";
import { superuserEmail, superuserPassword } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";
import { settled, storedFiles } from "./backup-fixture.ts";

/**
 * Backups between engines: a backup of an app on PostgreSQL is a pb_data-shaped zip (its data.db a SQLite
 * database), which restores on PostgreSQL, onto a changed database, and on SQLite, with the same answers
 * and files; a SQLite app's backup restores on PostgreSQL.
 */

setDefaultTimeout(60_000);
const unavailable = postgresUnavailable();
if (unavailable) process.stdout.write(`cross-engine backup tests skipped: ${unavailable}\n`);

let tmp: string;
const databases: TestDatabase[] = [];
const apps: (BaseApp & App)[] = [];

/** startApp bootstraps an app on a new data directory, on PostgreSQL when url is given. */
async function startApp(name: string, url = ""): Promise<BaseApp & App> {
  const app = createApp({
    dataDir: join(tmp, name),
    openDatabase: databaseOpener({ url }),
    openBackupFile,
    migrations: systemMigrations,
  });
  await app.bootstrap();
  apps.push(app);
  return app;
}

async function newDatabaseUrl(): Promise<string> {
  const db = await createTestDatabase();
  databases.push(db);
  return db.url;
}

async function restore(app: App, zip: string, name: string): Promise<void> {
  await mkdir(join(app.dataDir, "backups"), { recursive: true });
  await copyFile(zip, join(app.dataDir, "backups", name));
  const res = await send(app, { method: "POST", url: `/api/backups/${name}/restore`, auth: "superuser" });
  expect(res.status).toBe(204);
  await settled(app, 30_000);
}

let pgApp: BaseApp & App;
let before: Record<string, unknown>;
let zip: string;

beforeAll(async () => {
  if (unavailable) return;
  tmp = await mkdtemp(join(tmpdir(), "satchel-cross-backup-"));
  pgApp = await startApp("pg", await newDatabaseUrl());
  await upsertSuperuser(pgApp, superuserEmail, superuserPassword);
  await seedRichApp(pgApp);
  before = await answers(pgApp);
  const res = await send(pgApp, { method: "POST", url: "/api/backups", body: { name: "pg.zip" }, auth: "superuser" });
  expect(res.status).toBe(204);
  zip = join(tmp, "pg.zip");
  await copyFile(join(pgApp.dataDir, "backups", "pg.zip"), zip);
});

afterAll(async () => {
  for (const app of apps) if (app.isBootstrapped()) await app.terminate().catch(() => {});
  for (const db of databases) db.dropLater();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// engine-independent (each app names its engine): run once, in the SQLite pass
describe.skipIf(unavailable !== null || onPostgres())("backups between engines", () => {
  test("a PostgreSQL app's backup holds a SQLite data.db and auxiliary.db, and the record files", async () => {
    const out = join(tmp, "unzipped");
    await extractZip(zip, out, { maxBytes: 1 << 30, maxEntries: 10_000, required: ["data.db"] });
    const db = new Database(join(out, "data.db"), { readonly: true });
    try {
      const names = db.query("SELECT name FROM _collections ORDER BY name").all() as { name: string }[];
      expect(names.map((r) => r.name)).toContain("post_stats");
      expect(db.query("SELECT count(*) AS n FROM comments").get()).toEqual({ n: 10 });
      // PocketBase's SQLite types: booleans 0/1, JSON as text
      expect(db.query("SELECT published, reviewers FROM posts WHERE title = 'post 3'").get()).toMatchObject({
        published: 1,
      });
    } finally {
      db.close();
    }
    const aux = new Database(join(out, "auxiliary.db"), { readonly: true });
    expect(aux.query("SELECT count(*) AS n FROM _logs").get()).toMatchObject({ n: expect.any(Number) });
    aux.close();
    expect(Object.keys(storedFiles(join(out, "storage"))).length).toBe(6);
  });

  test("restored onto the changed PostgreSQL app, the records and files are those at backup time", async () => {
    const files = storedFiles(join(pgApp.dataDir, "storage"));
    await pgApp.db.run("DELETE FROM comments");
    await pgApp.db.run("UPDATE posts SET title = 'changed' WHERE title = 'post 1'");
    await rm(join(pgApp.dataDir, "storage"), { recursive: true, force: true });
    expect(await answers(pgApp)).not.toEqual(before);
    await restore(pgApp, zip, "again.zip");
    expect(await answers(pgApp)).toEqual(before);
    expect(storedFiles(join(pgApp.dataDir, "storage"))).toEqual(files);
  });

  test("restored on a SQLite app, and that app's backup restored on another PostgreSQL app: the same answers", async () => {
    const sqliteApp = await startApp("sqlite");
    await upsertSuperuser(sqliteApp, superuserEmail, superuserPassword);
    await restore(sqliteApp, zip, "from-pg.zip");
    expect(await answers(sqliteApp)).toEqual(before);

    const res = await send(sqliteApp, {
      method: "POST",
      url: "/api/backups",
      body: { name: "sq.zip" },
      auth: "superuser",
    });
    expect(res.status).toBe(204);
    const other = await startApp("pg2", await newDatabaseUrl());
    await upsertSuperuser(other, superuserEmail, superuserPassword);
    await restore(other, join(sqliteApp.dataDir, "backups", "sq.zip"), "from-sqlite.zip");
    expect(await answers(other)).toEqual(before);
  });
});
