import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";

/**
 * Code can outlive its transaction: a batch stopped at its timeout is rolled back while a sub-request is
 * still running. What that code does afterwards must not reach the next transaction on the connection.
 */

let dir: string;
let db: SqliteDriver;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-tx-"));
  db = new SqliteDriver(join(dir, "data.db"));
  await db.exec("CREATE TABLE t (v TEXT)");
});

afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

test("a savepoint left open by an ended transaction touches neither the next transaction nor its savepoints", async () => {
  let resume!: () => void;
  const paused = new Promise<void>((r) => {
    resume = r;
  });
  let stale: Promise<unknown> = Promise.resolve();
  await db
    .transaction(async (tx) => {
      stale = tx
        .transaction(async (sp) => {
          await sp.run("INSERT INTO t VALUES ('stale')");
          await paused;
        })
        .catch((err: unknown) => err);
      // the transaction ends (rolled back) while its savepoint's code still waits
      throw new Error("stopped");
    })
    .catch(() => {});

  await db.transaction(async (tx) => {
    await tx.transaction(async (sp) => {
      await sp.run("INSERT INTO t VALUES ('a')");
      // the stale savepoint (named as this one) resumes: its release must not release this savepoint
      resume();
      expect(String(await stale)).toContain("already finished");
      await sp.run("INSERT INTO t VALUES ('b')");
    });
    // nor may a failing stale savepoint roll this transaction back to it
    await tx.run("INSERT INTO t VALUES ('c')");
  });
  expect(await db.all("SELECT v FROM t ORDER BY v")).toEqual([{ v: "a" }, { v: "b" }, { v: "c" }]);
});

test("a statement of an ended transaction fails instead of running in the next one", async () => {
  let late: (() => Promise<unknown>) | null = null;
  await db
    .transaction(async (tx) => {
      late = () => tx.run("INSERT INTO t VALUES ('late')");
      throw new Error("stopped");
    })
    .catch(() => {});
  await db.transaction(async (tx) => {
    await expect(late?.()).rejects.toThrow("already finished");
    await tx.run("INSERT INTO t VALUES ('own')");
  });
  expect(await db.all("SELECT v FROM t")).toEqual([{ v: "own" }]);
});
