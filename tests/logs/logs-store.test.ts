import { afterEach, expect, test } from "bun:test";
import { createApp } from "../../src/core/base-app.ts";
import { deleteLogsOutsideSettings, logsDeleteChunk } from "../../src/core/log-query.ts";
import { insertLogs } from "../../src/core/log-write.ts";
import { deleteOldLogs } from "../../src/core/logs-cleanup.ts";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { LogLevel } from "../../src/tools/logger/logger.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { onPostgres, reopenDatabases, sqliteOnly } from "../helpers/test-engine.ts";

const dayMs = 24 * 60 * 60 * 1000;
let t: TestApp | null = null;

afterEach(async () => {
  await t?.cleanup();
  t = null;
});

/** messages lists the stored logs' messages in the order they were written (two may share a millisecond). */
async function messages(app: TestApp["app"]): Promise<string[]> {
  const rows = await app.auxDb.all<{ message: string }>(
    `SELECT message FROM _logs ORDER BY created, ${app.auxDb.dialect.insertionOrder("_logs")}`,
  );
  return rows.map((r) => r.message);
}

const at = (message: string, daysAgo: number, level = 0) => ({
  level,
  message,
  data: {},
  time: Date.now() - daysAgo * dayMs,
});

test("app logs reach _logs with their attrs, at or above minLevel, once flushed", async () => {
  t = await newTestApp();
  t.app.logger().debug("hidden by the default minLevel");
  t.app
    .logger()
    .with({ job: "mail" })
    .warn("slow", { ms: 1200, error: new Error("timeout") });
  await t.app.logger().flush();
  const rows = await t.app.auxDb.all<{ level: number; message: string; data: string }>(
    "SELECT level, message, data FROM _logs",
  );
  expect(rows.map((r) => ({ ...r, data: JSON.parse(r.data) }))).toEqual([
    { level: LogLevel.warn, message: "slow", data: { job: "mail", ms: 1200, error: "timeout" } },
  ]);

  const s = cloneSettings(t.app.settings());
  s.logs.minLevel = LogLevel.debug;
  await t.app.saveSettings(s);
  t.app.logger().debug("now kept");
  await t.app.logger().flush();
  expect(await messages(t.app)).toEqual(["slow", "now kept"]);
});

test("a large batch is written by the background writer in multi-row chunks, each log with its own id", async () => {
  t = await newTestApp();
  const entries = Array.from({ length: 263 }, (_, i) => ({
    level: 0,
    message: `m${i}`,
    data: { i },
    time: Date.now(),
  }));
  await insertLogs(t.app.auxDb, entries);
  const rows = await t.app.auxDb.all<{ id: string; data: string }>("SELECT id, data FROM _logs");
  const sum = rows.reduce((total, r) => total + (JSON.parse(r.data) as { i: number }).i, 0);
  expect({ n: rows.length, ids: new Set(rows.map((r) => r.id)).size, sum }).toEqual({
    n: 263,
    ids: 263,
    sum: (262 * 263) / 2,
  });
});

test("terminate writes the logs still waiting", async () => {
  t = await newTestApp();
  t.app.logger().error("last words");
  await t.app.terminate();
  const app = createApp({ dataDir: t.dir, openDatabase: reopenDatabases(t.database), migrations: systemMigrations });
  await app.bootstrap();
  try {
    expect(await messages(app)).toEqual(["last words"]);
  } finally {
    await app.terminate();
  }
});

test("PocketBase's index of the logs' messages is dropped when the app opens, and logs go on", async () => {
  t = await newTestApp();
  const db = t.app.auxDb;
  const names = async (app: TestApp["app"]) => {
    const stmt = app.auxDb.dialect.tableIndexesSql("_logs");
    const rows = await app.auxDb.all<{ name: string }>(stmt.text, stmt.params);
    return rows.map((r) => r.name).sort();
  };
  const kept = await names(t.app);
  expect(kept).not.toContain("idx_logs_message");
  // as a PocketBase data directory has it
  await db.exec(`CREATE INDEX idx_logs_message ON ${db.dialect.quote("_logs")} (${db.dialect.quote("message")})`);
  t.app.logger().error("before");
  await t.app.terminate();
  const app = createApp({ dataDir: t.dir, openDatabase: reopenDatabases(t.database), migrations: systemMigrations });
  await app.bootstrap();
  try {
    expect(await names(app)).toEqual(kept);
    app.logger().error("after");
    await app.logger().flush();
    expect(await messages(app)).toEqual(["before", "after"]);
  } finally {
    await app.terminate();
  }
});

