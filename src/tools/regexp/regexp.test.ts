import { expect, test } from "bun:test";
import fc from "fast-check";
import { GoRegexp } from "./regexp.ts";
import { RegexpSyntaxError } from "./syntax.ts";

// every expectation below is what Go's regexp package answers (the package PocketBase validates with)
const matchCases: [string, [string, boolean][]][] = [
  [
    "^[a-z0-9]+$",
    [
      ["abc123", true],
      ["ABC", false],
      ["", false],
      ["a-b", false],
    ],
  ],
  [
    "(?i)abc",
    [
      ["ABC", true],
      ["aBc", true],
      ["abd", false],
    ],
  ],
  [
    "(?i)k",
    [
      ["\u212a", true],
      ["K", true],
      ["x", false],
    ],
  ],
  [
    "(?i)[\\W]",
    [
      ["k", false],
      ["\u212a", false],
      ["!", true],
    ],
  ],
  [
    "(?m)^b$",
    [
      ["a\nb\nc", true],
      ["ab", false],
    ],
  ],
  [
    "^b$",
    [
      ["a\nb\nc", false],
      ["b", true],
      ["b\n", false],
    ],
  ],
  [
    "a\\z",
    [
      ["a", true],
      ["a\n", false],
    ],
  ],
  [
    "\\Aa",
    [
      ["a", true],
      ["ba", false],
    ],
  ],
  ["(?s)a.b", [["a\nb", true]]],
  [
    "a.b",
    [
      ["a\nb", false],
      ["axb", true],
    ],
  ],
  [
    "\\s",
    [
      ["\u000b", false],
      ["\u00a0", false],
      [" ", true],
      ["\t", true],
    ],
  ],
  [
    "\\bfoo\\b",
    [
      ["a foo b", true],
      ["afoob", false],
      ["éfooé", true],
    ],
  ],
  [
    "[[:alpha:]]+",
    [
      ["abc", true],
      ["é", false],
      ["1", false],
    ],
  ],
  [
    "[[:^digit:]]",
    [
      ["1", false],
      ["a", true],
    ],
  ],
  [
    "\\pL",
    [
      ["é", true],
      ["1", false],
    ],
  ],
  [
    "\\p{Greek}",
    [
      ["α", true],
      ["a", false],
    ],
  ],
  [
    "\\p{^Greek}",
    [
      ["α", false],
      ["a", true],
    ],
  ],
  [
    "\\PN",
    [
      ["5", false],
      ["x", true],
    ],
  ],
  [
    "\\p{Letter}",
    [
      ["x", true],
      ["1", false],
    ],
  ],
  [
    "\\Qa.b\\E",
    [
      ["a.b", true],
      ["axb", false],
    ],
  ],
  [
    "x{2,3}",
    [
      ["x", false],
      ["xx", true],
    ],
  ],
  [
    "a{,3}",
    [
      ["a{,3}", true],
      ["aaa", false],
    ],
  ],
  [
    "[]a]",
    [
      ["]", true],
      ["b", false],
    ],
  ],
  [
    "[a-]",
    [
      ["-", true],
      ["b", false],
    ],
  ],
  [
    "\\x{41}\\101\\x42",
    [
      ["AAB", true],
      ["AAb", false],
    ],
  ],
  ["(?U)a+?", [["a", true]]],
  [
    "(?i:A)b",
    [
      ["aB", false],
      ["ab", true],
    ],
  ],
  [
    "a(?i)b|c",
    [
      ["C", true],
      ["aB", true],
      ["Ab", false],
    ],
  ],
  [
    "(?P<year>\\d{4})-(?<month>\\d{2})",
    [
      ["2024-05", true],
      ["24-05", false],
    ],
  ],
  [
    "^(a+)+$",
    [
      [`${"a".repeat(3000)}b`, false],
      ["aaaa", true],
    ],
  ],
  [
    "🙂+",
    [
      ["🙂🙂", true],
      ["🙃", false],
    ],
  ],
  [
    "[🙂-🙃]",
    [
      ["🙃", true],
      ["🙄", false],
    ],
  ],
  ["\\d{", []],
];

