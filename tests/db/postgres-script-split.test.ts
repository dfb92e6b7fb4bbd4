import { expect, test } from "bun:test";
import { splitScript } from "../../src/db/postgres/script-split.ts";

test("a script is cut at the semicolons that end PostgreSQL statements", () => {
  expect(splitScript("SELECT 1; SELECT 2")).toEqual({ statements: ["SELECT 1", " SELECT 2"], endsWithStatement: true });
  expect(
    splitScript(
      "SELECT ';', \"a;b\", E'it\\'s;', 'x'';y'; /* a; /* nested; */ still; */ SELECT $$;$$, $fn$ a; $$ $fn$; -- c; d\nSELECT $1",
    ).statements,
  ).toEqual([
    "SELECT ';', \"a;b\", E'it\\'s;', 'x'';y'",
    " /* a; /* nested; */ still; */ SELECT $$;$$, $fn$ a; $$ $fn$",
    " -- c; d\nSELECT $1",
  ]);
  // a backslash only escapes in E'' strings
  expect(splitScript("SELECT 'a\\'; SELECT 2").statements).toEqual(["SELECT 'a\\'", " SELECT 2"]);
  // identifiers may hold $: no dollar quote there
  expect(splitScript("SELECT a$b$ FROM t; SELECT 2").statements).toEqual(["SELECT a$b$ FROM t", " SELECT 2"]);
});

test("empty statements are dropped; whether the script ends with its last statement is told", () => {
  expect(splitScript(" ;; -- only a comment\n")).toEqual({ statements: [], endsWithStatement: false });
  expect(splitScript("SELECT 1;")).toEqual({ statements: ["SELECT 1"], endsWithStatement: true });
  expect(splitScript("SELECT 1; ")).toEqual({ statements: ["SELECT 1"], endsWithStatement: false });
  expect(splitScript("SELECT 1; -- done")).toEqual({ statements: ["SELECT 1"], endsWithStatement: false });
  expect(splitScript("SELECT 1 -- no semicolon")).toEqual({
    statements: ["SELECT 1 -- no semicolon"],
    endsWithStatement: true,
  });
  // an unterminated string or comment runs to the end
  expect(splitScript("SELECT 'a; b").statements).toEqual(["SELECT 'a; b"]);
  expect(splitScript("SELECT 1 /* a; b").statements).toEqual(["SELECT 1 /* a; b"]);
});
