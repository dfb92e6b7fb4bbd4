import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { databaseOpener, logsSchema } from "../../src/cmd/open-database.ts";
import { createApp } from "../../src/core/base-app.ts";
import { openPostgres } from "../../src/db/postgres/driver.ts";
import { PreflightError, versionProblem } from "../../src/db/postgres/preflight.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { runSatchel, ServeProcess } from "../cli/process.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

const reason = postgresUnavailable();

test("a server older than PostgreSQL 15 is named with the version needed", () => {
  expect(versionProblem(140011, "14.11")).toBe("PostgreSQL 14.11 is too old: Satchel needs PostgreSQL 15 or newer");
  expect(versionProblem(150004, "15.4")).toBeNull();
  expect(versionProblem(170000, "17.0")).toBeNull();
});

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

if (reason) {
  skipNote("tests/db/postgres-startup.test.ts", reason);
  describe.skip(`starting on PostgreSQL (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("starting on PostgreSQL", () => {
    let db: TestDatabase;
    const role = `satchel_limited_${process.pid}`;
    const withUser = (user: string) => {
      const u = new URL(db.url);
      u.username = user;
      u.password = "";
      return u.toString();
    };
    const admin = () => postgres(db.url, { max: 1, onnotice: () => {} });

    beforeAll(async () => {
      db = await createTestDatabase();
      const a = admin();
      try {
        await a.unsafe(`CREATE ROLE ${role} LOGIN`);
      } finally {
        await a.end();
      }
    });
    afterAll(async () => {
      await db.drop();
      const a = admin();
      await a.unsafe(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await a.end();
    });

    test("an app starts with its tables in the URL's schema and its logs in a schema beside it", async () => {
      const dir = await mkdtemp(join(tmpdir(), "satchel-pg-start-"));
      const url = `${db.url}?schema=shop`;
      const app = createApp({ dataDir: dir, openDatabase: databaseOpener({ url }), migrations: systemMigrations });
      try {
        await app.bootstrap();
        expect(app.findAllCollections().map((c) => c.name)).toContain("users");
        await app.terminate();
        const a = admin();
        try {
          const rows = await a.unsafe<{ schema: string; name: string }[]>(
            `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
              WHERE table_name IN ('_collections', '_migrations', '_params', '_logs') ORDER BY 1, 2`,
          );
          expect(rows.map((r) => `${r.schema}.${r.name}`)).toEqual([
            "shop._collections",
            "shop._migrations",
            "shop._params",
            `${logsSchema("shop")}._logs`,
          ]);
          const [applied] = await a.unsafe<{ type: string }[]>(
            `SELECT data_type AS type FROM information_schema.columns
              WHERE table_schema = 'shop' AND table_name = '_migrations' AND column_name = 'applied'`,
          );
          expect(applied?.type).toBe("bigint");
        } finally {
          await a.end();
        }
        // a second start finds everything in place
        await app.bootstrap();
        expect(app.findAllCollections().map((c) => c.name)).toContain("users");
      } finally {
        if (app.isBootstrapped()) await app.terminate();
        await rm(dir, { recursive: true, force: true });
      }
    });

    test("a schema holding someone else's tables is refused, naming one of them", async () => {
      const a = admin();
      try {
        await a.unsafe("CREATE SCHEMA erp; CREATE TABLE erp.invoices (id int)");
      } finally {
        await a.end();
      }
      const opened = openPostgres(`${db.url}?schema=erp`, { ownerTable: "_migrations" });
      await expect(opened).rejects.toBeInstanceOf(PreflightError);
      await expect(opened).rejects.toThrow(`holds 1 table(s) that aren't Satchel's (no _migrations, e.g. "invoices")`);
    });

    test("a user who may not create tables, or the schema, is told what to grant", async () => {
      // PostgreSQL 15 gives only the owner the right to create in the public schema
      const noCreate = openPostgres(withUser(role), { ownerTable: "_migrations" });
      await expect(noCreate).rejects.toBeInstanceOf(PreflightError);
      await expect(noCreate).rejects.toThrow(
        `the user "${role}" may not create tables in the schema "public" on 127.0.0.1:`,
      );
      await expect(noCreate).rejects.toThrow(`GRANT CREATE, USAGE ON SCHEMA "public" TO "${role}"`);
      const noSchema = openPostgres(`${withUser(role)}?schema=mine`);
      await expect(noSchema).rejects.toThrow(
        `the schema "mine" doesn't exist on 127.0.0.1:${new URL(db.url).port}/${db.name} and Satchel could not create it`,
      );
    });

    test("?pool= sizes the pool requests' reads share, and a bad one is refused, naming it", async () => {
      // reads that each hold their connection a while: how many connections answer them (as many as the pool
      // opens before the first reads end, which a loaded machine may make fewer than its size)
      const connectionsFor = async (url: string) => {
        const driver = await openPostgres(url);
        try {
          const reads = Array.from({ length: 12 }, () =>
            driver.all<{ pid: number }>("SELECT pg_backend_pid() AS pid, pg_sleep(0.25)"),
          );
          return new Set((await Promise.all(reads)).map(([row]) => row?.pid)).size;
        } finally {
          await driver.close();
        }
      };
      expect(await connectionsFor(`${db.url}?pool=3`)).toBeLessThanOrEqual(3);
      expect(await connectionsFor(`${db.url}?schema=pooled&pool=2`)).toBeLessThanOrEqual(2);
      expect(await connectionsFor(db.url)).toBeGreaterThan(3);
      for (const pool of ["1", "0", "-4", "2.5", "ten", ""])
        await expect(openPostgres(`${db.url}?pool=${pool}`)).rejects.toThrow(
          `invalid PostgreSQL URL: ?pool= takes a whole number of connections, 2 or more, not "${pool}"`,
        );
    }, 60_000);

    test("satchel serve --db starts on PostgreSQL; a refused connection or a bad URL stops it with the reason", async () => {
      const dir = await mkdtemp(join(tmpdir(), "satchel-pg-serve-"));
      try {
        // the cluster bus and both databases' drivers take the URL's own parameters
        const url = `${db.url}?schema=served&pool=4`;
        const server = await ServeProcess.start(dir, { args: [`--db=${url}`] });
        try {
          const res = await fetch(`${server.url}/api/collections/users/records`);
          expect(res.status).toBe(200);
          expect(await res.json()).toMatchObject({ totalItems: 0 });
        } finally {
          server.signal("SIGTERM");
          await server.exit(10_000);
        }
        // the environment variable stands for the flag
        const env = { ...process.env, SATCHEL_DATABASE_URL: url };
        const fromEnv = await ServeProcess.start(dir, { env });
        fromEnv.signal("SIGTERM");
        expect(await fromEnv.exit(10_000)).toBe(0);

        const refused = await runSatchel(
          ["serve", "--http=127.0.0.1:0", `--dir=${dir}`, `--db=postgres://u:s3cret@127.0.0.1:${freePort()}/x`],
          { timeoutMs: 20_000 },
        );
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("the database is unavailable: PostgreSQL at 127.0.0.1:");
        expect(refused.stderr).not.toContain("s3cret");

        const bad = await runSatchel(["serve", "--http=127.0.0.1:0", `--dir=${dir}`, "--db=mysql://u@h/db"], {
          timeoutMs: 20_000,
        });
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain("invalid PostgreSQL URL: the scheme must be postgres:// or postgresql://");

        const badPool = await runSatchel(["serve", "--http=127.0.0.1:0", `--dir=${dir}`, `--db=${db.url}?pool=1`], {
          timeoutMs: 20_000,
        });
        expect(badPool.code).toBe(1);
        expect(badPool.stderr).toContain('?pool= takes a whole number of connections, 2 or more, not "1"');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
}
