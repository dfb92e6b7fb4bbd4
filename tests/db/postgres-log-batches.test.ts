import { afterAll, describe, expect, test } from "bun:test";
import { logsTableSql } from "../../src/core/system-tables.ts";
import { DatabaseUnavailableError, RowsRefusedError } from "../../src/db/driver.ts";
import { type PackedRows, PackedRowsWriter, type PackedTransform } from "../../src/db/packed-rows.ts";
import { postgresDialect } from "../../src/db/postgres/dialect.ts";
import { openPostgres, type PostgresDriver } from "../../src/db/postgres/driver.ts";
import { findPostgresBin, PostgresCluster, skipNote } from "./postgres-server.ts";

// these tests stop and start the server, so they run a cluster of their own from the local binaries
const bin = findPostgresBin();
const reason = bin ? null : "no PostgreSQL server binaries (initdb, pg_ctl) found to start a server the test controls";

/** rows packs `n` rows (id, n, data JSON) from `from` on; every row's data holds what an array literal escapes. */
function rows(from: number, n: number): PackedRows {
  const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: Number.POSITIVE_INFINITY });
  for (let i = from; i < from + n; i++) {
    w.text(`r${i}`);
    w.number(i);
    w.text(JSON.stringify({ i, q: `"quoted" \\ {a,b} é 日本`, nul: "a\u0000b", raw: "\\u0000" }));
    w.endRow();
  }
  return w.take();
}

/** idRows packs a row (id, n, `{}`) for each id, n counting from `from`. */
function idRows(ids: readonly string[], from: number): PackedRows {
  const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: Number.POSITIVE_INFINITY });
  ids.forEach((id, i) => {
    w.text(id);
    w.number(from + i);
    w.text("{}");
    w.endRow();
  });
  return w.take();
}

