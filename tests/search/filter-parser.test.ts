import { describe, expect, test } from "bun:test";
import { parseFilter } from "../../src/tools/search/filter-parser.ts";
import { FilterSyntaxError } from "../../src/tools/search/filter-scanner.ts";

const expr = (left: string, op: string, right: string) => ({ left, op, right });

/** shape reduces a parse tree to a compact form for assertions. */
function shape(text: string): unknown {
  const walk = (groups: ReturnType<typeof parseFilter>): unknown[] =>
    groups.map((g) => {
      if (Array.isArray(g.item)) return { join: g.join, group: walk(g.item) };
      const e = g.item as {
        left: { type: string; literal: string };
        op: string;
        right: { type: string; literal: string };
      };
      return { join: g.join, ...expr(`${e.left.type}:${e.left.literal}`, e.op, `${e.right.type}:${e.right.literal}`) };
    });
  return walk(parseFilter(text));
}

describe("filter grammar", () => {
  test("every operator", () => {
    for (const op of ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"]) {
      expect(shape(`a ${op} 1`)).toEqual([{ join: "&&", ...expr("identifier:a", op, "number:1") }]);
    }
  });

  test("literals: quoted text with escapes, numbers, identifiers", () => {
    expect(shape(`a = 'it\\'s' && b = "say \\"hi\\"" && c = -1.5 && d = true && e = null`)).toEqual([
      { join: "&&", ...expr("identifier:a", "=", "text:it's") },
      { join: "&&", ...expr("identifier:b", "=", 'text:say "hi"') },
      { join: "&&", ...expr("identifier:c", "=", "number:-1.5") },
      { join: "&&", ...expr("identifier:d", "=", "identifier:true") },
      { join: "&&", ...expr("identifier:e", "=", "identifier:null") },
    ]);
  });

  test("identifiers with paths, modifiers and macros; placeholders are plain text after pb.filter()", () => {
    expect(
      shape("rel.sub.name ?= @request.auth.id && tags:each != 'x' && created > @now && posts_via_author.id != ''"),
    ).toEqual([
      { join: "&&", ...expr("identifier:rel.sub.name", "?=", "identifier:@request.auth.id") },
      { join: "&&", ...expr("identifier:tags:each", "!=", "text:x") },
      { join: "&&", ...expr("identifier:created", ">", "identifier:@now") },
      { join: "&&", ...expr("identifier:posts_via_author.id", "!=", "text:") },
    ]);
  });

  test("&& and || keep their order; parentheses nest", () => {
    expect(shape("a = 1 || (b = 2 && (c = 3 || d = 4))")).toEqual([
      { join: "&&", ...expr("identifier:a", "=", "number:1") },
      {
        join: "||",
        group: [
          { join: "&&", ...expr("identifier:b", "=", "number:2") },
          {
            join: "&&",
            group: [
              { join: "&&", ...expr("identifier:c", "=", "number:3") },
              { join: "||", ...expr("identifier:d", "=", "number:4") },
            ],
          },
        ],
      },
    ]);
  });

  test("comments and newlines are ignored, also inside groups and function calls", () => {
    expect(shape("// leading\na = 1 // trailing\n&& (b = 2 // inner\n)")).toEqual([
      { join: "&&", ...expr("identifier:a", "=", "number:1") },
      { join: "&&", group: [{ join: "&&", ...expr("identifier:b", "=", "number:2") }] },
    ]);
  });

  test("function calls with nested arguments", () => {
    const [g] = parseFilter("geoDistance(lon, lat, 1.5, -2) < 10 && strftime('%Y', created, 'start of day') = '2024'");
    const item = g?.item as
      | { left: { type: string; literal: string; args: { type: string; literal: string }[] } }
      | undefined;
    if (!item) throw new Error("no expression parsed");
    const left = item.left;
    expect(left.type).toBe("function");
    expect(left.args.map((a) => `${a.type}:${a.literal}`)).toEqual([
      "identifier:lon",
      "identifier:lat",
      "number:1.5",
      "number:-2",
    ]);
  });
});

describe("bad filters are refused with a message naming the problem", () => {
  const cases: [string, RegExp][] = [
    ["", /empty filter expression/],
    ["   // only a comment", /empty filter expression/],
    ["()", /empty filter expression/],
    ["title = 'abc", /unterminated quoted text/],
    ['title = "abc', /unterminated quoted text/],
    ["title === 1", /invalid sign operator "==="/],
    ["title <> 1", /invalid sign operator "<>"/],
    ["a = 1 &&& b = 2", /invalid join operator "&&&"/],
    ["a = 1 & b = 2", /invalid join operator "&"/],
    ["(a = 1", /unbalanced parentheses: missing 1 closing bracket/],
    ["((a = 1)", /unbalanced parentheses/],
    ["a = 1)", /unbalanced parentheses: unexpected '\)'/],
    ["a =", /invalid or incomplete filter expression/],
    ["a", /invalid or incomplete filter expression/],
    ["a = 1 b = 2", /expected && or \|\|/],
    ["= 1", /expected left operand/],
    ["a 1", /expected a sign operator/],
    ["a = &&", /expected right operand/],
    ["a = 1.", /invalid number "1\."/],
    ["a = -", /invalid number "-"/],
    ["a. = 1", /invalid identifier "a\."/],
    ["@ = 1", /invalid identifier "@"/],
    ["a = 1 / b", /invalid comment/],
    ["a = $1", /unexpected character "\$"/],
    ["f(a b) = 1", /expected comma/],
    ["f(,a) = 1", /unexpected comma/],
    ["f(a = 1", /in function "f"/],
    ["f(a", /incomplete function "f"/],
    ["a(b(c(d(e)))) = 1", /max nested function arguments/],
  ];
  for (const [text, message] of cases) {
    test(JSON.stringify(text), () => {
      expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
      expect(() => parseFilter(text)).toThrow(message);
    });
  }

  test("very long input parses or fails quickly, without deep recursion", () => {
    const long = Array.from({ length: 2000 }, (_, i) => `f${i} = ${i}`).join(" && ");
    const start = performance.now();
    expect(parseFilter(long)).toHaveLength(2000);
    const nested = `${"(".repeat(5000)}a = 1${")".repeat(5000)}`;
    expect(() => parseFilter(nested)).toThrow(/too many nested parentheses/);
    expect(parseFilter(`${"(".repeat(40)}a = 1${")".repeat(40)}`)).toHaveLength(1);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});
