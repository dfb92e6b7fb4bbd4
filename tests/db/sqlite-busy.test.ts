import { afterEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { retryBusy } from "../../src/db/sqlite/busy.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";

/**
 * Two drivers on one file stand for two processes (`serve --workers`): a write waits for the other's write
 * lock without an SQLITE_BUSY reaching the caller, and without stopping the event loop while it waits.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function twoDrivers(): Promise<[SqliteDriver, SqliteDriver]> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-busy-"));
  dirs.push(dir);
  const a = new SqliteDriver(join(dir, "t.db"));
  await a.exec("CREATE TABLE t (n INTEGER)");
  return [a, new SqliteDriver(join(dir, "t.db"))];
}

test("a transaction waits for another connection's transaction, and the event loop keeps running meanwhile", async () => {
  const [a, b] = await twoDrivers();
  const held = Promise.withResolvers<void>();
  const first = a.transaction(async (tx) => {
    await tx.run("INSERT INTO t VALUES (1)");
    await held.promise;
  });
  await Bun.sleep(10);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  let waited = true;
  const second = b
    .transaction(async (tx) => {
      await tx.run("INSERT INTO t VALUES (2)");
    })
    .finally(() => {
      waited = false;
    });
  const plain = b.run("INSERT INTO t VALUES (3)");
  try {
    // timers keep firing while the second transaction waits (a wait in SQLite's busy handler would stop them)
    for (let i = 0; i < 500 && ticks <= 10; i++) await Bun.sleep(10);
    expect(ticks).toBeGreaterThan(10);
    expect(waited).toBe(true);
  } finally {
    // a failed check must not leave the waiting writes to fail later, inside another test
    held.resolve();
    await Promise.allSettled([first, second, plain]);
  }
  await Promise.all([first, second, plain]);
  clearInterval(timer);
  expect(await b.all("SELECT n FROM t ORDER BY n")).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await a.close();
  await b.close();
});

test("the wait is bounded: past it the caller gets SQLITE_BUSY; other errors are not retried", async () => {
  let calls = 0;
  const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
  await expect(
    retryBusy(() => {
      calls++;
      throw busy;
    }, 50),
  ).rejects.toBe(busy);
  // tried again at least once before giving up (how many times depends on the machine's load)
  expect(calls).toBeGreaterThan(1);
  calls = 0;
  const other = Object.assign(new Error("no such table"), { code: "SQLITE_ERROR" });
  await expect(
    retryBusy(() => {
      calls++;
      throw other;
    }),
  ).rejects.toBe(other);
  expect(calls).toBe(1);
});
