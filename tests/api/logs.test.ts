import { expect } from "bun:test";
import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { insertLogs } from "../../src/core/log-write.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { cloneSettings, type Settings } from "../../src/core/settings-model.ts";
import { LogLevel } from "../../src/tools/logger/logger.ts";
import { defineFixture, runScenarios } from "../helpers/api-scenario.ts";
import type { TestApp } from "../helpers/test-app.ts";

const hourMs = 60 * 60 * 1000;
/** The seeded logs are in two hours, long before the scenarios run. */
const base = Date.parse("2030-01-01T10:00:00.000Z");

/** Five known logs, a plain user and a notes collection to make requests to (one fixture per group). */
const newFixture = () =>
  defineFixture(async (app) => {
    const notes = Collection.create("base", "notes");
    notes.applyJSON({ listRule: "", createRule: "", fields: [{ name: "title", type: "text", required: true }] });
    await app.saveCollection(notes);
    const user = new RecordModel(app.findCachedCollectionByNameOrId("users") as Collection);
    user.set("email", "user@example.com");
    user.set("password", "12345678");
    await app.save(user);

    const request = (status: number, url: string, execTime: number, extra: Record<string, unknown> = {}) => ({
      auth: "",
      execTime,
      method: "GET",
      referer: "",
      status,
      type: "request",
      url,
      userAgent: "test",
      ...extra,
    });
    await insertLogs(app.auxDb, [
      { level: 0, message: "GET /api/a", data: request(200, "/api/a", 1.5), time: base },
      { level: 0, message: "GET /api/b", data: request(200, "/api/b", 9.25), time: base + 60_000 },
      {
        level: 8,
        message: "GET /api/c",
        data: request(404, "/api/c", 0.5, { error: "Missing." }),
        time: base + 120_000,
      },
      {
        level: 8,
        message: "POST /api/collections/notes/records",
        data: request(400, "/api/collections/notes/records", 3, { auth: "_superusers", details: { title: "x" } }),
        time: base + hourMs,
      },
    ]);
    // one with a known id, to view it
    await app.auxDb.run(
      `INSERT INTO _logs (id, level, message, data, created) VALUES
      ('cronlog00000001', 4, 'cron failed', '{"job":"x","nested":{"list":[1,2]}}', '2030-01-01 11:00:00.001Z')`,
    );
  });

const user = { collection: "users", email: "user@example.com" } as const;

/** changeLogSettings saves the app's settings with some of `logs` changed (as the settings API would). */
async function changeLogSettings(app: App, logs: Partial<Settings["logs"]>): Promise<void> {
  const s = cloneSettings(app.settings());
  Object.assign(s.logs, logs);
  await app.saveSettings(s);
}

interface StoredLog {
  id: string;
  level: number;
  message: string;
  data: string;
  created: string;
}

/** newLogs flushes the app logger and returns the logs the fixture didn't seed, oldest first. */
async function newLogs(t: TestApp): Promise<(Omit<StoredLog, "data"> & { data: Record<string, unknown> })[]> {
  await t.app.logger().flush();
  const rows = await t.app.auxDb.all<StoredLog>(
    `SELECT * FROM _logs WHERE created < '2030-01-01' ORDER BY created, ${t.app.auxDb.dialect.rowid("_logs")}`,
  );
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}

type ListBody = {
  totalItems: number;
  items: { id: string; message: string; level: number; data: Record<string, unknown> }[];
};

runScenarios("logs API access", newFixture(), [
  { name: "a guest may not list logs", url: "/api/logs", expectedStatus: 401 },
  { name: "a user may not list logs", url: "/api/logs", auth: user, expectedStatus: 403 },
  { name: "a guest may not read stats", url: "/api/logs/stats", expectedStatus: 401 },
  { name: "a user may not read stats", url: "/api/logs/stats", auth: user, expectedStatus: 403 },
  { name: "a guest may not view a log", url: "/api/logs/abc", expectedStatus: 401 },
  { name: "a user may not view a log", url: "/api/logs/abc", auth: user, expectedStatus: 403 },
  {
    name: "a superuser lists every log, in stored order without a sort",
    url: "/api/logs",
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":5', '"perPage":30'],
    afterTest: (_t, res) => {
      const body = res.json as ListBody;
      expect(body.items.map((i) => i.message)).toEqual([
        "GET /api/a",
        "GET /api/b",
        "GET /api/c",
        "POST /api/collections/notes/records",
        "cron failed",
      ]);
      expect(Object.keys(body.items[0] ?? {})).toEqual(["id", "created", "data", "message", "level"]);
      expect(body.items[0]?.data).toEqual({
        auth: "",
        execTime: 1.5,
        method: "GET",
        referer: "",
        status: 200,
        type: "request",
        url: "/api/a",
        userAgent: "test",
      });
    },
  },
]);

