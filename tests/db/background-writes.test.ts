import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canWriteInBackground } from "../../src/db/driver.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";

const dirs: string[] = [];
async function newDriver(): Promise<SqliteDriver> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-background-"));
  dirs.push(dir);
  const d = new SqliteDriver(join(dir, "t.db"));
  await d.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  return d;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const insert = (id: number, v: string | null) => ({ text: "INSERT INTO t (id, v) VALUES (?, ?)", params: [id, v] });

test("background writes commit in order while the main connection keeps answering", async () => {
  const d = await newDriver();
  expect(canWriteInBackground(d)).toBe(true);
  const first = d.writeInBackground([insert(1, "a"), insert(2, "b")]);
  const second = d.writeInBackground([insert(3, "c")]);
  expect(await d.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  await Promise.all([first, second]);
  expect(await d.all("SELECT id, v FROM t ORDER BY id")).toEqual([
    { id: 1, v: "a" },
    { id: 2, v: "b" },
    { id: 3, v: "c" },
  ]);
  await d.close();
});

test("a failing statement rolls its whole transaction back and rejects; later writes go on", async () => {
  const d = await newDriver();
  await expect(d.writeInBackground([insert(1, "kept?"), insert(2, null)])).rejects.toThrow(/NOT NULL/);
  await d.writeInBackground([insert(3, "after")]);
  expect(await d.all("SELECT id FROM t ORDER BY id")).toEqual([{ id: 3 }]);
  await d.close();
});

test("close waits for the writes sent before it, then releases the file", async () => {
  const d = await newDriver();
  const rows = Array.from({ length: 500 }, (_, i) => insert(i + 1, `v${i}`));
  const pending = d.writeInBackground(rows);
  await d.close();
  await pending;
  const again = new SqliteDriver(join(dirs.at(-1) as string, "t.db"));
  expect(await again.get("SELECT COUNT(*) AS n FROM t")).toEqual({ n: 500 });
  // the worker's connection is gone: a write transaction starts at once
  await again.run("INSERT INTO t (id, v) VALUES (1000, 'x')");
  await again.close();
  await expect(d.writeInBackground([insert(1, "late")])).rejects.toThrow(/closed/);
});
