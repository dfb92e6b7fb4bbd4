import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import type PocketBase from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// Property-based tests of the filter and sort parameters: random text never breaks the server, random valid
// expressions always run, and a simple subset returns what an in-memory evaluation says it should.

const perRequestLimitMs = 2000;
// a property sends hundreds of requests, each held to the bound above; the whole gets room on a loaded machine
const propertyTimeoutMs = 60_000;

let t: TestServer;
let su: PocketBase;
let guest: PocketBase;

interface Row {
  id: string;
  title: string;
  slug: string;
  count: number;
  score: number;
  flag: boolean;
}
let rows: Row[] = [];

/** A small deterministic generator, so the seeded data is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const textAlphabet = ["a", "b", "A", "B", "c", " ", "1", "%", "_", "z"];

beforeAll(async () => {
  t = await startTestServer();
  su = t.pb;
  guest = t.client();
  const fz = await su.collections.create({
    name: "fz",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "slug", type: "text" },
      { name: "count", type: "number" },
      { name: "score", type: "number" },
      { name: "flag", type: "bool" },
      { name: "tags", type: "select", values: ["a", "b", "c", "d"], maxSelect: 4 },
      { name: "kind", type: "select", values: ["x", "y"], maxSelect: 1 },
      { name: "meta", type: "json" },
      { name: "when", type: "date" },
      { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
    ],
  });
  await su.collections.update("fz", {
    fields: [
      ...(await su.collections.getOne("fz")).fields,
      { name: "peers", type: "relation", collectionId: fz.id, maxSelect: 3 },
    ],
  });
  await su.collections.create({
    name: "fzc",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "label", type: "text" },
      { name: "w", type: "number" },
      { name: "parent", type: "relation", collectionId: fz.id, maxSelect: 1 },
    ],
  });
  const users: string[] = [];
  for (const name of ["ann", "bob"]) {
    const u = await su.collection("users").create({
      email: `${name}@example.com`,
      name,
      password: "1234567890",
      passwordConfirm: "1234567890",
    });
    users.push(u.id);
  }
  const rand = lcg(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const text = () => Array.from({ length: Math.floor(rand() * 4) }, () => pick(textAlphabet)).join("");
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await su.collection("fz").create({
      title: text(),
      slug: text(),
      count: Math.floor(rand() * 7) - 3,
      score: pick([0, 0.5, 1, 2.5, -1]),
      flag: rand() < 0.5,
      tags: ["a", "b", "c", "d"].filter(() => rand() < 0.4),
      kind: pick(["", "x", "y"]),
      meta: pick([null, { a: 1 }, { a: "x", b: [1, 2] }, [1, 2, 3], "plain"]),
      when: pick(["", "2024-01-02 10:00:00.000Z", "2030-06-01 00:00:00.000Z"]),
      owner: pick(["", ...users]),
      peers: ids.filter(() => rand() < 0.1).slice(0, 3),
    });
    ids.push(r.id);
  }
  for (let i = 0; i < 60; i++) {
    await su.collection("fzc").create({ label: text(), w: Math.floor(rand() * 5), parent: pick(["", ...ids]) });
  }
  rows = (await su.collection("fz").getFullList({ sort: "id" })).map((r) => ({
    id: r.id,
    title: r.title as string,
    slug: r.slug as string,
    count: r.count as number,
    score: r.score as number,
    flag: r.flag as boolean,
  }));
});

afterAll(async () => {
  await t.stop();
});

interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/**
 * list sends a list request. One past the time bound is sent again and the faster answer kept: a query that
 * runs away is slow both times, one caught by a burst of load on a shared machine is not.
 */
async function list(pb: PocketBase, params: Record<string, string>): Promise<Answer> {
  const first = await listOnce(pb, params);
  if (first.ms < perRequestLimitMs) return first;
  const again = await listOnce(pb, params);
  return again.ms < first.ms ? again : first;
}

async function listOnce(pb: PocketBase, params: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = pb.authStore.token ? { authorization: pb.authStore.token } : {};
  const res = await fetch(`${t.url}/api/collections/fz/records?${new URLSearchParams(params)}`, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // left as text: the assertion below shows it
  }
  return { status: res.status, body, ms: performance.now() - started };
}

/** isErrorShape tells whether a body is PocketBase's `{status, message, data}` for the given status. */
function isErrorShape(body: unknown, status: number): boolean {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    Object.keys(b).sort().join(",") === "data,message,status" &&
    b.status === status &&
    typeof b.message === "string" &&
    typeof b.data === "object" &&
    b.data !== null
  );
}

