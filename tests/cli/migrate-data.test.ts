import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateData } from "../../src/cmd/migrate-data.ts";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { listTables } from "../../src/core/database-copy.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { createTestDatabase, postgresUnavailable, type TestDatabase } from "../db/postgres-server.ts";
import { answers, seedRichApp } from "../helpers/rich-app.ts";
import { superuserEmail, superuserPassword } from "../helpers/test-app.ts";
import { runInProcess } from "./process.ts";

/**
 * `satchel migrate-data`: a SQLite app copied to PostgreSQL answers the same (every collection's list and
 * view, expands, filters, the view collection, files), and back again; a refused copy leaves nothing.
 */

setDefaultTimeout(60_000);
const unavailable = postgresUnavailable();
if (unavailable) process.stdout.write(`migrate-data tests skipped: ${unavailable}\n`);

let tmp: string;
const databases: TestDatabase[] = [];

async function newDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

function appOn(dir: string, url: string): BaseApp & App {
  return createApp({ dataDir: dir, openDatabase: databaseOpener({ url }), migrations: systemMigrations });
}

/** withApp bootstraps an app on dir (SQLite) or url (PostgreSQL), runs fn and stops it. */
async function withApp<T>(dir: string, url: string, fn: (app: App) => Promise<T>): Promise<T> {
  const app = appOn(dir, url);
  await app.bootstrap();
  try {
    return await fn(app);
  } finally {
    await app.terminate();
  }
}

let sourceDir: string;
let before: Record<string, unknown>;

beforeAll(async () => {
  if (unavailable) return;
  tmp = await mkdtemp(join(tmpdir(), "satchel-migrate-data-"));
  sourceDir = join(tmp, "source");
  before = await withApp(sourceDir, "", async (app) => {
    await upsertSuperuser(app, superuserEmail, superuserPassword);
    await seedRichApp(app);
    return answers(app);
  });
});