runScenarios("logs list filter and sort", newFixture(), [
  {
    name: "filter on a data path",
    url: `/api/logs?filter=${encodeURIComponent("data.status >= 400")}`,
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":2', '"url":"/api/c"', '"url":"/api/collections/notes/records"'],
  },
  {
    name: "filter on level and message",
    url: `/api/logs?filter=${encodeURIComponent("level > 0 && message ~ 'notes'")}`,
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":1', '"message":"POST /api/collections/notes/records"'],
  },
  {
    name: "filter on a nested data path with an array index",
    url: `/api/logs?filter=${encodeURIComponent("data.nested.list.1 = 2")}`,
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":1', '"message":"cron failed"'],
  },
  {
    name: "a data path compares as stored: a missing key is null, not an empty string",
    url: `/api/logs?filter=${encodeURIComponent("data.error = ''")}`,
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":0'],
  },
  {
    name: "filter on created",
    url: `/api/logs?filter=${encodeURIComponent("created >= '2030-01-01 11:00:00.000Z'")}`,
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":2'],
  },
  {
    name: "sort descending on a data path, one per page",
    url: "/api/logs?sort=-data.execTime&perPage=1&page=1",
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"totalItems":5', '"totalPages":5', '"url":"/api/b"'],
    notExpectedContent: ['"url":"/api/a"'],
  },
  {
    name: "a data path sorts as SQLite's json_extract: missing first, numbers by value, then texts",
    url: "/api/logs?sort=data.execTime,message&fields=message&perPage=10",
    auth: "superuser",
    beforeTest: (t) =>
      insertLogs(t.app.auxDb, [
        { level: 0, message: "ten", data: { execTime: 10 }, time: base },
        { level: 0, message: "text two", data: { execTime: "2" }, time: base },
        { level: 0, message: "true", data: { execTime: true }, time: base },
      ]),
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect((res.json as ListBody).items.map((l) => l.message)).toEqual([
        "cron failed",
        "GET /api/c",
        "true",
        "GET /api/a",
        "POST /api/collections/notes/records",
        "GET /api/b",
        "ten",
        "text two",
      ]);
    },
  },
  {
    name: "sort on level then @rowid, skipTotal and fields",
    url: "/api/logs?sort=-level,-@rowid&skipTotal=1&fields=message",
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      const body = res.json as ListBody & { totalPages: number };
      expect(body.totalItems).toBe(-1);
      expect(body.totalPages).toBe(-1);
      expect(body.items).toEqual([
        { message: "POST /api/collections/notes/records" },
        { message: "GET /api/c" },
        { message: "cron failed" },
        { message: "GET /api/b" },
        { message: "GET /api/a" },
      ] as unknown as ListBody["items"]);
    },
  },
  {
    name: "an unknown field is a 400",
    url: `/api/logs?filter=${encodeURIComponent("foo = 1")}`,
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['"message":"Something went wrong while processing your request."'],
  },
  {
    name: "bad filter syntax is a 400",
    url: `/api/logs?filter=${encodeURIComponent("level ==")}`,
    auth: "superuser",
    expectedStatus: 400,
  },
  {
    name: "an empty data path part is a 400",
    url: `/api/logs?filter=${encodeURIComponent("data..x = 1")}`,
    auth: "superuser",
    expectedStatus: 400,
  },
  { name: "an unknown sort field is a 400", url: "/api/logs?sort=foo", auth: "superuser", expectedStatus: 400 },
  { name: "a non-numeric page is a 400", url: "/api/logs?page=abc", auth: "superuser", expectedStatus: 400 },
  {
    name: "a filter over the length limit is a 400",
    url: `/api/logs?filter=${encodeURIComponent(`message = '${"x".repeat(3600)}'`)}`,
    auth: "superuser",
    expectedStatus: 400,
  },
]);

runScenarios("logs view and stats", newFixture(), [
  {
    name: "view a log by id",
    url: "/api/logs/cronlog00000001",
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual({
        id: "cronlog00000001",
        created: "2030-01-01 11:00:00.001Z",
        data: { job: "x", nested: { list: [1, 2] } },
        message: "cron failed",
        level: 4,
      });
    },
  },
  {
    name: "an unknown id is a 404",
    url: "/api/logs/missing",
    auth: "superuser",
    expectedStatus: 404,
    expectedContent: ['"message":"The requested resource wasn\'t found."'],
  },
  {
    name: "stats count the logs of each hour, oldest first",
    url: "/api/logs/stats",
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([
        { date: "2030-01-01 10:00:00.000Z", total: 3 },
        { date: "2030-01-01 11:00:00.000Z", total: 2 },
      ]);
    },
  },
  {
    name: "stats with a filter",
    url: `/api/logs/stats?filter=${encodeURIComponent("level >= 8")}`,
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([
        { date: "2030-01-01 10:00:00.000Z", total: 1 },
        { date: "2030-01-01 11:00:00.000Z", total: 1 },
      ]);
    },
  },
  {
    name: "stats with a bad filter are a 400",
    url: `/api/logs/stats?filter=${encodeURIComponent("nope = 1")}`,
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['"message":"Invalid filter format."'],
  },
]);

