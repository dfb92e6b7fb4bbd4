import { expect, test } from "bun:test";
import { randomStringByRegex } from "../../src/tools/security/random-by-regex.ts";

test("generated ids match their pattern, are uniform over the class and never repeat, across refills of the random pool", () => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  // 2,000 ids take 30,000 random words: the pool of 256 is refilled about 117 times
  for (let i = 0; i < 2000; i++) {
    const id = randomStringByRegex("[a-z0-9]{15}");
    expect(id).toMatch(/^[a-z0-9]{15}$/);
    seen.add(id);
    for (const ch of id) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  expect(seen.size).toBe(2000);
  // 30,000 characters over 36: about 833 each; a uniform source stays well within ±25%
  expect([...counts.keys()].sort().join("")).toBe([...alphabet].sort().join(""));
  for (const n of counts.values()) {
    expect(n).toBeGreaterThan(625);
    expect(n).toBeLessThan(1042);
  }
});

test("a range's count is drawn from [min, max), every count of it in turn", () => {
  const lengths = new Set<number>();
  for (let i = 0; i < 500; i++) {
    const s = randomStringByRegex("x[a-c]{2,5}");
    expect(s).toMatch(/^x[a-c]{2,4}$/);
    lengths.add(s.length - 1);
  }
  expect([...lengths].sort()).toEqual([2, 3, 4]);
});