const errorCases: [string, string][] = [
  ["(", "error parsing regexp: missing closing ): `(`"],
  ["a)", "error parsing regexp: unexpected ): `a)`"],
  ["[a", "error parsing regexp: missing closing ]: `[a`"],
  ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
  ["\\q", "error parsing regexp: invalid escape sequence: `\\q`"],
  ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["(?!a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"],
  ["(?<=a)b", "error parsing regexp: invalid named capture: `(?<=a)b`"],
  ["*", "error parsing regexp: missing argument to repetition operator: `*`"],
  ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
  ["a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
  ["x{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`"],
  ["(a{1000}){1000}", "error parsing regexp: invalid repeat count: `{1000}`"],
  ["(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"],
  ["[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"],
  ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
  ["\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
  ["\\8", "error parsing regexp: invalid escape sequence: `\\8`"],
  ["\\p{Foo}", "error parsing regexp: invalid character class range: `\\p{Foo}`"],
  ["\\p{Old_Italic}", "error parsing regexp: invalid character class range: `\\p{Old_Italic}`"],
  ["\\x{110000}", "error parsing regexp: invalid escape sequence: `\\x{110000`"],
  ["\\xZZ", "error parsing regexp: invalid escape sequence: `\\xZZ`"],
  ["(?i", "error parsing regexp: invalid or unsupported Perl syntax: `(?i`"],
  ["(?z)", "error parsing regexp: invalid or unsupported Perl syntax: `(?z`"],
  ["\\C", "error parsing regexp: invalid escape sequence: `\\C`"],
  ["\\Z", "error parsing regexp: invalid escape sequence: `\\Z`"],
  ["\\e", "error parsing regexp: invalid escape sequence: `\\e`"],
  ["[\\b]", "error parsing regexp: invalid escape sequence: `\\b`"],
  ["a*+", "error parsing regexp: invalid nested repetition operator: `*+`"],
  ["a{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"],
  ["(?-)", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"],
  ["(?:", "error parsing regexp: missing closing ): `(?:`"],
  ["[]", "error parsing regexp: missing closing ]: `[]`"],
  ["[^]", "error parsing regexp: missing closing ]: `[^]`"],
  ["(?P<a-b>x)", "error parsing regexp: invalid named capture: `(?P<a-b>`"],
  ["a|*", "error parsing regexp: missing argument to repetition operator: `*`"],
  ["(*)", "error parsing regexp: missing argument to repetition operator: `*`"],
];

test("patterns match as Go's MatchString does", () => {
  for (const [pattern, subjects] of matchCases) {
    const re = GoRegexp.compile(pattern);
    for (const [subject, want] of subjects)
      expect([pattern, subject, re.test(subject)]).toEqual([pattern, subject, want]);
  }
});

test("patterns Go refuses throw Go's error message", () => {
  for (const [pattern, message] of errorCases) {
    let err: unknown;
    try {
      GoRegexp.compile(pattern);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegexpSyntaxError);
    expect([pattern, (err as Error).message]).toEqual([pattern, message]);
  }
});

test("matching takes linear time, whatever the pattern", () => {
  const started = performance.now();
  expect(GoRegexp.compile("^(a+)+$").test(`${"a".repeat(5000)}b`)).toBe(false);
  expect(GoRegexp.compile("(x+x+)+y").test("x".repeat(5000))).toBe(false);
  expect(performance.now() - started).toBeLessThan(1000);
});

test("whole-text runs like ^[a-z0-9]+$ (matched rune by rune) answer as the general matcher does", () => {
  const patterns = [
    "^[a-z0-9]+$",
    "^[a-z]*$",
    "^([0-9]){2,4}$",
    "^.{1,3}$",
    "^(?s:.)+$",
    "^(?i:k)+$",
    "^x{0}$",
    "^[^a-c]{2,}$",
    "^é+$",
    "^[\\x{1F600}-\\x{1F64F}a]+$",
    "^[^\\x{1F600}]*$",
  ];
  // `|\b\B` can never match (a position is a boundary or not), but it keeps the pattern off the fast path
  const pairs = patterns.map((p) => [p, GoRegexp.compile(p), GoRegexp.compile(`(?:${p})|\\b\\B`)] as const);
  // lone surrogates too: a string's iterator gives each as a code point of its own
  const units = ["a", "b", "z", "0", "9", "K", "\u212a", "k", "é", "\n", "-", "😀", "\ud83d", "\ude00", "\udbff"];
  const text = fc.string({ unit: fc.constantFrom(...units) });
  fc.assert(
    fc.property(text, (t) => {
      for (const [p, fast, general] of pairs) expect([p, t, fast.test(t)]).toEqual([p, t, general.test(t)]);
    }),
    { numRuns: 2000 },
  );
});