sqliteOnly("the background writer and the column types read here are SQLite's")(
  "terminate writes a batch still waiting through the background writer, as text",
  async () => {
    t = await newTestApp();
    // enough waiting logs for the worker thread to write them (50 or more), some of them not ASCII
    for (let i = 0; i < 120; i++) t.app.logger().warn(`wärning ✓ ${i}`, { i, note: i % 2 === 0 ? "" : "日本" });
    await t.app.terminate();
    const app = createApp({ dataDir: t.dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
    await app.bootstrap();
    try {
      const rows = await app.auxDb.all<{ message: string; kinds: string; i: number; note: string }>(
        "SELECT message, typeof(message) || ',' || typeof(data) || ',' || typeof(id) || ',' || typeof(created) AS kinds, json_extract(data, '$.i') AS i, json_extract(data, '$.note') AS note FROM _logs ORDER BY i",
      );
      expect(rows).toEqual(
        Array.from({ length: 120 }, (_, i) => ({
          message: `wärning ✓ ${i}`,
          kinds: "text,text,text,text",
          i,
          note: i % 2 === 0 ? "" : "日本",
        })),
      );
    } finally {
      await app.terminate();
    }
  },
);

test("a settings reload deletes the logs the new settings don't keep; maxDays 0 deletes them all", async () => {
  t = await newTestApp();
  await insertLogs(t.app.auxDb, [at("old", 10), at("recent debug", 1, LogLevel.debug), at("recent", 1), at("new", 0)]);
  const s = cloneSettings(t.app.settings());
  s.logs.maxDays = 7;
  await t.app.saveSettings(s);
  expect(await messages(t.app)).toEqual(["recent", "new"]);
  s.logs.maxDays = 0;
  await t.app.saveSettings(s);
  expect(await messages(t.app)).toEqual([]);
});

test("deleteOldLogs (the __pbLogsCleanup__ job) deletes what is older than maxDays", async () => {
  t = await newTestApp();
  await insertLogs(t.app.auxDb, [at("six days", 6), at("four days", 4), at("today", 0)]);
  await deleteOldLogs(t.app);
  expect(await messages(t.app)).toEqual(["four days", "today"]);
});

test("old logs go a thousand at a time, other work running between, and the logs kept are all there", async () => {
  t = await newTestApp();
  const old = Array.from({ length: 2 * logsDeleteChunk + 500 }, (_, i) => at(`old ${i}`, 6 + (i % 3), i % 2));
  const kept = Array.from({ length: 20 }, (_, i) => at(`kept ${i}`, i % 4, 8));
  await insertLogs(t.app.auxDb, [...old, ...kept]);
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await deleteOldLogs(t.app);
  done = true;
  // SQLite runs each statement on the event loop: a single DELETE let nothing else run until it ended
  expect(turns).toBeGreaterThanOrEqual(2);
  const keptMessages = kept.map((k) => k.message).sort();
  expect((await messages(t.app)).sort()).toEqual(keptMessages);
  // through the settings, a higher minLevel: the info logs go, the errors written among them (their ids,
  // made from their times, in the same windows) stay
  const span = logsDeleteChunk + 10;
  const info = Array.from({ length: span }, (_, i) => at(`info ${i}`, (4 * i) / span, 0));
  const errors = Array.from({ length: 40 }, (_, i) => at(`error ${i}`, (4 * i) / 40 + 0.001, 8));
  await insertLogs(t.app.auxDb, [...info, ...errors]);
  await deleteLogsOutsideSettings(t.app.auxDb, 5, 4);
  expect((await messages(t.app)).sort()).toEqual([...keptMessages, ...errors.map((e) => e.message)].sort());
});

test("the logs list's -@rowid is the order logs were written in, also once old logs' room is reused", async () => {
  t = await newTestApp({ withSuperuser: true });
  const old = Array.from({ length: 3000 }, (_, i) => at(`old ${i}`, 10));
  const recent = Array.from({ length: 3 }, (_, i) => at(`recent ${i}`, 1));
  await insertLogs(t.app.auxDb, [...old, ...recent]);
  await deleteOldLogs(t.app);
  // PostgreSQL writes the next rows into the room the deleted ones left, before the recent ones' pages
  if (onPostgres()) await t.app.auxDb.exec("VACUUM _logs");
  await insertLogs(
    t.app.auxDb,
    Array.from({ length: 3 }, (_, i) => at(`new ${i}`, 0)),
  );
  const res = await send(t.app, { url: "/api/logs?sort=-@rowid&perPage=4", auth: "superuser" });
  expect(res.status).toBe(200);
  expect((res.json as { items: { message: string }[] }).items.map((l) => l.message)).toEqual([
    "new 2",
    "new 1",
    "new 0",
    "recent 2",
  ]);
});

sqliteOnly("auxiliary.db is SQLite's file; on PostgreSQL the logs are a schema of the database")(
  "the logs table is created again when auxiliary.db lost it",
  async () => {
    t = await newTestApp();
    await t.app.auxDb.exec("DROP TABLE _logs");
    await t.app.terminate();
    const app = createApp({ dataDir: t.dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
    await app.bootstrap();
    try {
      app.logger().error("written again");
      await app.logger().flush();
      expect(await messages(app)).toEqual(["written again"]);
      const indexes = await app.auxDb.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '_logs' AND sql IS NOT NULL ORDER BY name",
      );
      expect(indexes.map((i) => i.name)).toEqual(["idx_logs_created_hour", "idx_logs_level"]);
    } finally {
      await app.terminate();
    }
  },
);
