import { expect, test } from "bun:test";
import type { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { defineFixture, runScenarios, send } from "../helpers/api-scenario.ts";
import { newTestApp, startTestServer, type TestApp } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";

const userEmail = "user@example.com";

const fixture = defineFixture(async (app) => {
  const users = app.findCachedCollectionByNameOrId("users") as Collection;
  const user = new RecordModel(users);
  user.load({ email: userEmail, password: "1234567890", passwordConfirm: "1234567890" });
  await app.save(user);
  // PocketBase's types on SQLite; on PostgreSQL the columns the engine-neutral scenarios read
  await app.db.exec(
    onPostgres()
      ? "CREATE TABLE t (a INTEGER NOT NULL, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, null)"
      : "CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c REAL, d BLOB, e DATETIME, f BOOLEAN, g JSON, h, i TIMESTAMP, j date);" +
          "INSERT INTO t VALUES (1, 'x', 2.5, x'0102', '2024-01-01 10:00:00.000Z', 1, '{}', 3, '2024-01-01T10:00:00.123456789+02:00', '2024-02-30')," +
          "(2, null, null, null, null, 0, null, null, 'not a time', '2024-01-01 10:00:00 +0000 UTC')",
  );
});

/** The answers of SQLite's own types and messages, as PocketBase gives them. */
const pocketBaseTypes = "the table's SQLite types and their values written as Go writes them are PocketBase's answers";

const sql = (query: string) => ({ method: "POST", url: "/api/sql", body: { query } });
const failed = (message: string) =>
  JSON.stringify({ data: {}, message: `Failed to execute query. Raw error:\n${message}.`, status: 400 });
const rowsOf = (t: TestApp, query: string) => t.app.db.all(query);

/** body is the scenario's JSON answer without its execTime, after checking it is a whole number of ms. */
function body(json: unknown): unknown {
  const { execTime, ...rest } = json as { execTime: unknown };
  expect(Number.isInteger(execTime)).toBe(true);
  return rest;
}

// the answers below are PocketBase v0.39's to the same queries on the same table
runScenarios("SQL console API", fixture, [
  { name: "a guest is refused", ...sql("SELECT 1"), expectedStatus: 401 },
  {
    name: "a user is refused",
    ...sql("SELECT 1"),
    auth: { collection: "users", email: userEmail },
    expectedStatus: 403,
    expectedContent: ['"message":"The authorized record is not allowed to perform this action."'],
  },
  {
    name: "a select answers columns with their declared types and every value as Go's text",
    sqliteOnly: pocketBaseTypes,
    ...sql("SELECT * FROM t"),
    auth: "superuser",
    expectedStatus: 200,
    expectedEvents: { "*": 0 },
    afterTest: (_t, res) => {
      expect(body(res.json)).toEqual({
        affectedRows: 0,
        columns: ["INTEGER", "TEXT", "REAL", "BLOB", "DATETIME", "BOOLEAN", "JSON", "", "TIMESTAMP", "DATE"].map(
          (type, i) => ({ name: "abcdefghij"[i], type, nullable: true }),
        ),
        rows: [
          [
            "1",
            "x",
            "2.5",
            "\u0001\u0002",
            "2024-01-01T10:00:00Z",
            "1",
            "{}",
            "3",
            "2024-01-01T10:00:00.123456789+02:00",
            "2024-02-30",
          ],
          ["2", null, null, null, null, "0", null, null, "not a time", "2024-01-01T10:00:00Z"],
        ],
      });
    },
  },
  {
    name: "numbers, blobs and text are written as Go writes them",
    sqliteOnly: pocketBaseTypes,
    ...sql(
      "SELECT 1, 1e21, 1000000.0, 123456.0, 1234567.0, -0.0, 9223372036854775807, null, x'00ff41', 1e400, 1e-5, 0.0001, x'f09f98', 'é😀'",
    ),
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect((res.json as { rows: unknown }).rows).toEqual([
        [
          "1",
          "1e+21",
          "1e+06",
          "123456",
          "1.234567e+06",
          "-0",
          "9223372036854775807",
          null,
          "\u0000\ufffdA",
          "+Inf",
          "1e-05",
          "0.0001",
          "\ufffd\ufffd\ufffd",
          "é😀",
        ],
      ]);
    },
  },
  {
    name: "repeated column names keep their own values",
    ...sql("select a, a+1 as x, b as a from t"),
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: [
      // PostgreSQL knows an expression's type, SQLite only a column's
      `"columns":[{"name":"a","type":"INTEGER","nullable":true},{"name":"x","type":"${onPostgres() ? "INTEGER" : ""}","nullable":true},{"name":"a","type":"TEXT","nullable":true}]`,
      '"rows":[["1","2","x"],["2","3",null]]',
    ],
  },
  {
    name: "a write answers the rows it changed, and is committed",
    ...sql("INSERT INTO t (a) VALUES (30), (31); INSERT INTO t (a) VALUES (32)"),
    auth: "superuser",
    expectedStatus: 200,
    afterTest: async (t, res) => {
      expect(body(res.json)).toEqual({ affectedRows: 1, columns: [], rows: [] });
      expect(await rowsOf(t, "SELECT a FROM t WHERE a >= 30")).toEqual([{ a: 30 }, { a: 31 }, { a: 32 }]);
    },
  },
  {
    name: "a write that fails is a 400 with the database's message, and rolls back the whole script",
    ...sql("INSERT INTO t (a) VALUES (40); INSERT INTO t (a) VALUES (null)"),
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      failed(
        onPostgres()
          ? 'null value in column "a" of relation "t" violates not-null constraint (23502)'
          : "constraint failed: NOT NULL constraint failed: t.a (1299)",
      ),
    ],
    afterTest: async (t) => {
      expect(await rowsOf(t, "SELECT a FROM t WHERE a = 40")).toEqual([]);
    },
  },
  {
    name: "a syntax error is a 400 with the database's message",
    ...sql("SELEC 1"),
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      failed(
        onPostgres() ? 'syntax error at or near "SELEC" (42601)' : 'SQL logic error: near "SELEC": syntax error (1)',
      ),
    ],
  },
  {
    name: "parameters are never bound",
    ...sql("SELECT * FROM t WHERE a = :a"),
    auth: "superuser",
    expectedStatus: 400,
    // PostgreSQL has no named parameters: the name is a syntax error there
    expectedContent: [failed(onPostgres() ? 'syntax error at or near ":" (42601)' : 'missing named argument "a"')],
  },
  {
    name: "at most 1000 rows, even from a statement that never ends",
    ...sql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"),
    auth: "superuser",
    expectedStatus: 200,
    afterTest: (_t, res) => {
      const rows = (res.json as { rows: string[][] }).rows;
      expect(rows.length).toBe(1000);
      expect(rows.at(-1)).toEqual(["1000"]);
    },
  },
  {
    name: "a query is required",
    method: "POST",
    url: "/api/sql",
    body: {},
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      '{"data":{"query":{"code":"validation_required","message":"Cannot be blank."}},"message":"An error occurred while validating the submitted data.","status":400}',
    ],
  },
  {
    name: "a blank query is empty",
    ...sql(" \n "),
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [failed("empty query")],
  },
  {
    name: "a query is at most 5000 bytes",
    ...sql(`SELECT 1 ${"é".repeat(2496)}`),
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      '"query":{"code":"validation_length_too_long","message":"The length must be no more than 5000.","params":{"max":5000,"min":0}}',
    ],
  },
  {
    name: "a body that isn't the form is a 400",
    method: "POST",
    url: "/api/sql",
    body: '{"query": 5}',
    headers: { "content-type": "application/json" },
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['"message":"An error occurred while loading the submitted data."'],
  },
]);

