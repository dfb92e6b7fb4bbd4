import { expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { ident, sql } from "../../src/db/sql.ts";
import { formatDateTime } from "../../src/tools/types/datetime.ts";
import { defineFixture, runScenarios, send } from "../helpers/api-scenario.ts";
import { startTestServer, type TestApp } from "../helpers/test-app.ts";

const userEmail = "user@example.com";

const fixture = defineFixture(async (app) => {
  const users = app.findCachedCollectionByNameOrId("users") as Collection;
  const user = new RecordModel(users);
  user.load({ email: userEmail, password: "1234567890", passwordConfirm: "1234567890" });
  await app.save(user);
});

// the system jobs PocketBase v0.39 lists on a fresh data directory, in its order
const systemJobs = [
  { id: "__pbDBOptimize__", expression: "0 0 * * *" },
  { id: "__pbMFACleanup__", expression: "0 * * * *" },
  { id: "__pbOTPCleanup__", expression: "0 * * * *" },
  { id: "__pbLogsCleanup__", expression: "0 */6 * * *" },
];

/** eventually waits for a job started in the background to have done its work. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await Bun.sleep(10);
  }
  throw new Error("the job did not finish in time");
}

const count = async (t: TestApp, db: "db" | "auxDb", table: string) =>
  ((await t.app[db].get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1) as number;

runScenarios("crons API", fixture, [
  {
    name: "a guest can't list the jobs",
    url: "/api/crons",
    expectedStatus: 401,
    expectedContent: ['"message":"The request requires valid record authorization token."'],
  },
  {
    name: "a user can't list the jobs",
    url: "/api/crons",
    auth: { collection: "users", email: userEmail },
    expectedStatus: 403,
  },
  {
    name: "a superuser lists PocketBase's system jobs",
    url: "/api/crons",
    auth: "superuser",
    expectedStatus: 200,
    expectedEvents: { "*": 0 },
    afterTest: (_t, res) => {
      expect(res.json).toEqual(systemJobs);
    },
  },
  {
    name: "the app's jobs come first, by id; ids starting with __pb are system jobs, in the order registered",
    url: "/api/crons",
    auth: "superuser",
    beforeTest: (t) => {
      t.app.cron().add("b", "@daily", () => {});
      t.app.cron().add("__pbMine__", "*/5 * * * *", () => {});
      t.app.cron().add("A", "0 0 1 1 *", () => {});
      t.app.cron().add("a", "@yearly", () => {});
    },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([
        { id: "A", expression: "0 0 1 1 *" },
        { id: "a", expression: "0 0 1 1 *" },
        { id: "b", expression: "0 0 * * *" },
        ...systemJobs,
        { id: "__pbMine__", expression: "*/5 * * * *" },
      ]);
    },
  },
  {
    name: "rate limiting adds __pbRateLimitersCleanup__ on its first use, until the settings change",
    url: "/api/crons",
    auth: "superuser",
    beforeTest: async (t) => {
      const settings = cloneSettings(t.app.settings());
      settings.rateLimits.enabled = true;
      await t.app.saveSettings(settings);
      expect((await send(t.app, { url: "/api/collections/users/records" })).status).toBe(200);
    },
    expectedStatus: 200,
    afterTest: async (t, res) => {
      expect(res.json).toEqual([...systemJobs, { id: "__pbRateLimitersCleanup__", expression: "2 * * * *" }]);
      await t.app.cron().jobs().at(-1)?.run();
      await t.app.saveSettings(cloneSettings(t.app.settings()));
      expect(
        t.app
          .cron()
          .jobs()
          .map((j) => j.id),
      ).toEqual(systemJobs.map((j) => j.id));
    },
  },
  {
    name: "an unknown job can't be run",
    method: "POST",
    url: "/api/crons/missing",
    auth: "superuser",
    expectedStatus: 404,
    expectedContent: ['{"data":{},"message":"Missing or invalid cron job.","status":404}'],
  },
  {
    name: "a guest can't run a job",
    method: "POST",
    url: "/api/crons/__pbLogsCleanup__",
    expectedStatus: 401,
  },
  {
    name: "a user can't run a job",
    method: "POST",
    url: "/api/crons/__pbLogsCleanup__",
    auth: { collection: "users", email: userEmail },
    expectedStatus: 403,
  },
  {
    name: "running a job answers at once and runs it in the background; a failing job is only logged",
    method: "POST",
    url: "/api/crons/slow%20one",
    auth: "superuser",
    beforeTest: (t) => {
      t.app.cron().add("slow one", "* * * * *", async () => {
        await Bun.sleep(100);
        await t.app.db.exec("CREATE TABLE ran (x TEXT)");
        throw new Error("failed after its work");
      });
    },
    expectedStatus: 204,
    afterTest: async (t, res) => {
      expect(res.text).toBe("");
      expect(await t.app.hasTable("ran")).toBe(false);
      await eventually(() => t.app.hasTable("ran"));
    },
  },
  {
    name: "__pbLogsCleanup__ deletes the logs older than settings.logs.maxDays",
    method: "POST",
    url: "/api/crons/__pbLogsCleanup__",
    auth: "superuser",
    beforeTest: async (t) => {
      const day = 86_400_000;
      for (const [id, age] of [
        ["old", 6 * day],
        ["recent", 4 * day],
      ] as const) {
        const created = formatDateTime(new Date(Date.now() - age));
        await t.app.auxDb.run(
          sql`INSERT INTO _logs (id, level, message, data, created) VALUES (${id}, 0, 'x', '{}', ${created})`,
        );
      }
    },
    expectedStatus: 204,
    afterTest: async (t) => {
      await eventually(async () => (await count(t, "auxDb", "_logs")) === 1);
      expect(await t.app.auxDb.all("SELECT id FROM _logs")).toEqual([{ id: "recent" }]);
    },
  },
  {
    name: "__pbOTPCleanup__ and __pbMFACleanup__ delete the expired sessions",
    method: "POST",
    url: "/api/crons/__pbOTPCleanup__",
    auth: "superuser",
    beforeTest: async (t) => {
      const users = t.app.findCachedCollectionByNameOrId("users") as Collection;
      const user = await t.app.findAuthRecordByEmail(users, userEmail);
      for (const [collection, data] of [
        ["_otps", { password: "12345678" }],
        ["_mfas", { method: "password" }],
      ] as const) {
        for (const age of ["expired", "fresh"]) {
          const r = new RecordModel(t.app.findCachedCollectionByNameOrId(collection) as Collection);
          r.load({ collectionRef: users.id, recordRef: user?.id, ...data });
          await t.app.save(r);
          if (age === "expired") {
            await t.app.db.run(
              sql`UPDATE ${ident(collection)} SET created = '2000-01-01 00:00:00.000Z' WHERE id = ${r.id}`,
            );
          }
        }
      }
    },
    expectedStatus: 204,
    afterTest: async (t) => {
      await eventually(async () => (await count(t, "db", "_otps")) === 1);
      expect(await count(t, "db", "_mfas")).toBe(2);
      await t.app
        .cron()
        .jobs()
        .find((j) => j.id === "__pbMFACleanup__")
        ?.run();
      expect(await count(t, "db", "_mfas")).toBe(1);
    },
  },
  {
    name: "__pbDBOptimize__ checkpoints the write-ahead logs into the database files",
    sqliteOnly: "the write-ahead log files are SQLite's (on PostgreSQL the job runs ANALYZE)",
    method: "POST",
    url: "/api/crons/__pbDBOptimize__",
    auth: "superuser",
    beforeTest: async (t) => {
      await t.app.db.exec(
        "CREATE TABLE filler (x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO filler SELECT randomblob(1000) FROM n",
      );
      await t.app.auxDb.exec("CREATE TABLE filler (x); INSERT INTO filler VALUES (randomblob(5000))");
      expect(statSync(join(t.dir, "data.db-wal")).size).toBeGreaterThan(500_000);
    },
    expectedStatus: 204,
    afterTest: async (t) => {
      const walSize = (name: string) => statSync(join(t.dir, `${name}-wal`)).size;
      await eventually(async () => walSize("data.db") === 0 && walSize("auxiliary.db") === 0);
    },
  },
]);

test("serving starts the app's jobs and terminating stops them; the SDK lists and runs them", async () => {
  const s = await startTestServer();
  try {
    expect(s.app.cron().hasStarted()).toBe(true);
    let runs = 0;
    s.app.cron().add("sdk job", "@hourly", () => {
      runs++;
    });
    const jobs = await s.pb.crons.getFullList();
    expect(jobs.map((j) => j.id)).toEqual(["sdk job", ...systemJobs.map((j) => j.id)]);
    expect(jobs[0]).toEqual({ id: "sdk job", expression: "0 * * * *" });
    expect(await s.pb.crons.run("sdk job")).toBe(true);
    await eventually(async () => runs === 1);
    const err = await s.pb.crons.run("nope").catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, response: { message: "Missing or invalid cron job." } });
    const guest = await s
      .client()
      .crons.getFullList()
      .catch((e: unknown) => e);
    expect(guest).toMatchObject({ status: 401 });
  } finally {
    await s.stop();
  }
  expect(s.app.cron().hasStarted()).toBe(false);
});
