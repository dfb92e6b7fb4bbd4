import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { raw, sql } from "../../src/db/sql.ts";
import { sqliteDialect } from "../../src/db/sqlite/dialect.ts";

// sqliteDialect.jsonItemsMayEqual is a text check the filter compiler puts before `:each` comparisons with a
// text: wherever some item (as jsonEach lists them) equals the text, it must hold, and with `every`, wherever
// in addition no item differs. These check it against jsonEach itself on stored values of every shape: JSON
// arrays spelt with escapes and spaces, nested arrays, numbers, nulls, scalars, JSON5 and text that isn't JSON,
// in a JSON column (numeric affinity, as Satchel's multi-valued fields have).

const db = new Database(":memory:");
db.run("CREATE TABLE t (x JSON)");
afterAll(() => db.close());

const x = sql`t.x`;
const d = sqliteDialect;

interface Verdict {
  some: number;
  every: number;
  mayHaveSome: number | null;
  mayHaveEvery: number | null;
}

/** verdict evaluates, for one stored value, the item checks as jsonEach answers them and the text checks. */
function verdict(value: string | number | null, text: string): Verdict {
  const some = d.jsonItemsMayEqual(x, text, false);
  const every = d.jsonItemsMayEqual(x, text, true);
  const q = d.render(
    sql`SELECT EXISTS (SELECT 1 FROM ${d.jsonEach(x)} je WHERE je.value = ${text}) AS some, NOT EXISTS (SELECT 1 FROM ${d.jsonEach(x)} je WHERE NOT (je.value = ${text})) AS every, ${some ?? raw("NULL")} AS mayHaveSome, ${every ?? raw("NULL")} AS mayHaveEvery FROM t`,
  );
  db.run("DELETE FROM t");
  db.query("INSERT INTO t (x) VALUES (?)").run(value);
  return db.query(q.text).get(...(q.params as string[])) as Verdict;
}

function expectSound(value: string | number | null, text: string): Verdict {
  const v = verdict(value, text);
  const ctx = { value, text };
  if (v.some) expect({ ...ctx, mayHaveSome: v.mayHaveSome }).toEqual({ ...ctx, mayHaveSome: 1 });
  if (v.some && v.every) expect({ ...ctx, mayHaveEvery: v.mayHaveEvery }).toEqual({ ...ctx, mayHaveEvery: 1 });
  return v;
}

const texts = ["b", "a b", "é", "5", "1.5", "true", "null", "/", "<&>", "\u2028", "b c", " b", "B", "𝄞"];

/** A JSON spelling of a string with some characters written as escapes (`\u0062`, `\/`). */
const spelt = (s: string, escapeAt: (i: number) => boolean) =>
  `"${[...JSON.stringify(s).slice(1, -1)]
    .map((c, i) => {
      if (!escapeAt(i) || c === "\\") return c;
      if (c === "/") return "\\/";
      const code = c.codePointAt(0) ?? 0;
      return code > 0xffff ? c : `\\u${code.toString(16).padStart(4, "0")}`;
    })
    .join("")}"`;

describe("sqlite jsonItemsMayEqual", () => {
  test("holds wherever jsonEach finds the text, on values of every shape", () => {
    const values: (string | number | null)[] = [
      null,
      "",
      "b",
      "5",
      5,
      1.5,
      "[]",
      "[null]",
      '["b"]',
      '["b","b"]',
      '["b",null]',
      '[null,"b"]',
      '[ "b" ,\n\t"b" ]',
      '["\\u0062"]',
      '["\\u0062","b"]',
      "['b']",
      '["a","b"]',
      '["b","a"]',
      '[["b"]]',
      '["b",["b"]]',
      "[1]",
      "[5]",
      "[true]",
      '["b",1]',
      '{"x":"b"}',
      '"b"',
      'b"',
      '["b\\""]',
      '["\\/"]',
      '["\\u003c&>"]',
      '["\\u2028"]',
      '["\\ud834\\udd1e"]',
      "not json",
      '["é"]',
      '["B"]',
      '["b "]',
      '[" b"]',
    ];
    for (const text of texts) for (const value of values) expectSound(value, text);
  });

  test("holds on random arrays spelt with random escapes and spaces", () => {
    const item = fc.oneof(
      fc.constantFrom(...texts, "a", "", "bb"),
      fc.string({ maxLength: 4 }),
      fc.integer({ min: -2, max: 9 }),
      fc.constant(null),
      fc.boolean(),
      fc.constant([1]),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(item, fc.array(fc.boolean(), { maxLength: 6 }), fc.constantFrom("", " ", "\n")), {
          maxLength: 4,
        }),
        fc.constantFrom(...texts),
        (items, text) => {
          const body = items.map(([it, escapes, space]) => {
            const json =
              typeof it === "string"
                ? spelt(it, (i) => escapes[i % Math.max(escapes.length, 1)] === true)
                : JSON.stringify(it);
            return `${space}${json}${space}`;
          });
          expectSound(`[${body.join(",")}]`, text);
        },
      ),
      { numRuns: 400 },
    );
  });

  test("settles rows without the text, and one whose other item is another text", () => {
    // the checks would hold everywhere if they were vacuous
    expect(verdict('["a"]', "b")).toMatchObject({ some: 0, mayHaveSome: 0, mayHaveEvery: 0 });
    expect(verdict('["a","b"]', "b")).toMatchObject({ some: 1, every: 0, mayHaveSome: 1, mayHaveEvery: 0 });
    expect(verdict('["b","b"]', "b")).toMatchObject({ some: 1, every: 1, mayHaveSome: 1, mayHaveEvery: 1 });
    expect(verdict("[]", "b")).toMatchObject({ some: 0, mayHaveSome: 0, mayHaveEvery: 0 });
  });

  test("leaves the empty text and texts JSON escapes or that read as arrays to jsonEach", () => {
    for (const text of ["", 'b"', "a\\b", "\n", "[1]", '{"a":1}'])
      expect({ text, check: d.jsonItemsMayEqual(x, text, true) }).toEqual({ text, check: null });
  });
});