test("a statement that would run forever is stopped at the time limit, and the server goes on", async () => {
  const t = await newTestApp({ driver: { scriptTimeoutMs: 3000 } });
  try {
    const { upsertSuperuser } = await import("../../src/cmd/superuser.ts");
    await upsertSuperuser(t.app, "root@example.com", "S3cret-pass-123");
    const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";
    let stopped = false;
    const running = Promise.all([
      send(t.app, { ...sql(`${endless} SELECT count(*) FROM c`), auth: "superuser" }),
      send(t.app, {
        ...sql(`CREATE TABLE r (x INTEGER); ${endless} INSERT INTO r SELECT x FROM c`),
        auth: "superuser",
      }),
    ]).finally(() => {
      stopped = true;
    });
    await Bun.sleep(200);
    // other requests are answered while both scripts still run (not after the time limit stopped them)
    expect((await send(t.app, { url: "/api/health" })).status).toBe(200);
    const list = await send(t.app, { url: "/api/collections/users/records", auth: "superuser" });
    expect(list.status).toBe(200);
    expect(stopped).toBe(false);
    for (const res of await running) {
      expect(res.status).toBe(400);
      expect(res.text).toContain(failed("the script ran past the 3s time limit and was stopped"));
    }
    expect(await t.app.hasTable("r")).toBe(false);
    expect((await send(t.app, { ...sql("SELECT 1"), auth: "superuser" })).status).toBe(200);
  } finally {
    await t.cleanup();
  }
});

test("the official SDK runs queries (pb.sql.run)", async () => {
  const s = await startTestServer();
  try {
    const res = await s.pb.sql.run("SELECT 1 AS one, NULL AS none");
    expect(res).toMatchObject({
      affectedRows: 0,
      columns: [
        { name: "one", type: onPostgres() ? "INTEGER" : "", nullable: true },
        { name: "none", type: onPostgres() ? "TEXT" : "", nullable: true },
      ],
      rows: [["1", null]],
    });
    const err = await s
      .client()
      .sql.run("SELECT 1")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
  } finally {
    await s.stop();
  }
});
