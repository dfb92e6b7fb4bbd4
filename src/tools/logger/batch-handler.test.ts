import { expect, test } from "bun:test";
import { type PackedRows, type PackedRowsWriter, packedChunks } from "../../db/packed-rows.ts";
import { BatchHandler, type BatchOptions } from "./batch-handler.ts";
import type { LogEntry } from "./logger.ts";

const entry = (message: string, level = 0): LogEntry => ({ level, message, data: {}, time: Date.now() });

/** Entries packed as their message alone. */
const messageRows = {
  types: ["text"] as const,
  pack: (e: LogEntry, rows: PackedRowsWriter) => {
    rows.text(e.message);
    return rows.endRow();
  },
};

/** messages unpacks a batch of messageRows. */
const messages = (rows: PackedRows): string[] =>
  packedChunks(rows, Number.POSITIVE_INFINITY).flatMap((c) => c.params.map(String));

/** A handler whose writes are recorded, and resolve when `release()` is called if `hold` is set. */
function recorded(options: Partial<BatchOptions> = {}, hold = false) {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const handler = new BatchHandler({
    ...messageRows,
    write: async (rows) => {
      if (hold) await new Promise<void>((r) => releases.push(r));
      batches.push(messages(rows));
    },
    ...options,
  });
  return { handler, batches, releases };
}

/** A promise settled after the tasks queued so far (setImmediate callbacks included). */
const nextTask = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

test("nothing is written on the caller's path; flush writes what waits, in order", async () => {
  const { handler, batches } = recorded();
  handler.write(entry("a"));
  handler.write(entry("b"));
  expect(batches).toEqual([]);
  expect(handler.pending).toBe(2);
  await handler.flush();
  expect(batches).toEqual([["a", "b"]]);
  expect(handler.pending).toBe(0);
  await handler.flush();
  expect(batches).toHaveLength(1);
});

test("a full batch is written from a later task, without a flush", async () => {
  const { handler, batches } = recorded({ batchSize: 3 });
  for (const m of ["a", "b", "c", "d"]) handler.write(entry(m));
  expect(batches).toEqual([]);
  await nextTask();
  expect(batches).toEqual([["a", "b", "c", "d"]]);
});

test("a partial batch is written after the flush interval", async () => {
  const { handler, batches } = recorded({ flushIntervalMs: 5 });
  handler.write(entry("a"));
  const written = new Promise<void>((resolve) => {
    const poll = () => (batches.length > 0 ? resolve() : setTimeout(poll, 1));
    poll();
  });
  await written;
  expect(batches).toEqual([["a"]]);
});

test("accept decides at each entry", async () => {
  let minLevel = 0;
  const { handler, batches } = recorded({ accept: (e) => e.level >= minLevel });
  handler.write(entry("debug", -4));
  handler.write(entry("info", 0));
  minLevel = 8;
  handler.write(entry("info later", 0));
  handler.write(entry("error", 8));
  await handler.flush();
  expect(batches).toEqual([["info", "error"]]);
});

test("one write at a time: a flush during a write waits for it, then writes the rest", async () => {
  const { handler, batches, releases } = recorded({}, true);
  handler.write(entry("a"));
  const first = handler.flush();
  await nextTask();
  handler.write(entry("b"));
  const second = handler.flush();
  await nextTask();
  expect(releases).toHaveLength(1);
  releases[0]?.();
  await first;
  await nextTask();
  expect(releases).toHaveLength(2);
  releases[1]?.();
  await second;
  expect(batches).toEqual([["a"], ["b"]]);
});

test("while writes stall, entries beyond maxPending are dropped and counted", async () => {
  const { handler, batches, releases } = recorded({ maxPending: 3, batchSize: 100 }, true);
  for (const m of ["a", "b", "c", "d", "e"]) handler.write(entry(m));
  expect(handler.pending).toBe(3);
  expect(handler.dropped).toBe(2);
  const flushed = handler.flush();
  await nextTask();
  releases[0]?.();
  await flushed;
  expect(batches).toEqual([["a", "b", "c"]]);
});

test("a failing write is reported, its entries dropped, and later writes go on", async () => {
  const failures: [string, number][] = [];
  let fail = true;
  const written: string[] = [];
  const handler = new BatchHandler({
    ...messageRows,
    write: async (rows) => {
      if (fail) throw new Error("disk full");
      written.push(...messages(rows));
    },
    onError: (err, count) => failures.push([String(err), count]),
  });
  handler.write(entry("a"));
  await handler.flush();
  fail = false;
  handler.write(entry("b"));
  await handler.flush();
  expect(failures).toEqual([["Error: disk full", 1]]);
  expect(written).toEqual(["b"]);
});

test("entries beyond maxPendingBytes are dropped too", async () => {
  const { handler, batches } = recorded({ maxPendingBytes: 64 });
  handler.write(entry("fits"));
  handler.write(entry("z".repeat(100)));
  expect(handler.dropped).toBe(1);
  await handler.flush();
  expect(batches).toEqual([["fits"]]);
});
