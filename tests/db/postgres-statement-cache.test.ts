import { expect, test } from "bun:test";
import { StatementCache } from "../../src/db/postgres/statement-cache.ts";

// Which statement texts run prepared: from a text's second run, while it is recent, and no more new ones a
// window than the admissions allow, so that a client making up filters can't fill the server's memory with
// prepared statements on every connection.

test("a text runs prepared from its second run, while it is among the most recently used", () => {
  const cache = new StatementCache(3);
  expect([cache.prepare("a"), cache.prepare("a"), cache.prepare("a")]).toEqual([false, true, true]);
  for (const t of ["b", "c", "d"]) cache.prepare(t);
  // "a" fell out of the three most recent: it starts over
  expect([cache.prepare("a"), cache.prepare("a")]).toEqual([false, true]);
});

test("past a window's admissions, new texts run unnamed until the window has passed; admitted ones stay", () => {
  let now = 0;
  const cache = new StatementCache(100, 2, 1000, () => now);
  // a text's second run says whether it runs prepared
  const twice = (t: string) => {
    cache.prepare(t);
    return cache.prepare(t);
  };
  expect([twice("a"), twice("b"), twice("c"), twice("d")]).toEqual([true, true, false, false]);
  expect(cache.prepare("a")).toBe(true);
  now = 999;
  expect(cache.prepare("c")).toBe(false);
  now = 1000;
  // a new window: the admissions start again, for any text
  expect([cache.prepare("c"), cache.prepare("d"), cache.prepare("a")]).toEqual([true, true, false]);
  now = 2500;
  expect(cache.prepare("a")).toBe(true);
});
