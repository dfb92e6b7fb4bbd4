import { expect, test } from "bun:test";
import {
  bytesToGoString,
  castString,
  formatFloat,
  formatFloatG,
  parseGoFloat,
  toBool,
  toFloat,
  toUniqueStringList,
} from "./cast.ts";

// expected values were produced by Go's strconv and spf13/cast, which PocketBase uses
test("formatFloat writes numbers as Go's FormatFloat(f, 'f', -1, 64), never with an exponent", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-1, "-1"],
    [1.5, "1.5"],
    [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"],
    [Number("123456789012345678901234567890"), "123456789012345680000000000000"],
    [1 / 3, "0.3333333333333333"],
    [-2.5e-10, "-0.00000000025"],
    [Number("9007199254740993"), "9007199254740992"],
    [12345.678e10, "123456780000000"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
  ];
  for (const [n, want] of cases) expect(formatFloat(n)).toBe(want);
});

test("castString keeps strings, formats scalars and drops everything else", () => {
  expect(castString("a")).toBe("a");
  expect(castString(1e21)).toBe("1000000000000000000000");
  expect(castString(true)).toBe("true");
  expect(castString(null)).toBe("");
  expect(castString(["a"])).toBe("");
  expect(castString({ a: 1 })).toBe("");
  expect(castString(new TextEncoder().encode("bytes"))).toBe("bytes");
});

test("parseGoFloat accepts exactly what Go's ParseFloat accepts", () => {
  const accepted: [string, number][] = [
    ["1_000", 1000],
    ["1_000.5", 1000.5],
    ["1.0_0", 1],
    ["0x1p4", 16],
    ["0x_1p4", 16],
    ["0X1P-2", 0.25],
    ["0x1.8p1", 3],
    ["1e5", 100000],
    ["+5", 5],
    [".5", 0.5],
    ["5.", 5],
    ["-.5e-3", -0.0005],
    ["017", 17],
    ["0_1", 1],
    ["1e-400", 0],
    ["-infinity", Number.NEGATIVE_INFINITY],
    ["+Inf", Number.POSITIVE_INFINITY],
  ];
  for (const [s, want] of accepted) expect(parseGoFloat(s)).toBe(want);
  expect(parseGoFloat("NaN")).toBeNaN();
  const refused = [
    "1__000",
    "_1",
    "1_",
    "0x10",
    "1e",
    "1e+",
    " 7",
    "7 ",
    ".",
    "infin",
    "+nan",
    "1e400",
    "0b101",
    "1,5",
  ];
  for (const s of refused) expect(parseGoFloat(s)).toBeNull();
  expect(parseGoFloat("")).toBeNull();
});

test("toFloat and toBool coerce request values like spf13/cast", () => {
  expect(toFloat("12.5")).toBe(12.5);
  expect(toFloat("abc")).toBe(0);
  expect(toFloat("1e400")).toBe(0);
  expect(toFloat(true)).toBe(1);
  expect(toFloat([1])).toBe(0);
  for (const s of ["1", "t", "T", "TRUE", "true", "True"]) expect(toBool(s)).toBe(true);
  for (const s of ["yes", "on", "tRUE", " true", "0", "false"]) expect(toBool(s)).toBe(false);
  expect(toBool(2)).toBe(true);
  expect(toBool(0)).toBe(false);
});

test("toUniqueStringList reads lists, JSON array text and single values", () => {
  expect(toUniqueStringList(["a", "a", "", "b"])).toEqual(["a", "b"]);
  expect(toUniqueStringList('["a","c"]')).toEqual(["a", "c"]);
  expect(toUniqueStringList('["a",')).toEqual(['["a",']);
  expect(toUniqueStringList("a")).toEqual(["a"]);
  expect(toUniqueStringList([1, 2])).toEqual(["1", "2"]);
  expect(toUniqueStringList(null)).toEqual([]);
  // plain texts are a list of themselves (an empty one of nothing), brackets or not
  expect(toUniqueStringList("")).toEqual([]);
  expect(toUniqueStringList("[]")).toEqual([]);
  expect(toUniqueStringList(" ")).toEqual([" "]);
  expect(toUniqueStringList("a]")).toEqual(["a]"]);
  expect(toUniqueStringList("a[b")).toEqual(["a[b"]);
  expect(toUniqueStringList('["a","a",""]')).toEqual(["a"]);
  expect(toUniqueStringList("[1]")).toEqual(["1"]);
  const list = toUniqueStringList("x");
  list.push("y");
  expect(toUniqueStringList("x")).toEqual(["x"]);
});

test("formatFloatG writes numbers as Go's FormatFloat(f, 'g', -1, 64)", () => {
  const cases: [number, string][] = [
    [1, "1"],
    [1.5, "1.5"],
    [100000, "100000"],
    [123456.7, "123456.7"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [-2.5e-300, "-2.5e-300"],
    [1 / 3, "0.3333333333333333"],
    [-0, "-0"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [Number.NaN, "NaN"],
  ];
  for (const [n, want] of cases) expect({ n, s: formatFloatG(n) }).toEqual({ n, s: want });
});

test("bytesToGoString keeps valid UTF-8 and writes U+FFFD for each byte that starts no valid sequence", () => {
  const cases: [number[], string][] = [
    [[0x41, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80], "Aé😀"],
    [[0x00, 0xff, 0x41], "\u0000\ufffdA"],
    // a truncated sequence: one U+FFFD per byte, where a WHATWG decoder writes one for both
    [[0xe2, 0x82, 0x41], "\ufffd\ufffdA"],
    [[0xf0, 0x9f, 0x98], "\ufffd\ufffd\ufffd"],
    // a UTF-16 surrogate, an overlong encoding, and a code point past U+10FFFF
    [[0xed, 0xa0, 0x80], "\ufffd\ufffd\ufffd"],
    [[0xc0, 0xaf], "\ufffd\ufffd"],
    [[0xf4, 0x90, 0x80, 0x80], "\ufffd\ufffd\ufffd\ufffd"],
    [[], ""],
  ];
  for (const [bytes, want] of cases) expect(bytesToGoString(new Uint8Array(bytes))).toBe(want);
});
