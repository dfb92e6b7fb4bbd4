import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { driverConformance } from "./driver.suite.ts";

const dir = mkdtempSync(join(tmpdir(), "satchel-sqlite-suite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// one database file for the file's tests, as on PostgreSQL: each test's tables have their own names
const file = join(dir, "data.db");

driverConformance({
  name: "SQLite",
  open: async (options) => new SqliteDriver(file, options),
  openCopy: async (path) => new SqliteDriver(path),
});

test("a transaction whose body waits on nothing commits before it returns; a pending one holds the writer", async () => {
  const db = new SqliteDriver(join(dir, "sync-tx.db"));
  try {
    await db.exec("CREATE TABLE t (n INTEGER)");
    // a body that ends at once: committed already when transaction() returns, nothing left to wait for
    // (a body that waits on a reaction holds the writer until it ends)
    expect(await db.transaction((tx) => tx.run("INSERT INTO t (n) VALUES (1)").then(() => 1))).toBe(1);
    const atOnce = db.transaction((tx) => {
      void tx.run("INSERT INTO t (n) VALUES (2)");
      return Promise.resolve(2);
    });
    expect(Bun.peek.status(atOnce)).toBe("fulfilled");
    expect(await atOnce).toBe(2);
    // one that fails at once is rolled back at once
    const failed = db.transaction((tx) => {
      void tx.run("INSERT INTO t (n) VALUES (3)");
      return Promise.reject(new Error("refused"));
    });
    expect(Bun.peek.status(failed)).toBe("rejected");
    await expect(failed).rejects.toThrow("refused");
    // a pending body keeps the writer: a write sent meanwhile runs after its commit, outside of it
    let finish!: () => void;
    const pending = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (n) VALUES (4)");
      await new Promise<void>((r) => {
        finish = r;
      });
      await tx.run("INSERT INTO t (n) VALUES (5)");
    });
    const outside = db.run("INSERT INTO t (n) VALUES (6)");
    await Bun.sleep(1);
    expect(Bun.peek.status(outside)).toBe("pending");
    finish();
    await pending;
    await outside;
    const rows = await db.all<{ n: number }>("SELECT n FROM t ORDER BY rowid");
    expect(rows.map((r) => r.n)).toEqual([1, 2, 4, 5, 6]);
  } finally {
    await db.close();
  }
});
