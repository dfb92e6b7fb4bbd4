import { expect, test } from "bun:test";
import { EncodedQueue, stringifyLogData } from "./encoded-queue.ts";

const entry = (message: string, data: Record<string, unknown> = {}, level = 0, time = 1_700_000_000_123) => ({
  level,
  message,
  data,
  time,
});

test("logs come back as they went in, data as JSON, in order, whatever their characters", () => {
  const q = new EncodedQueue(1 << 20, 16);
  const messages = ["GET /api/a", "", "été ☃ 😀", "x".repeat(5000)];
  messages.forEach((m, i) => {
    expect(q.push(entry(m, { i, text: m }, i - 4, 1000 + i))).toBe(true);
  });
  expect(q.length).toBe(4);
  expect(q.drain()).toEqual(
    messages.map((m, i) => ({ time: 1000 + i, level: i - 4, message: m, data: JSON.stringify({ i, text: m }) })),
  );
  expect(q.length).toBe(0);
  expect(q.drain()).toEqual([]);
  // the queue is reused after a drain
  q.push(entry("again"));
  expect(q.drain().map((l) => l.message)).toEqual(["again"]);
});

test("a lone surrogate is stored as the replacement character, not as broken UTF-8", () => {
  const q = new EncodedQueue(1 << 20);
  q.push(entry("a\ud800b"));
  expect(q.drain()[0]?.message).toBe("a\ufffdb");
});

test("a log that would pass the byte limit is refused, the others kept", () => {
  const q = new EncodedQueue(100, 16);
  expect(q.push(entry("small"))).toBe(true);
  expect(q.push(entry("y".repeat(200)))).toBe(false);
  expect(q.drain().map((l) => l.message)).toEqual(["small"]);
});

test("data that can't be serialized is replaced by the reason", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(JSON.parse(stringifyLogData(cyclic))).toEqual({ logDataError: expect.stringContaining("cyclic") });
  expect(JSON.parse(stringifyLogData({ n: 10n }))).toEqual({ logDataError: expect.any(String) });
  expect(stringifyLogData({ a: 1 })).toBe('{"a":1}');
});
