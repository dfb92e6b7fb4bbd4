import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRouter } from "../../src/apis/base.ts";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { DatabaseUnavailableError } from "../../src/db/driver.ts";
import { openPostgres, type PostgresDriver } from "../../src/db/postgres/driver.ts";
import { sql } from "../../src/db/sql.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { findPostgresBin, PostgresCluster, skipNote } from "./postgres-server.ts";

// these tests stop and start the server, so they run a cluster of their own from the local binaries
const bin = findPostgresBin();
const reason = bin ? null : "no PostgreSQL server binaries (initdb, pg_ctl) found to start a server the test controls";

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

if (reason) {
  skipNote("tests/db/postgres-failures.test.ts", reason);
  describe.skip(`PostgreSQL failures (skipped: ${reason})`, () => {
    test("needs PostgreSQL's server binaries", () => {});
  });
} else {
  const cluster = PostgresCluster.create(bin as string);
  afterAll(() => cluster.destroy());

  describe("PostgreSQL failures", () => {
    test("a malformed URL is an error that says what a URL looks like", async () => {
      await expect(openPostgres("not a url")).rejects.toThrow("invalid PostgreSQL URL");
      await expect(openPostgres("mysql://u@127.0.0.1/db")).rejects.toThrow("must be postgres://");
    });

    test("a refused connection, an unknown database or user is unavailable, without the password", async () => {
      const refused = openPostgres(`postgres://u:s3cret@127.0.0.1:${freePort()}/db`, { connectTimeoutSeconds: 3 });
      await expect(refused).rejects.toBeInstanceOf(DatabaseUnavailableError);
      const message = await refused.catch((err: Error) => err.message);
      expect(message).toContain("127.0.0.1");
      expect(message).not.toContain("s3cret");
      await expect(openPostgres(cluster.url("no_such_db"))).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(openPostgres(`postgres://nobody@127.0.0.1:${cluster.port}/postgres`)).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
    });

    test("a server going away fails statements as unavailable, and the pool recovers when it is back", async () => {
      const d: PostgresDriver = await openPostgres(cluster.url(), { connectTimeoutSeconds: 2 });
      try {
        await d.exec("CREATE TABLE restart_t (id TEXT PRIMARY KEY)");
        await d.run(sql`INSERT INTO restart_t (id) VALUES (${"before"})`);
        // a read running while the server stops, and a transaction open across the stop
        const running = d.all("SELECT pg_sleep(30)");
        const txStarted = Promise.withResolvers<void>();
        const tx = d.transaction(async (t) => {
          await t.run(sql`INSERT INTO restart_t (id) VALUES (${"lost"})`);
          txStarted.resolve();
          await Bun.sleep(1500);
          await t.run(sql`INSERT INTO restart_t (id) VALUES (${"lost2"})`);
        });
        await txStarted.promise;
        await Bun.sleep(200);
        cluster.stop("immediate");
        await expect(running).rejects.toBeInstanceOf(DatabaseUnavailableError);
        await expect(tx).rejects.toBeInstanceOf(DatabaseUnavailableError);
        // while it is down: each statement fails at once with the same error, none hangs
        await expect(d.all(sql`SELECT id FROM restart_t`)).rejects.toBeInstanceOf(DatabaseUnavailableError);
        await expect(d.run(sql`INSERT INTO restart_t (id) VALUES (${"down"})`)).rejects.toBeInstanceOf(
          DatabaseUnavailableError,
        );
        await expect(d.transaction(async () => {})).rejects.toBeInstanceOf(DatabaseUnavailableError);
        await expect(d.all(sql`SELECT 1 AS one`, undefined, { isolate: true })).rejects.toBeInstanceOf(
          DatabaseUnavailableError,
        );
        cluster.start();
        // back: the same driver answers, and the transaction cut short left nothing behind
        expect(await d.all(sql`SELECT id FROM restart_t ORDER BY id`)).toEqual([{ id: "before" }]);
        await d.transaction(async (t) => {
          await t.run(sql`INSERT INTO restart_t (id) VALUES (${"after"})`);
        });
        expect(await d.all(sql`SELECT id FROM restart_t ORDER BY id`, undefined, { isolate: true })).toEqual([
          { id: "after" },
          { id: "before" },
        ]);
      } finally {
        await d.close();
      }
    }, 60_000);

    test("requests while the server is gone get a 503 saying so; the app answers again once it is back", async () => {
      const dir = await mkdtemp(join(tmpdir(), "satchel-pg-503-"));
      const app = createApp({
        dataDir: dir,
        openDatabase: databaseOpener({ url: `${cluster.url()}?schema=app503` }),
        migrations: systemMigrations,
      });
      let stopped = false;
      const get = async (path: string) => {
        const res = await newRouter(app).fetch(new Request(`http://127.0.0.1${path}`), {
          server: { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 0 }) },
        });
        return { status: res.status, body: (await res.json()) as { message?: string } };
      };
      try {
        await app.bootstrap();
        await app.saveCollection(Object.assign(Collection.create("base", "notes"), { listRule: "", createRule: "" }));
        expect((await get("/api/collections/notes/records")).status).toBe(200);
        cluster.stop("immediate");
        stopped = true;
        const down = await get("/api/collections/notes/records");
        expect(down.status).toBe(503);
        expect(down.body.message).toStartWith("The database is unavailable: PostgreSQL at 127.0.0.1:");
        cluster.start();
        stopped = false;
        expect(await get("/api/collections/notes/records")).toMatchObject({ status: 200, body: { totalItems: 0 } });
      } finally {
        if (stopped) cluster.start();
        await app.terminate();
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
}
