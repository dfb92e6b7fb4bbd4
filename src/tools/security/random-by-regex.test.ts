import { expect, test } from "bun:test";
import { GoRegexp } from "../regexp/regexp.ts";
import { RegexpSyntaxError } from "../regexp/syntax.ts";
import { RegexpGenerateError, randomStringByRegex } from "./random-by-regex.ts";

function samples(pattern: string, n = 200): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(randomStringByRegex(pattern));
  return out;
}

function lengths(pattern: string): number[] {
  return [...new Set([...samples(pattern)].map((s) => [...s].length))].sort((a, b) => a - b);
}

test("generated values match their pattern", () => {
  for (const pattern of [
    "[a-z0-9]{15}",
    "[A-Z]{3}-\\d{4}",
    "(foo|bar)_[a-f]+",
    "\\pN{4}",
    "[^a-z]{5}",
    "x(?:ab|cd)*y",
  ]) {
    const re = GoRegexp.compile(`^(?:${pattern})$`);
    for (const value of samples(pattern, 50)) expect([pattern, value, re.test(value)]).toEqual([pattern, value, true]);
  }
});

// PocketBase draws repetition counts from [min, max), caps open repetitions at 5 and never emits `?`
test("repetition counts follow PocketBase's generator", () => {
  expect(lengths("x{2,5}")).toEqual([2, 3, 4]);
  expect(lengths("x*")).toEqual([0, 1, 2, 3, 4, 5]);
  expect(lengths("x+")).toEqual([1, 2, 3, 4, 5]);
  expect(lengths("x{3,}")).toEqual([3, 4, 5]);
  expect(lengths("x{8,}")).toEqual([8]);
  expect(samples("a?b")).toEqual(new Set(["b"]));
  expect(samples("a{0,1}b")).toEqual(new Set(["b"]));
});

test("dots are letters or digits; case-insensitive literals come out upper case", () => {
  for (const value of samples(".{20}", 20)) expect(value).toMatch(/^[A-Za-z0-9]{20}$/);
  expect(samples("(?i)abc")).toEqual(new Set(["ABC"]));
  expect(samples("[aA]{3}")).toEqual(new Set(["AAA"]));
  expect(samples("(?i)[k]", 300)).toEqual(new Set(["K", "k", "\u212a"]));
});

test("anchors, boundaries and empty alternatives can't be generated", () => {
  const unsupported: [string, string][] = [
    ["^[a-z]{5}$", "unsupported pattern operator 9"],
    ["[a-z]$", "unsupported pattern operator 10"],
    ["\\b[a-z]", "unsupported pattern operator 11"],
    ["(?m)^a", "unsupported pattern operator 7"],
    ["()", "unsupported pattern operator 2"],
    ["[^\\x00-\\x{10FFFF}]", "no runes to choose from"],
  ];
  for (const [pattern, message] of unsupported) {
    expect(() => randomStringByRegex(pattern)).toThrow(RegexpGenerateError);
    expect(() => randomStringByRegex(pattern)).toThrow(message);
  }
  expect(() => randomStringByRegex("[a-")).toThrow(RegexpSyntaxError);
});

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

// a small class is drawn from a table of its characters, a large one range by range: both write Go's U+FFFD for
// a surrogate, and give every other character of the class
test("a class holding surrogates gives U+FFFD for them, whether drawn from a table or range by range", () => {
  const small = samples("[\\x{D7F0}-\\x{D80F}]", 600);
  const expected = new Set(Array.from({ length: 16 }, (_, i) => String.fromCodePoint(0xd7f0 + i)));
  expected.add("\ufffd");
  expect(small).toEqual(expected);
  for (const value of samples("[\\x{D000}-\\x{E0FF}]{3}", 300)) {
    for (const ch of value) {
      const cp = ch.codePointAt(0) as number;
      expect(cp === 0xfffd || (cp >= 0xd000 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xe0ff)).toBe(true);
    }
  }
});
