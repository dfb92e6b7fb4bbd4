import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { functionsSql } from "../../src/db/postgres/functions.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

// PostgreSQL plans a query over a large table in parallel, and a process of a parallel query may not start a
// subtransaction, which a PL/pgSQL EXCEPTION block does: a function that has one, or calls one, must be
// PARALLEL UNSAFE (the planner then keeps the query in one process), or every filter using it fails on a large
// table. Here parallel plans cost nothing, so the planner takes one on a small table too.

const reason = postgresUnavailable();

/** Each function over each type of column it takes, as the dialect's expressions call them. */
const calls = [
  ...["t", "j", "jb"].flatMap((c) => [
    `satchel_json_length(${c}) > 0`,
    `satchel_json_array_length(${c}) > 0`,
    `satchel_json_extract(${c}, '{x}') IS NOT NULL`,
    `satchel_json_extract(${c}, '{}') IS NOT NULL`,
    `satchel_json_array_contains(${c}, '1')`,
    `satchel_json_sort_key(${c}, '{x}') > ROW(0, 0, '')::satchel_value`,
    `EXISTS (SELECT 1 FROM satchel_json_each(${c}) e WHERE e.value = '1')`,
    `satchel_float(${c}) > 0`,
    `satchel_sv(${c}) IS NOT NULL`,
    `satchel_text(${c}) IS NOT NULL`,
    `satchel_acos(cos(radians(satchel_math_arg(${c})))) IS NOT NULL`,
  ]),
  "satchel_sv_num(t) IS NOT NULL",
  "satchel_jsonb(j) IS NOT NULL",
  "satchel_strftime('%Y-%m-%d', t) IS NOT NULL",
  "satchel_strftime('%s', t, '+1 day', 'start of month') IS NOT NULL",
];

if (reason) {
  skipNote("tests/db/postgres-functions-parallel.test.ts", reason);
  describe.skip(`the functions under a parallel plan (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("the functions under a parallel plan", () => {
    let database: TestDatabase;
    let pg: postgres.Sql;

    beforeAll(async () => {
      database = await createTestDatabase();
      pg = postgres(database.url, { max: 1, onnotice: () => {} });
      await pg.unsafe(functionsSql);
      await pg.unsafe(`CREATE TABLE f (t TEXT COLLATE "C", j JSON, jb JSONB)`);
      await pg.unsafe(`INSERT INTO f SELECT v, CASE WHEN v LIKE '[%' OR v LIKE '{%' THEN v::json END,
        CASE WHEN v LIKE '[%' OR v LIKE '{%' THEN v::jsonb END
        FROM unnest(ARRAY['[1,2]', '{"x":1}', 'abc', '2024-01-02 03:04:05', '12', '', '{"x":"a"}']) AS v,
          generate_series(1, 50)`);
      await pg.unsafe("ANALYZE f");
      for (const setting of ["parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size"])
        await pg.unsafe(`SET ${setting} = 0`);
    });

    afterAll(async () => {
      await pg?.end();
      database?.dropLater();
    });

    test("a function the planner may run in parallel runs there", async () => {
      const plan = await pg.unsafe("EXPLAIN SELECT count(*) FROM f WHERE satchel_json_length(jb) > 0");
      expect(plan.map((row) => Object.values(row)[0]).join("\n")).toContain("Parallel Seq Scan");
    });

    test.each(calls)("%s", async (condition) => {
      const [row] = await pg.unsafe(`SELECT count(*)::int AS n FROM f WHERE ${condition}`);
      expect(typeof row?.n).toBe("number");
    });
  });
}
