import { expect, test } from "bun:test";
import { toUniqueStringList } from "../../src/tools/types/cast.ts";

// Relation and select values as they are read back from the database (JSON array text): a list that is
// already distinct non-empty strings is taken as parsed, anything else is cleaned as any other input.

test("a stored list is read as it is, an empty one as no items", () => {
  expect(toUniqueStringList('["b","a"]')).toEqual(["b", "a"]);
  expect(toUniqueStringList("[]")).toEqual([]);
  expect(toUniqueStringList("")).toEqual([]);
});

test("duplicates, empty items and non-strings in a stored list are cleaned", () => {
  expect(toUniqueStringList('["a","","a","b"]')).toEqual(["a", "b"]);
  expect(toUniqueStringList('[1,"a",true]')).toEqual(["1", "a", "true"]);
  const long = Array.from({ length: 20 }, (_, i) => `v${i % 18}`);
  expect(toUniqueStringList(JSON.stringify(long))).toEqual(Array.from({ length: 18 }, (_, i) => `v${i}`));
});

test("a value that isn't a JSON array is one item", () => {
  expect(toUniqueStringList("plain")).toEqual(["plain"]);
  expect(toUniqueStringList("[not json")).toEqual(["[not json"]);
  expect(toUniqueStringList('{"a":1}')).toEqual(['{"a":1}']);
});