afterAll(async () => {
  for (const db of databases) db.dropLater();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(unavailable !== null)("migrate-data", () => {
  test("a SQLite app copied to PostgreSQL answers the same, files included, and copied back it answers the same again", async () => {
    const pg = await newDatabase();
    const run = await runInProcess(["migrate-data", `--dir=${sourceDir}`, `--to=${pg.url}`]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^posts\s+\[#+\] 5\/5 rows$/m);
    expect(run.stdout).toContain("Files were not copied");

    const onPostgres = await withApp(sourceDir, pg.url, async (app) => {
      const tables = (await listTables(app.db)).map((t) => `${t.name}:${t.type}`);
      expect(tables).toContain("post_stats:view");
      // the engine's own column types
      const info = app.db.dialect.tableColumnsSql("posts");
      const columns = app.db.dialect.tableColumns(await app.db.all(info.text, info.params));
      expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
        published: "boolean",
        score: "double precision",
        reviewers: "jsonb",
        created: "text",
      });
      return answers(app);
    });
    expect(Object.keys(onPostgres).length).toBeGreaterThan(40);
    expect(onPostgres).toEqual(before);
    // a file of a copied record is served from the same storage
    const file = await withApp(sourceDir, pg.url, async (app) => {
      const posts = app.findCachedCollectionByNameOrId("posts") as Collection;
      const post = await app.db.get<{ id: string; docs: string }>("SELECT id, docs FROM posts WHERE title = 'post 2'");
      const name = (JSON.parse(post?.docs ?? "[]") as string[])[0] ?? "";
      return readFileSync(join(sourceDir, "storage", posts.id, post?.id ?? "", name), "utf8");
    });
    expect(file).toBe("the text of post 2");

    // and back to SQLite, in a new data directory holding the same storage
    const backDir = join(tmp, "back");
    const back = await runInProcess(["migrate-data", `--from=${pg.url}`, `--to=${backDir}`]);
    expect(back.stderr).toBe("");
    expect(back.code).toBe(0);
    const onSqlite = await withApp(backDir, "", (app) => answers(app));
    expect(onSqlite).toEqual(before);
  });

  test("a target that holds data is refused unless --replace, and left as it was", async () => {
    const pg = await newDatabase();
    expect((await migrateData({ from: sourceDir, to: pg.url })).data.rows).toBeGreaterThan(0);
    await withApp(sourceDir, pg.url, async (app) => {
      await app.db.run("DELETE FROM comments");
    });
    const refused = await runInProcess(["migrate-data", `--from=${sourceDir}`, `--to=${pg.url}`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("already holds");
    expect(refused.stderr).toContain("--replace");
    const count = (url: string) =>
      withApp(
        sourceDir,
        url,
        async (app) => (await app.db.get<{ n: number }>("SELECT count(*) AS n FROM comments"))?.n,
      );
    expect(await count(pg.url)).toBe(0);
    const replaced = await runInProcess(["migrate-data", `--from=${sourceDir}`, `--to=${pg.url}`, "--replace"]);
    expect(replaced.code).toBe(0);
    expect(await count(pg.url)).toBe(10);

    const dir = join(tmp, "refused-dir");
    await migrateData({ from: pg.url, to: dir });
    const again = await runInProcess(["migrate-data", `--from=${pg.url}`, `--to=${dir}`]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain("already holds a data.db");
  });

  test("bad input: a wrong URL, a refused connection, a missing source; each a clear error and exit code", async () => {
    const bad = await runInProcess(["migrate-data", `--from=${sourceDir}`, "--to=mysql://x@localhost/db"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"mysql" URLs aren\'t supported');
    const broken = await runInProcess(["migrate-data", `--from=${sourceDir}`, "--to=postgres://[bad"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("no valid URL");
    const refused = await runInProcess([
      "migrate-data",
      `--from=${sourceDir}`,
      "--to=postgres://u:secret@127.0.0.1:1/db",
    ]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("unavailable");
    expect(refused.stderr).not.toContain("secret");
    const missing = await runInProcess(["migrate-data", `--from=${join(tmp, "nothing")}`, `--to=${join(tmp, "x")}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("has no data.db");
    expect(existsSync(join(tmp, "x", "data.db"))).toBe(false);
    const usage = await runInProcess(["migrate-data", `--from=${sourceDir}`]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('"--to" is required');
  });

  test("names longer than PostgreSQL keeps are refused before anything is written, each named", async () => {
    const dir = join(tmp, "long-names");
    const collection = `c${"x".repeat(69)}`;
    const field = `f${"y".repeat(69)}`;
    await withApp(dir, "", async (app) => {
      const c = Collection.create("base", collection);
      c.applyJSON({
        fields: [{ name: field, type: "text" }],
        indexes: [`CREATE INDEX idx_${"z".repeat(66)} ON ${collection} (${field})`],
      });
      await app.saveCollection(c);
    });
    const pg = await newDatabase();
    const run = await runInProcess(["migrate-data", `--from=${dir}`, `--to=${pg.url}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("at most 63 bytes");
    for (const name of [`table "${collection}"`, `column "${collection}.${field}"`, `index "idx_${"z".repeat(66)}"`])
      expect(run.stderr).toContain(name);
    const left = await withApp(join(tmp, "probe-long"), pg.url, async (app) =>
      (await listTables(app.db)).map((t) => t.name),
    );
    expect(left.filter((name) => name.startsWith("cxxx"))).toEqual([]);
  });

  test("a copy that fails half-way (a viewQuery PostgreSQL can't run) leaves the target empty", async () => {
    const dir = join(tmp, "sqlite-only-view");
    await withApp(dir, "", async (app) => {
      await seedRichApp(app);
      const view = Collection.create("view", "shouting");
      view.applyJSON({ viewQuery: "SELECT id, printf('%s!', title) AS loud FROM posts" });
      await app.saveCollection(view);
    });
    const pg = await newDatabase();
    const run = await runInProcess(["migrate-data", `--from=${dir}`, `--to=${pg.url}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('view collection "shouting"');
    expect(run.stderr).toContain("printf");
    expect(run.stderr).toContain("nothing of it was kept");
    const left = await withApp(join(tmp, "probe"), pg.url, async (app) =>
      (await listTables(app.db)).map((t) => t.name),
    );
    // only what the probe's own bootstrap made: the failed copy left no table
    expect(left).not.toContain("posts");
  });
});
