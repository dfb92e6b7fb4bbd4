import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptError, type ScriptOptions } from "../../src/db/driver.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";

const dirs: string[] = [];
async function tempDb(options: ConstructorParameters<typeof SqliteDriver>[1] = {}): Promise<SqliteDriver> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-scripts-"));
  dirs.push(dir);
  const d = new SqliteDriver(join(dir, "t.db"), options);
  await d.exec(
    "CREATE TABLE t (a INTEGER NOT NULL, b TEXT, d DATETIME); INSERT INTO t VALUES (1, 'x', 'y'), (2, NULL, NULL)",
  );
  return d;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const query: ScriptOptions = { mode: "query", maxRows: 1000, maxBytes: 1 << 20 };
const exec: ScriptOptions = { ...query, mode: "exec" };

/** failure is the ScriptError message of a script that must fail. */
async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ScriptError);
  return (err as Error).message;
}

const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";

/** The script processes still alive among a process's children (this one's by default). */
function scriptProcesses(parent = process.pid): number[] {
  const pids = readdirSync(`/proc/${parent}/task`).flatMap((task) =>
    readFileSync(`/proc/${parent}/task/${task}/children`, "utf8").split(" ").filter(Boolean),
  );
  return pids.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("executeScript");
    } catch {
      return false;
    }
  });
}

test("query mode: the rows of the last statement that returned some, integers as bigint, declared types", async () => {
  const d = await tempDb();
  expect(await d.runScript("SELECT a, b, d, a + 0.5 AS half FROM t", query)).toEqual({
    columns: [
      { name: "a", type: "INTEGER" },
      { name: "b", type: "TEXT" },
      { name: "d", type: "DATETIME" },
      { name: "half", type: "" },
    ],
    rows: [
      [1n, "x", "y", 1.5],
      [2n, null, null, 2.5],
    ],
    affectedRows: 0,
  });
  // repeated names keep every value
  expect((await d.runScript("SELECT a, b AS a, 7 AS a FROM t LIMIT 1", query)).rows).toEqual([[1n, "x", 7n]]);
  expect((await d.runScript("SELECT * FROM t x JOIN t y ON x.a = y.a LIMIT 1", query)).rows).toEqual([
    [1n, "x", "y", 1n, "x", "y"],
  ]);
  // several statements: the last that returned rows, unless the script ends with one that returned none
  expect((await d.runScript("SELECT 1; SELECT 2", query)).rows).toEqual([[2n]]);
  expect(await d.runScript("SELECT 1; DELETE FROM t WHERE 0", query)).toEqual({
    columns: [],
    rows: [],
    affectedRows: 0,
  });
  expect((await d.runScript("SELECT 1; DELETE FROM t WHERE 0; ", query)).rows).toEqual([[1n]]);
  expect((await d.runScript("SELECT 1 WHERE 0; SELECT 2", query)).rows).toEqual([[2n]]);
  expect(await d.runScript("-- only a comment", query)).toEqual({ columns: [], rows: [], affectedRows: 0 });
  // a write in query mode runs (under the writer lock) and answers no rows
  expect((await d.runScript("/* x */ INSERT INTO t (a) VALUES (3)", query)).rows).toEqual([]);
  expect(await d.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 3 }]);
  await d.close();
});

test("query mode reads at most maxRows rows and maxBytes of values, even from an endless statement", async () => {
  const d = await tempDb();
  const res = await d.runScript(`${endless} SELECT x FROM c`, { ...query, maxRows: 5 });
  expect(res.rows).toEqual([[1n], [2n], [3n], [4n], [5n]]);
  expect(await failure(d.runScript("SELECT randomblob(400000) FROM t, t", query))).toBe(
    "the result is larger than 1 MiB: select fewer rows or columns",
  );
  await d.close();
});

test("exec mode: all statements in one transaction, the rows the last write changed", async () => {
  const d = await tempDb();
  expect(await d.runScript("INSERT INTO t (a) VALUES (10), (11); INSERT INTO t (a) VALUES (12)", exec)).toEqual({
    columns: [],
    rows: [],
    affectedRows: 1,
  });
  expect((await d.runScript("DELETE FROM t WHERE a >= 11; SELECT 1", exec)).affectedRows).toBe(2);
  expect(await failure(d.runScript("INSERT INTO t (a) VALUES (20); INSERT INTO nope VALUES (1)", exec))).toBe(
    "SQL logic error: no such table: nope (1)",
  );
  expect(await d.all("SELECT a FROM t ORDER BY a")).toEqual([{ a: 1 }, { a: 2 }, { a: 10 }]);
  await d.close();
});

test("failures are worded as PocketBase's SQLite driver words them; parameters are never bound", async () => {
  const d = await tempDb();
  expect(await failure(d.runScript("SELEC 1", query))).toBe('SQL logic error: near "SELEC": syntax error (1)');
  expect(await failure(d.runScript("INSERT INTO t (a) VALUES (NULL)", exec))).toBe(
    "constraint failed: NOT NULL constraint failed: t.a (1299)",
  );
  expect(await failure(d.runScript("SELECT ?", query))).toBe("missing argument with index 1");
  expect(await failure(d.runScript("SELECT ?2", query))).toBe("missing argument with index 1");
  expect(await failure(d.runScript("SELECT ':x', @name", query))).toBe('missing named argument "name"');
  expect(await failure(d.runScript("SELECT 1; SELECT $b", query))).toBe('missing named argument "b"');
  await d.close();
});