/** fail stops a property with what was expected and what came back (fast-check then shrinks the input). */
function fail(expected: string, got: object): never {
  throw new Error(`expected ${expected}, got ${JSON.stringify(got)}`);
}

/** A sound answer: a 200 list, or a 400/403 error in PocketBase's shape, within the time bound. */
function expectSound(a: Answer, input: string): void {
  const ok =
    a.ms < perRequestLimitMs &&
    ((a.status === 200 && typeof a.body === "object" && a.body !== null && "items" in a.body) ||
      ((a.status === 400 || a.status === 403) && isErrorShape(a.body, a.status)));
  if (!ok) fail("a 200, 400 or 403 in PocketBase's shape, in time", { input, ...a });
}

const pieces = [
  "title",
  "count",
  "tags",
  "tags:each",
  "tags:length",
  "title:lower",
  "owner.name",
  "owner.email",
  "peers.peers.title",
  "fzc_via_parent.label",
  "meta.a",
  "meta.b.1",
  "@request.auth.id",
  "@request.body.title",
  "@collection.fzc.w",
  "@now",
  "@todayStart",
  "@nope",
  "geoDistance(",
  "strftime(",
  "true",
  "null",
  "{:x}",
  "=",
  "!=",
  "~",
  "!~",
  "?=",
  "?>",
  "<=",
  ">",
  "&&",
  "||",
  "(",
  ")",
  ",",
  "'",
  '"',
  "\\",
  "//",
  "%",
  "_",
  " ",
  "\n",
  "-",
  ".",
  ":",
  "0",
  "12.5",
  "-3",
  "é",
  "😀",
  "\u0000",
  ";",
  "`",
  "[",
  "#",
  "+",
  "@random",
  "@rowid",
];

const grammarish = fc.string({ unit: fc.constantFrom(...pieces), maxLength: 24 });
const anything = fc.oneof(grammarish, fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 40 }));

describe("random text as filter or sort", () => {
  test(
    "filter: always a 200 or a 400/403 in PocketBase's shape, never a 500 or a hang",
    async () => {
      await fc.assert(
        fc.asyncProperty(anything, fc.boolean(), async (filter, asGuest) => {
          expectSound(await list(asGuest ? guest : su, { filter }), filter);
        }),
        { numRuns: 400 },
      );
    },
    propertyTimeoutMs,
  );

  test(
    "sort: the same",
    async () => {
      const sortPieces = fc.array(fc.oneof(grammarish, fc.constantFrom("-title", "+count", "owner.name", "@random")), {
        maxLength: 10,
      });
      await fc.assert(
        fc.asyncProperty(sortPieces, fc.boolean(), async (parts, asGuest) => {
          const sort = parts.join(",");
          expectSound(await list(asGuest ? guest : su, { sort }), sort);
        }),
        { numRuns: 250 },
      );
    },
    propertyTimeoutMs,
  );
});

// ---------------------------------------------------------------------------------------------------------
// Valid expressions, generated from the grammar