/** until polls `check` until it holds, for up to a minute (the machine may be loaded). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(100);
  }
}

if (reason) {
  skipNote("tests/db/postgres-log-batches.test.ts", reason);
  describe.skip(`PostgreSQL batches of packed rows (skipped: ${reason})`, () => {
    test("needs PostgreSQL's server binaries", () => {});
  });
} else {
  const cluster = PostgresCluster.create(bin as string);
  afterAll(() => cluster.destroy());

  const open = async (schema: string): Promise<PostgresDriver> => {
    const d = await openPostgres(cluster.url(), { connectTimeoutSeconds: 2, schema });
    await d.exec("CREATE TABLE IF NOT EXISTS bw_t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data JSON NOT NULL)");
    return d;
  };
  /**
   * writingStatements keeps, with a statement trigger, the first word of each statement that wrote rows into
   * bw_t (a failed one's is rolled back), and returns how to read them.
   */
  const writingStatements = async (d: PostgresDriver): Promise<() => Promise<string[]>> => {
    await d.exec(`CREATE TABLE written_by (statement TEXT NOT NULL);
      CREATE FUNCTION keep_statement() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN INSERT INTO written_by VALUES (split_part(current_query(), ' ', 1)); RETURN NULL; END $$;
      CREATE TRIGGER bw_t_written AFTER INSERT ON bw_t FOR EACH STATEMENT EXECUTE FUNCTION keep_statement()`);
    return async () => (await d.all<{ statement: string }>("SELECT statement FROM written_by")).map((r) => r.statement);
  };
  const count = async (d: PostgresDriver): Promise<number> =>
    Number((await d.all<{ n: number }>("SELECT COUNT(*) AS n FROM bw_t"))[0]?.n);

  describe("PostgreSQL batches of packed rows", () => {
    test("writes a batch into the driver's schema: escapes, JSON, U+0000 as U+FFFD", async () => {
      const d = await open("bw_one");
      try {
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 120));
        const stored = await d.all<{ id: string; n: number; data: string }>(
          "SELECT id, n, data::text AS data FROM bw_t ORDER BY n",
        );
        expect(stored).toHaveLength(120);
        expect(stored[7]?.id).toBe("r7");
        expect(JSON.parse(stored[7]?.data ?? "")).toEqual({
          i: 7,
          q: `"quoted" \\ {a,b} é 日本`,
          nul: "a\ufffdb",
          raw: "\\u0000",
        });
        // rows the server refuses (here 20 ids already written) cost only themselves: the other 40 are written
        const refused = await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(100, 60)).then(
          () => null,
          (err: unknown) => err,
        );
        expect(refused).toBeInstanceOf(RowsRefusedError);
        expect((refused as RowsRefusedError).refused).toBe(20);
        expect((refused as RowsRefusedError).message).toContain("20 of 60 rows refused");
        expect(await count(d)).toBe(160);
        // the halves written are the rows as packed (each half's literals start at its own first row)
        const written = await d.all<{ id: string; n: number; data: string }>(
          "SELECT id, n, data::text AS data FROM bw_t WHERE n >= 120 ORDER BY n",
        );
        expect(written.map((r) => r.n)).toEqual(Array.from({ length: 40 }, (_, i) => 120 + i));
        for (const r of written) {
          expect(r.id).toBe(`r${r.n}`);
          expect(JSON.parse(r.data)).toEqual({ ...JSON.parse(stored[0]?.data ?? ""), i: r.n });
        }
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(200, 60));
        expect(await count(d)).toBe(220);
        // a row refused alone (JSON the server rejects), in the middle of a batch
        const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: Number.POSITIVE_INFINITY });
        for (let i = 0; i < 9; i++) {
          w.text(`s${i}`);
          w.number(i);
          w.text(i === 4 ? '{"s": ' : JSON.stringify({ s: "ok" }));
          w.endRow();
        }
        await expect(d.insertRowsInBackground("bw_t", ["id", "n", "data"], w.take())).rejects.toThrow(
          /1 of 9 rows refused/,
        );
        expect(await count(d)).toBe(228);
        // a batch whose every row is refused (all 60 ids written before) is counted whole, not tried row by row
        const all = await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 60)).then(
          () => null,
          (err: unknown) => err,
        );
        expect((all as RowsRefusedError).refused).toBe(60);
        expect(await count(d)).toBe(228);
        // a statement that can't run for any row is not tried row by row: the batch fails at once
        await expect(d.insertRowsInBackground("bw_missing", ["id", "n", "data"], rows(300, 60))).rejects.toThrow(
          /bw_missing/,
        );
      } finally {
        await d.close();
      }
    }, 60_000);

    test("a batch goes as one COPY, its texts' tabs, line ends and backslashes kept; a refused one as INSERTs", async () => {
      const d = await open("bw_copy");
      try {
        const statements = await writingStatements(d);
        // short and long ones (a long text before any byte to escape is copied whole), escaped bytes late in a long one
        const long = "a text long enough to be copied whole, ";
        const texts = [
          "a\tb",
          "line\nend",
          long,
          `${long}with a tab near its end\tthere`,
          "cr\rlf\r\n",
          `日本語 ${long}`,
          "\\N",
          "\\.",
          `${long}\\`,
          "back\\\\slash\\t",
          "\t",
          "日本\0é",
          `${long}${long}`,
        ];
        const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: Number.POSITIVE_INFINITY });
        texts.forEach((text, i) => {
          w.text(text);
          w.number(i);
          w.text(JSON.stringify({ text }));
          w.endRow();
        });
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], w.take());
        const stored = await d.all<{ id: string; data: string }>("SELECT id, data::text AS data FROM bw_t ORDER BY n");
        const kept = texts.map((t) => t.replace("\0", "\ufffd"));
        expect(stored.map((r) => r.id)).toEqual(kept);
        expect(stored.map((r) => JSON.parse(r.data).text)).toEqual(kept);
        expect(await statements()).toEqual(["COPY"]);
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 8));
        expect(await statements()).toEqual(["COPY", "COPY"]);
        // rows the server refuses: the COPY writes nothing of their batch, the INSERT's halves write the others
        await d.exec("DELETE FROM written_by");
        const refused = await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(4, 8)).catch((e) => e);
        expect((refused as RowsRefusedError).refused).toBe(4);
        const tabbed = idRows(["m0", "m1", "a\tb", "m3"], 100);
        await expect(d.insertRowsInBackground("bw_t", ["id", "n", "data"], tabbed)).rejects.toThrow(
          /1 of 4 rows refused/,
        );
        expect(await count(d)).toBe(texts.length + 12 + 3);
        expect(new Set(await statements())).toEqual(new Set(["INSERT"]));
      } finally {
        await d.close();
      }
    }, 60_000);

    test("a batch of many slices goes as one COPY, every slice made by the transform; a row refused in a late slice fails the COPY whole", async () => {
      const d = await open("bw_slices");
      try {
        const statements = await writingStatements(d);
        // the transform sees each row once, whatever slice it is in: n doubled, the texts as they are
        const doubled: PackedTransform = (r) => {
          const cells = r.cells.slice();
          for (let i = 1; i < cells.length; i += 3) cells[i] = (cells[i] as number) * 2;
          return { ...r, cells };
        };
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 1000), doubled);
        const stored = await d.all<{ id: string; n: number; data: string }>(
          "SELECT id, n, data::text AS data FROM bw_t ORDER BY n",
        );
        expect(stored).toHaveLength(1000);
        stored.forEach((r, i) => {
          expect(r.id).toBe(`r${i}`);
          expect(r.n).toBe(2 * i);
          expect(JSON.parse(r.data)).toEqual({ i, q: `"quoted" \\ {a,b} é 日本`, nul: "a\ufffdb", raw: "\\u0000" });
        });
        expect(await statements()).toEqual(["COPY"]);
        // one row of 800 (in the third slice) already written: nothing of the COPY stays, the INSERTs write the rest
        await d.exec("DELETE FROM written_by");
        const late = idRows(
          Array.from({ length: 800 }, (_, i) => (i === 700 ? "r5" : `t${i}`)),
          5000,
        );
        await expect(d.insertRowsInBackground("bw_t", ["id", "n", "data"], late, doubled)).rejects.toThrow(
          /1 of 800 rows refused/,
        );
        expect(await count(d)).toBe(1799);
        expect(new Set(await statements())).toEqual(new Set(["INSERT"]));
        expect(await d.all<{ n: number }>("SELECT n FROM bw_t WHERE id = 't799'")).toEqual([{ n: 2 * 5799 }]);
      } finally {
        await d.close();
      }
    }, 60_000);

    test("the logs table is indexed on level and created (what the logs API's filters use) and its insertion key, once", async () => {
      const d = await openPostgres(cluster.url(), { schema: "bw_logs" });
      try {
        // made twice, as a restarted app's migration check may: the statements are idempotent
        for (let i = 0; i < 2; i++) for (const s of logsTableSql(postgresDialect)) await d.exec(s);
        const indexes = await d.all<{ name: string; def: string }>(
          "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'bw_logs' AND tablename = '_logs' ORDER BY indexname",
        );
        // and on the insertion key, whose end the logs list's newest-first pages read
        expect(indexes.map((i) => i.name)).toEqual([
          "_logs__satchel_rowid_key",
          "_logs_pkey",
          "idx_logs_created",
          "idx_logs_level",
        ]);
        expect(indexes[0]?.def).toContain("(_satchel_rowid)");
        expect(indexes[2]?.def).toContain("(created)");
        expect(indexes[3]?.def).toContain("(level)");
      } finally {
        await d.close();
      }
    }, 60_000);

    test("close writes the batches handed over before it", async () => {
      const d = await open("bw_close");
      const pending = [0, 1, 2, 3, 4].map((b) =>
        d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(b * 2000, 2000)),
      );
      await d.close();
      await Promise.all(pending);
      const again = await open("bw_close");
      try {
        expect(await count(again)).toBe(10_000);
        await expect(d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 60))).rejects.toThrow(/closed/);
      } finally {
        await again.close();
      }
    }, 60_000);

    test("a server going away fails the batch as unavailable; the next batch after it is back is written", async () => {
      const d = await open("bw_restart");
      try {
        await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 60));
        cluster.stop("immediate");
        await expect(d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(100, 60))).rejects.toBeInstanceOf(
          DatabaseUnavailableError,
        );
        cluster.start();
        // the pool and the writer reconnect on their own: a batch is written once the server answers again
        let next = 1000;
        await until(async () => {
          next += 100;
          return d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(next, 60)).then(
            () => true,
            () => false,
          );
        });
        expect(await count(d)).toBe(120);
      } finally {
        await d.close();
      }
    }, 120_000);
  });
}
