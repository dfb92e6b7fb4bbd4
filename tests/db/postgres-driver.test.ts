import { afterAll, describe, expect, test } from "bun:test";
import { PackedRowsWriter } from "../../src/db/packed-rows.ts";
import { openPostgres } from "../../src/db/postgres/driver.ts";
import { driverConformance } from "./driver.suite.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

const unavailable = postgresUnavailable();

if (unavailable) {
  skipNote("tests/db/postgres-driver.test.ts", unavailable);
  describe.skip(`PostgreSQL driver conformance (skipped: ${unavailable})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  const db: TestDatabase = await createTestDatabase();
  afterAll(() => db.dropLater());
  driverConformance({
    name: "PostgreSQL",
    open: (options) => openPostgres(db.url, options),
  });

  describe("PostgreSQL packed inserts", () => {
    test("go as one statement into typed columns (JSONB, INTEGER), U+0000 stored as U+FFFD, beside an open transaction", async () => {
      const d = await openPostgres(db.url);
      try {
        await d.exec("CREATE TABLE packed_logs (id TEXT PRIMARY KEY, level INTEGER NOT NULL, data JSONB NOT NULL)");
        // a NUL in the JSON (escaped) becomes U+FFFD, a backslash before "u0000" is text and stays
        const data = [{ q: '"quoted" \\ {a,b}', n: null }, { s: "nul\u0000here", t: "\\u0000" }, []];
        const stored = [data[0], { s: "nul\ufffdhere", t: "\\u0000" }, []];
        const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: 1 << 20 });
        data.forEach((value, i) => {
          w.text(`l${i}\0`);
          w.number(i - 4);
          w.text(JSON.stringify(value));
          w.endRow();
        });
        // no transaction and no writer lock: it completes while a transaction of this driver is open
        await d.transaction(async () => {
          await d.insertRowsInBackground("packed_logs", ["id", "level", "data"], w.take());
        });
        const rows = await d.all<{ id: string; level: number; data: string }>(
          "SELECT id, level, data::text AS data FROM packed_logs ORDER BY level",
        );
        expect(rows.map((r) => ({ ...r, data: JSON.parse(r.data) }))).toEqual(
          stored.map((value, i) => ({ id: `l${i}\ufffd`, level: i - 4, data: value })),
        );
      } finally {
        await d.close();
      }
    });
  });

  describe("PostgreSQL JSON paths", () => {
    test("read inside a JSON (not only JSONB) column, as the logs table's `data` is declared", async () => {
      const d = await openPostgres(db.url);
      try {
        await d.exec("CREATE TABLE json_paths (id TEXT PRIMARY KEY, data JSON NOT NULL)");
        await d.run("INSERT INTO json_paths VALUES ('a', '{\"status\":404,\"list\":[{\"k\":\"x\"}]}'), ('b', '{}')");
        const rows = await d.all<{ id: string; status: string | null; k: string | null }>(
          "SELECT id, satchel_json_extract(data, '{status}'::text[]) AS status, satchel_json_extract(data, '{list,0,k}'::text[]) AS k FROM json_paths ORDER BY id",
        );
        expect(rows).toEqual([
          { id: "a", status: "404", k: "x" },
          { id: "b", status: null, k: null },
        ]);
      } finally {
        await d.close();
      }
    });
  });

  describe("PostgreSQL planning", () => {
    test("the app's statements are never JIT-compiled, whatever the server's setting", async () => {
      // a join over JSON list items is estimated at a thousand rows each: past jit_above_cost, the server
      // spent half a second compiling a statement that runs in 2 ms
      const d = await openPostgres(db.url);
      try {
        await d.exec(
          "CREATE TABLE jit_probe AS SELECT g AS n, jsonb_build_array(g, g + 1) AS list FROM generate_series(1, 200) g",
        );
        await d.exec("ANALYZE jit_probe");
        const costly = `SELECT count(*) AS n FROM jit_probe a, satchel_json_each(a.list) x, jit_probe b, satchel_json_each(b.list) y WHERE x.value = y.value`;
        const plan = await d.all<Record<string, string>>(`EXPLAIN (ANALYZE, FORMAT TEXT) ${costly}`);
        const text = plan.map((r) => Object.values(r)[0]).join("\n");
        expect(text).toMatch(/cost|actual/);
        expect(text).not.toContain("JIT:");
        expect(await d.get<{ jit: string }>("SHOW jit")).toEqual({ jit: "off" });
      } finally {
        await d.close();
      }
    });
  });

  describe("PostgreSQL prepared statements", () => {
    test("a client making up statement texts can't have more than a window's admissions prepared", async () => {
      // each of 600 texts run twice (as a client sending each made-up filter twice would): 250 are prepared
      // on the connection, the rest run unnamed
      const d = await openPostgres(db.url, { maxConnections: 1 });
      try {
        for (let i = 0; i < 600; i++)
          for (let k = 0; k < 2; k++) await d.all(`SELECT ${i} AS n WHERE $1::int > 0`, [1]);
        const [row] = await d.all<{ n: string }>("SELECT count(*)::text AS n FROM pg_prepared_statements");
        expect(Number(row?.n)).toBeGreaterThanOrEqual(250);
        expect(Number(row?.n)).toBeLessThanOrEqual(252);
      } finally {
        await d.close();
      }
    });
  });

  describe("PostgreSQL cancel requests", () => {
    // A statement stopped at its deadline is cancelled by a request on another connection, which names the
    // session and not the statement. Deadlines here fall around the moment the statement ends, so that many
    // statements end before their cancel arrives: the next statement on the same (only) connection must not
    // be the one stopped. Each statement, paired with its deadline, is one that ends within a few ms of it.
    const rounds = 100;
    const sleepNear = (i: number) => (4 + (i % 60) / 10) / 1000;

    test("a read stopped at its deadline never stops the next read on its connection", async () => {
      const d = await openPostgres(db.url, { maxReaders: 1 });
      try {
        const failures: string[] = [];
        for (let i = 0; i < rounds; i++) {
          const scope = (ms: number) => ({ deadline: performance.now() + ms, requester: "r" });
          await d.all(`SELECT pg_sleep(${sleepNear(i)})`, [], { isolate: true, scope: scope(10) }).catch(() => {});
          await d
            .all("SELECT pg_sleep(0.01)", [], { isolate: true, scope: scope(10_000) })
            .catch((err: Error) => failures.push(err.message));
        }
        expect(failures).toEqual([]);
      } finally {
        await d.close();
      }
    }, 30_000);

    test("a read stopped while its connection is being opened leaves that connection to the next read", async () => {
      // a new driver opens its readers' connection for its first read: that read's deadline passes first
      for (let i = 0; i < 5; i++) {
        const d = await openPostgres(db.url, { maxReaders: 1 });
        try {
          const first = { deadline: performance.now() + 1, requester: "r" };
          await d.all("SELECT 1 AS n", [], { isolate: true, scope: first }).catch(() => {});
          const next = { deadline: performance.now() + 20_000, requester: "r" };
          expect(await d.all("SELECT 2 AS n", [], { isolate: true, scope: next })).toEqual([{ n: 2 }]);
        } finally {
          await d.close();
        }
      }
    }, 60_000);

    test("a script stopped at its time limit never stops or stalls the next script on its connection", async () => {
      const d = await openPostgres(db.url, { maxScripts: 1, scriptTimeoutMs: 10 });
      try {
        const failures: string[] = [];
        for (let i = 0; i < rounds; i++) {
          await d
            .runScript(`SELECT pg_sleep(${sleepNear(i)})`, { mode: "query", maxRows: 10, maxBytes: 1 << 20 })
            .catch(() => {});
          await d
            .runScript("SELECT pg_sleep(0.005)", { mode: "query", maxRows: 10, maxBytes: 1 << 20 })
            .catch((err: Error) => failures.push(err.message));
        }
        expect(failures.filter((m) => !m.includes("time limit"))).toEqual([]);
      } finally {
        await d.close();
      }
    }, 30_000);
  });
}
