import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canInsertInBackground, RowsRefusedError } from "../../src/db/driver.ts";
import { type PackedRows, PackedRowsWriter } from "../../src/db/packed-rows.ts";
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

/** rows packs (id, `v<id>`) for each id. */
function rows(ids: readonly number[]): PackedRows {
  const w = new PackedRowsWriter(["number", "text"], { maxBytes: 1 << 30 });
  for (const id of ids) {
    w.number(id);
    w.text(`v${id}`);
    w.endRow();
  }
  return w.take();
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const columns = ["id", "v"];

test("background inserts commit in order while the main connection keeps answering", async () => {
  const d = await newDriver();
  expect(canInsertInBackground(d)).toBe(true);
  const batch = rows(range(1, 60));
  const first = d.insertRowsInBackground("t", columns, batch);
  // the rows' buffers went to the worker thread, not a copy of them
  expect(batch.text.byteLength).toBe(0);
  const second = d.insertRowsInBackground("t", columns, rows(range(61, 140)));
  expect(await d.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  await Promise.all([first, second]);
  const stored = await d.all<{ id: number; v: string }>("SELECT id, v FROM t ORDER BY id");
  expect(stored).toEqual(range(1, 200).map((id) => ({ id, v: `v${id}` })));
  await d.close();
});

test("a refused row costs only itself: the batch's other rows are written, on the worker and inline", async () => {
  const d = await newDriver();
  // on the worker thread (50 rows or more): the last row repeats the first's id
  const refused = await d.insertRowsInBackground("t", columns, rows([...range(1, 99), 1])).then(
    () => null,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(RowsRefusedError);
  expect((refused as RowsRefusedError).refused).toBe(1);
  expect((refused as RowsRefusedError).message).toMatch(/1 of 100 rows refused.*UNIQUE/);
  expect(await d.get("SELECT COUNT(*) AS n, MAX(id) AS high FROM t")).toEqual({ n: 99, high: 99 });
  // inline (a small batch): two refused in the middle
  await expect(d.insertRowsInBackground("t", columns, rows([500, 5, 501, 6, 502]))).rejects.toThrow(
    /2 of 5 rows refused/,
  );
  expect(await d.all("SELECT id FROM t WHERE id >= 500 ORDER BY id")).toEqual([{ id: 500 }, { id: 501 }, { id: 502 }]);
  await d.insertRowsInBackground("t", columns, rows(range(1000, 50)));
  expect(await d.get("SELECT COUNT(*) AS n FROM t")).toEqual({ n: 152 });
  // a failure that is no row's (no such table) writes nothing and is no RowsRefusedError
  const failed = await d.insertRowsInBackground("missing", columns, rows(range(1, 60))).then(
    () => null,
    (err: unknown) => err,
  );
  expect(failed).toBeInstanceOf(Error);
  expect(failed).not.toBeInstanceOf(RowsRefusedError);
  expect(String(failed)).toMatch(/no such table/);
  // inline too: no row is tried on its own
  const small = await d.insertRowsInBackground("missing", columns, rows(range(1, 5))).then(
    () => null,
    (err: unknown) => err,
  );
  expect(small).not.toBeInstanceOf(RowsRefusedError);
  expect(String(small)).toMatch(/no such table/);
  await d.close();
});

test("close waits for the inserts sent before it, then releases the file", async () => {
  const d = await newDriver();
  const pending = d.insertRowsInBackground("t", columns, rows(range(1, 5000)));
  await d.close();
  await pending;
  const again = new SqliteDriver(join(dirs.at(-1) as string, "t.db"));
  expect(await again.get("SELECT COUNT(*) AS n FROM t")).toEqual({ n: 5000 });
  // the worker's connection is gone: a write transaction starts at once
  await again.run("INSERT INTO t (id, v) VALUES (10000, 'x')");
  await again.close();
  await expect(d.insertRowsInBackground("t", columns, rows(range(1, 50)))).rejects.toThrow(/closed/);
});

test("a small batch is inserted at once on the driver's own connection", async () => {
  const d = await newDriver();
  const batch = rows(range(1, 3));
  await d.insertRowsInBackground("t", columns, batch);
  expect(batch.text.byteLength).toBeGreaterThan(0);
  expect(await d.get("SELECT COUNT(*) AS n FROM t")).toEqual({ n: 3 });
  await d.close();
});

test("texts written together end where each value ends, and say whether all were ASCII", () => {
  const values = ["GET", "", "/a?b=1", "agent é 日本 😀", "", "x"];
  for (const set of [
    values,
    values.map((v) => [...v].map((c) => ((c.codePointAt(0) ?? 0) < 128 ? c : "?")).join("")),
  ]) {
    const w = new PackedRowsWriter(["number", ...set.map(() => "text" as const)], { maxBytes: 1 << 20 });
    w.number(1);
    // true only for the set made ASCII
    expect(w.texts(set)).toBe(set !== values);
    expect(w.endRow()).toBe(true);
    const packed = w.take();
    const decoder = new TextDecoder();
    const read: string[] = [];
    for (let i = 1, start = 0; i <= set.length; i++) {
      const end = packed.cells[i] as number;
      read.push(decoder.decode(packed.text.subarray(start, end)));
      start = end;
    }
    expect(read).toEqual(set);
  }
});

test("texts written together that don't fit drop their row only", () => {
  const w = new PackedRowsWriter(["text", "text"], { maxBytes: 16, initialBytes: 8 });
  w.texts(["abc", "def"]);
  expect(w.endRow()).toBe(true);
  w.texts(["01234567", "89abcdef"]);
  expect(w.endRow()).toBe(false);
  const packed = w.take();
  expect(packed.count).toBe(1);
  expect([...packed.cells]).toEqual([3, 6]);
});

test("text and texts grow the buffer up to maxBytes, then drop the row that passes it", () => {
  const w = new PackedRowsWriter(["text", "text"], { maxBytes: 40, initialBytes: 4 });
  w.texts(["hél", "lo日本"]);
  expect(w.endRow()).toBe(true);
  w.text("0123456789");
  w.text("é");
  expect(w.endRow()).toBe(true);
  w.text("0123456789");
  w.text("0123456789");
  expect(w.endRow()).toBe(false);
  const packed = w.take();
  expect(packed.count).toBe(2);
  expect(Buffer.from(packed.text).toString()).toBe("héllo日本0123456789é");
  expect([...packed.cells]).toEqual([4, 12, 22, 24]);
});