runScenarios("request logs", newFixture(), [
  {
    name: "a successful request is logged at info level with its details",
    url: "/api/collections/notes/records?filter=title%3D%27a%27",
    headers: { referer: "http://x.test/page", "user-agent": "agent/1" },
    expectedStatus: 200,
    afterTest: async (t) => {
      const logs = await newLogs(t);
      expect(logs).toHaveLength(1);
      const log = logs[0] as (typeof logs)[number];
      expect(log.id).toMatch(/^[a-z0-9]{15}$/);
      expect(log.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(log.level).toBe(LogLevel.info);
      expect(log.message).toBe("GET /api/collections/notes/records?filter=title='a'");
      const { execTime, ...rest } = log.data;
      expect(typeof execTime).toBe("number");
      expect(execTime as number).toBeGreaterThan(0);
      expect(rest).toEqual({
        auth: "",
        method: "GET",
        referer: "http://x.test/page",
        remoteIP: "127.0.0.1",
        status: 200,
        type: "request",
        url: "/api/collections/notes/records?filter=title%3D%27a%27",
        userAgent: "agent/1",
        userIP: "127.0.0.1",
      });
      expect(Object.keys(log.data)).toEqual(Object.keys(log.data).sort());
    },
  },
  {
    name: "a NUL in the URL stays %00 in the message (a database's text may refuse it)",
    url: "/api/collections/notes/records?filter=title%3D%27a%00%27",
    expectedStatus: 200,
    afterTest: async (t) => {
      const logs = await newLogs(t);
      expect(logs.map((l) => l.message)).toEqual(["GET /api/collections/notes/records?filter=title='a%00'"]);
    },
  },
  {
    name: "a failed request is logged at error level with the error and its details",
    method: "POST",
    url: "/api/collections/notes/records",
    body: { title: "" },
    auth: "superuser",
    expectedStatus: 400,
    afterTest: async (t) => {
      const logs = await newLogs(t);
      expect(logs).toHaveLength(1);
      expect(logs[0]?.level).toBe(LogLevel.error);
      expect(logs[0]?.data).toMatchObject({
        auth: "_superusers",
        status: 400,
        method: "POST",
        error: "Failed to create record.",
        details: { title: "cannot be blank" },
      });
      expect(logs[0]?.data.authId).toBeUndefined();
    },
  },
  {
    name: "an unknown path is logged as a failure without details",
    url: "/api/nothing-here",
    expectedStatus: 404,
    afterTest: async (t) => {
      const logs = await newLogs(t);
      expect(logs.map((l) => [l.level, l.message, l.data.error, l.data.details])).toEqual([
        [LogLevel.error, "GET /api/nothing-here", "File not found.", null],
      ]);
    },
  },
  {
    name: "settings.logs.maxDays 0 turns request logging off",
    url: "/api/health",
    expectedStatus: 200,
    beforeTest: (t) => changeLogSettings(t.app, { maxDays: 0 }),
    afterTest: async (t) => {
      t.app.logger().error("not stored either");
      expect(await newLogs(t)).toEqual([]);
    },
  },
  {
    name: "logIP off leaves the IPs out; logAuthId on adds the auth record's id",
    url: "/api/collections/notes/records",
    auth: user,
    expectedStatus: 200,
    beforeTest: (t) => changeLogSettings(t.app, { logIP: false, logAuthId: true }),
    afterTest: async (t) => {
      const [log] = await newLogs(t);
      const record = await t.app.findAuthRecordByEmail("users", "user@example.com");
      expect(log?.data).toMatchObject({ auth: "users", authId: record?.id });
      expect(log?.data.userIP).toBeUndefined();
      expect(log?.data.remoteIP).toBeUndefined();
    },
  },
  {
    name: "minLevel applies at once: an info request log is dropped, an error kept",
    url: "/api/health",
    expectedStatus: 200,
    beforeTest: (t) => changeLogSettings(t.app, { minLevel: LogLevel.warn }),
    afterTest: async (t) => {
      t.app.logger().error("kept", { n: 1 });
      t.app.logger().info("dropped");
      expect((await newLogs(t)).map((l) => l.message)).toEqual(["kept"]);
    },
  },
  {
    name: "a successful logs API request is not logged",
    url: "/api/logs/stats",
    auth: "superuser",
    expectedStatus: 200,
    afterTest: async (t) => {
      expect(await newLogs(t)).toEqual([]);
    },
  },
  {
    name: "a failed logs API request is",
    url: "/api/logs",
    auth: user,
    expectedStatus: 403,
    afterTest: async (t) => {
      expect((await newLogs(t)).map((l) => [l.message, l.data.status])).toEqual([["GET /api/logs", 403]]);
    },
  },
  {
    name: "a preflight request is not logged",
    method: "OPTIONS",
    url: "/api/health",
    headers: { origin: "http://x.test", "access-control-request-method": "GET" },
    expectedStatus: 204,
    afterTest: async (t) => {
      expect(await newLogs(t)).toEqual([]);
    },
  },
]);