test("a runaway script is stopped at the time limit; the server reads and writes meanwhile", async () => {
  const d = await tempDb({ scriptTimeoutMs: 3000 });
  const started = performance.now();
  let stopped = 0;
  const read = failure(d.runScript(`${endless} SELECT count(*) FROM c`, query)).finally(() => stopped++);
  const write = failure(d.runScript(`${endless} INSERT INTO t (a) SELECT x FROM c`, exec)).finally(() => stopped++);
  for (let i = 0; i < 500 && scriptProcesses().length < 2; i++) await Bun.sleep(20);
  expect(scriptProcesses().length).toBe(2);
  // reads don't wait for the scripts: answered while both still run
  expect(await d.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 2 }]);
  expect(stopped).toBe(0);
  // a write waits for the writing script to be stopped, then goes through
  await d.run("INSERT INTO t (a) VALUES (99)");
  const limit = "the script ran past the 3s time limit and was stopped";
  expect(await read).toBe(limit);
  expect(await write).toBe(limit);
  // stopped at the limit, not left to run (the endless queries never end on their own)
  expect(performance.now() - started).toBeLessThan(15_000);
  // the stopped write left nothing behind, and the script processes are gone
  expect(await d.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 3 }]);
  expect(scriptProcesses()).toEqual([]);
  await d.close();
});

test("scripts beyond maxScripts wait for their turn within their own time limit", async () => {
  const d = await tempDb({ scriptTimeoutMs: 800, maxScripts: 1 });
  const first = failure(d.runScript(`${endless} SELECT count(*) FROM c`, query));
  const second = failure(d.runScript("SELECT 1", query));
  expect(await second).toBe("the script ran past the 0.8s time limit and was stopped");
  await first;
  expect((await d.runScript("SELECT 1", query)).rows).toEqual([[1n]]);
  await d.close();
});

test("closing the driver kills the running scripts", async () => {
  const d = await tempDb({ scriptTimeoutMs: 60_000 });
  const running = failure(d.runScript(`${endless} SELECT count(*) FROM c`, query));
  await Bun.sleep(200);
  await d.close();
  expect(await running).toContain("the script's process ended");
  expect(scriptProcesses()).toEqual([]);
});

test("a script whose server was killed kills itself, even in the middle of a statement", async () => {
  const d = await tempDb();
  await d.close();
  const path = join(dirs.at(-1) as string, "t.db");
  const driverModule = join(import.meta.dir, "../../src/db/sqlite/driver.ts");
  // a server that starts an endless write, then is killed before it can stop it
  const server = Bun.spawn(
    [
      process.execPath,
      "-e",
      `import { SqliteDriver } from ${JSON.stringify(driverModule)};
       const d = new SqliteDriver(${JSON.stringify(path)});
       void d.runScript(${JSON.stringify(`${endless} INSERT INTO t (a) SELECT x FROM c`)}, ${JSON.stringify(exec)});
       setInterval(() => {}, 1000);`,
    ],
    { stdout: "ignore", stderr: "inherit" },
  );
  let script: number | undefined;
  for (let i = 0; i < 200 && script === undefined; i++) {
    await Bun.sleep(50);
    script = scriptProcesses(server.pid)[0];
  }
  expect(script).toBeNumber();
  // past its start: busy in the statement, deaf to its IPC channel closing
  await Bun.sleep(800);
  server.kill("SIGKILL");
  await server.exited;
  const alive = () => {
    try {
      return !readFileSync(`/proc/${script}/status`, "utf8").includes("State:\tZ");
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && alive(); i++) await Bun.sleep(50);
  expect(alive()).toBe(false);
  // its write lock went with it
  const after = new SqliteDriver(path, { pragmas: ["PRAGMA busy_timeout = 500"] });
  await after.run("INSERT INTO t (a) VALUES (7)");
  expect(await after.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 3 }]);
  await after.close();
});

test("an in-memory database runs scripts in process; inside a transaction they run in it", async () => {
  const memory = new SqliteDriver(":memory:");
  await memory.exec("CREATE TABLE t (a)");
  expect((await memory.runScript("INSERT INTO t VALUES (1), (2)", exec)).affectedRows).toBe(2);
  expect((await memory.runScript("SELECT a FROM t", query)).rows).toEqual([[1n], [2n]]);
  await memory.close();

  const d = await tempDb();
  await d
    .transaction(async (tx) => {
      expect((await tx.runScript("INSERT INTO t (a) VALUES (5)", exec)).affectedRows).toBe(1);
      expect(await failure(tx.runScript("INSERT INTO t (a) VALUES (6); INSERT INTO t (a) VALUES (NULL)", exec))).toBe(
        "constraint failed: NOT NULL constraint failed: t.a (1299)",
      );
      expect((await tx.runScript("SELECT a FROM t WHERE a > 2", query)).rows).toEqual([[5n]]);
      throw new Error("roll it all back");
    })
    .catch(() => {});
  expect(await d.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 2 }]);
  await d.close();
});