const quote = (s: string) => `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
const ops = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"] as const;

const clientIdentifiers = [
  "id",
  "title",
  "slug",
  "count",
  "score",
  "flag",
  "tags",
  "tags:each",
  "tags:length",
  "kind",
  "kind:lower",
  "title:lower",
  "meta",
  "meta.a",
  "meta.b.1",
  "when",
  "owner",
  "owner.id",
  "owner.name",
  "owner.email",
  "owner.verified",
  "peers",
  "peers:length",
  "peers:each",
  "peers.title",
  "peers.count",
  "peers.peers.slug",
  "peers.owner.name",
  "fzc_via_parent.label",
  "fzc_via_parent.w",
  "fzc_via_parent.parent.title",
  "peers.fzc_via_parent.w",
];
const requestIdentifiers = [
  "@request.auth.id",
  "@request.auth.email",
  "@request.method",
  "@request.body.title",
  "@request.query.page",
  "@request.headers.x_missing",
  "@request.context",
];
// an @collection join is a cross join: with to-many relations beside it under an OR, SQLite walks their
// product for every row (seconds, in PocketBase too), so it meets only single-valued identifiers here, and
// one join per collection (two cross joins of the same table make SQLite rerun the all-items subquery per row)
const collectionIdentifiers = [
  ...clientIdentifiers.filter((k) => !k.startsWith("peers") && !k.startsWith("fzc_via_parent")),
  ...requestIdentifiers,
  "@collection.fzc.label",
  "@collection.users:u.name",
];
const macros = [
  "@now",
  "@yesterday",
  "@tomorrow",
  "@todayStart",
  "@todayEnd",
  "@monthStart",
  "@monthEnd",
  "@yearStart",
  "@yearEnd",
  "@second",
  "@minute",
  "@hour",
  "@weekday",
  "@day",
  "@month",
  "@year",
];

const literal = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "B", " ", "%", "_", "'", '"', "\\", "é", "1"), maxLength: 6 }).map(quote),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom("1.5", "-0.5", "true", "false", "null", "TRUE", "Null"),
  fc.constantFrom(...macros),
  fc.constantFrom('strftime("%Y", when)', 'strftime("%m", @now, "+1 day")', "geoDistance(1, 2, 3.5, 4)"),
);

function operand(identifiers: readonly string[]) {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...identifiers) }, { weight: 2, arbitrary: literal });
}

function expression(identifiers: readonly string[]) {
  const comparison = fc
    .tuple(operand(identifiers), fc.constantFrom(...ops), operand(identifiers))
    .map(([l, op, r]) => `${l} ${op} ${r}`);
  const { expr } = fc.letrec<{ expr: string; group: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      comparison,
      fc
        .array(fc.tuple(fc.constantFrom("&&", "||"), tie("group")), { minLength: 1, maxLength: 3 })
        .map((items) => items.map(([join, g], i) => (i === 0 ? g : `${join} ${g}`)).join(" ")),
    ),
    group: fc.oneof(
      comparison,
      tie("expr").map((e) => `(${e})`),
    ),
  }));
  return expr;
}

/** filtersAlwaysRun checks that random valid filters over the identifiers answer a 200 in time. */
async function filtersAlwaysRun(pb: PocketBase, identifiers: readonly string[], numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(expression(identifiers), async (filter) => {
      const a = await list(pb, { filter, fields: "id" });
      if (a.status !== 200 || a.ms >= perRequestLimitMs) fail("a 200 in time", { filter, ...a });
    }),
    { numRuns },
  );
}

describe("random valid expressions", () => {
  test(
    "superuser filters over relations and @request always run",
    () => filtersAlwaysRun(su, [...clientIdentifiers, ...requestIdentifiers], 200),
    propertyTimeoutMs,
  );

  test(
    "superuser filters over @collection always run",
    () => filtersAlwaysRun(su, collectionIdentifiers, 150),
    propertyTimeoutMs,
  );

  test(
    "guest filters without @request/@collection always run",
    () => filtersAlwaysRun(guest, clientIdentifiers, 200),
    propertyTimeoutMs,
  );

  test(
    "sorts over up to 8 valid keys always run",
    async () => {
      const keys = fc.constantFrom(...clientIdentifiers.filter((k) => !k.includes(":each")), "@random", "@rowid");
      const sort = fc
        .array(fc.tuple(fc.constantFrom("", "-", "+"), keys), { minLength: 1, maxLength: 8 })
        .map((parts) => parts.map(([d, k]) => d + k).join(","));
      await fc.assert(
        fc.asyncProperty(sort, async (s) => {
          const a = await list(guest, { sort: s, fields: "id" });
          if (a.status !== 200 || a.ms >= perRequestLimitMs) fail("a 200 in time", { sort: s, ...a });
        }),
        { numRuns: 150 },
      );
    },
    propertyTimeoutMs,
  );
});

// ---------------------------------------------------------------------------------------------------------
// A single-table subset, checked against an in-memory evaluation

type Cmp = { field: keyof Row; op: string; value: string | number | boolean | { field: keyof Row } };
type Node = { cmp: Cmp } | { items: { join: "&&" | "||"; node: Node }[] };

/** like matches SQLite's LIKE with ESCAPE '\': ASCII case-insensitive, `%` any run, `_` one character. */
function like(value: string, pattern: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\" && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (ch === "%") re += "[\\s\\S]*";
    else if (ch === "_") re += "[\\s\\S]";
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i").test(value);
}

/**
 * escapeSpecials puts a backslash before `\ % _` as PocketBase does: scanning from the end, a special character
 * escapes the one before it, so of two in a row only the second gets a backslash (`__` becomes `_\_`).
 */
function escapeSpecials(s: string): string {
  const out: string[] = [];
  let pending = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const ch = s[i] as string;
    if (pending) {
      if (ch !== "\\") out.push("\\");
      pending = false;
    } else pending = ch === "\\" || ch === "%" || ch === "_";
    out.push(ch);
    if (i === 0 && pending) out.push("\\");
  }
  return out.reverse().join("");
}

/** contains is `~`: a literal without `%` is escaped and wrapped in `%...%`, one with `%` is used as is. */
function contains(value: string, literal: string): boolean {
  return like(value, literal.includes("%") ? literal : `%${escapeSpecials(literal)}%`);
}

function evalCmp(row: Row, c: Cmp): boolean {
  const left = row[c.field];
  const isField = typeof c.value === "object";
  const right = isField ? row[(c.value as { field: keyof Row }).field] : c.value;
  const op = c.op.replace("?", "");
  switch (op) {
    case "=":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return (left as number | string) < (right as number | string);
    case "<=":
      return (left as number | string) <= (right as number | string);
    case ">":
      return (left as number | string) > (right as number | string);
    case ">=":
      return (left as number | string) >= (right as number | string);
    case "~":
      return isField ? like(left as string, `%${right}%`) : contains(left as string, right as string);
    case "!~":
      return isField ? !like(left as string, `%${right}%`) : !contains(left as string, right as string);
  }
  throw new Error(`unexpected operator ${c.op}`);
}

/** evalNode applies SQL's precedence: AND binds tighter than OR. */
function evalNode(row: Row, n: Node): boolean {
  if ("cmp" in n) return evalCmp(row, n.cmp);
  let any = false;
  let all = true;
  for (const [i, item] of n.items.entries()) {
    if (i > 0 && item.join === "||") {
      any ||= all;
      all = true;
    }
    all &&= evalNode(row, item.node);
  }
  return any || all;
}

function render(n: Node): string {
  if ("cmp" in n) {
    const { field, op, value } = n.cmp;
    const v = typeof value === "object" ? value.field : typeof value === "string" ? quote(value) : String(value);
    return `${field} ${op} ${v}`;
  }
  return n.items
    .map(
      (item, i) =>
        `${i === 0 ? "" : `${item.join} `}${"items" in item.node ? `(${render(item.node)})` : render(item.node)}`,
    )
    .join(" ");
}

const textValue = fc.string({ unit: fc.constantFrom(...textAlphabet), maxLength: 3 });
const numberValue = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(0.5, 2.5, -1.5));
const textCmp = fc.record({
  field: fc.constantFrom<keyof Row>("title", "slug"),
  op: fc.constantFrom("=", "!=", "<", "<=", ">", ">=", "~", "!~", "?=", "?~", "?!~", "?<"),
  value: fc.oneof(textValue, fc.constantFrom<{ field: keyof Row }>({ field: "title" }, { field: "slug" })),
});
const numberCmp = fc.record({
  field: fc.constantFrom<keyof Row>("count", "score"),
  op: fc.constantFrom("=", "!=", "<", "<=", ">", ">=", "?=", "?>="),
  value: fc.oneof(numberValue, fc.constantFrom<{ field: keyof Row }>({ field: "count" }, { field: "score" })),
});
const boolCmp = fc.record({
  field: fc.constant<keyof Row>("flag"),
  op: fc.constantFrom("=", "!="),
  value: fc.boolean(),
});
const simpleNode: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(textCmp, numberCmp, boolCmp).map((cmp) => ({ cmp }) as Node),
    fc
      .array(fc.record({ join: fc.constantFrom<"&&" | "||">("&&", "||"), node: tie("node") }), {
        minLength: 1,
        maxLength: 4,
      })
      .map((items) => ({ items }) as Node),
  ),
})).node;

describe("single-table filters match an in-memory evaluation", () => {
  test(
    "text, number and bool comparisons joined with && and ||",
    async () => {
      await fc.assert(
        fc.asyncProperty(simpleNode, async (node) => {
          const filter = render(node);
          const a = await list(su, { filter, fields: "id", sort: "id", perPage: "100" });
          const got = a.status === 200 ? (a.body as { items: { id: string }[] }).items.map((r) => r.id) : a.body;
          const expected = rows.filter((r) => evalNode(r, node)).map((r) => r.id);
          if (JSON.stringify(got) !== JSON.stringify(expected))
            expect({ filter, got }).toEqual({ filter, got: expected });
        }),
        { numRuns: 300 },
      );
    },
    propertyTimeoutMs,
  );
});
