import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";

// What one engine can't do: PostgreSQL's text can't hold the NUL character, SQLite's can. A comparison with
// such a literal still answers as on SQLite (no stored text holds one); a filter that would have to pass one
// to the engine (a LIKE pattern, a function's argument) is a clear 400 in PocketBase's error shape, and
// nothing else of the request is affected.

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await t.pb.collections.create({
    name: "notes",
    type: "base",
    listRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "n", type: "number" },
    ],
  });
  for (const [title, n] of [
    ["a", 1],
    ["ab", 2],
    ["b", 3],
  ] as const)
    await t.pb.collection("notes").create({ title, n });
});

afterAll(async () => {
  await t.stop();
});

async function list(filter: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const query = new URLSearchParams({ filter, sort: "title", fields: "title" });
  const res = await fetch(`${t.url}/api/collections/notes/records?${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const titles = (body: Record<string, unknown>) => (body.items as { title: string }[]).map((r) => r.title);

/** create posts a record's JSON body as it is (the SDK would throw on a 400) and gives the status and answer. */
async function create(
  collection: string,
  body: Record<string, unknown>,
): Promise<{ status: number; answer: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/api/collections/${collection}/records`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, answer: (await res.json()) as Record<string, unknown> };
}

describe("a literal with a NUL character", () => {
  test("compared, it answers the same rows on both engines", async () => {
    const cases: [string, string[]][] = [
      ['title = "a\u0000b"', []],
      ['title != "a\u0000b"', ["a", "ab", "b"]],
      ['title > "a\u0000b"', ["ab", "b"]],
      ['title <= "a\u0000b"', ["a"]],
      // SQLite reads a number from the text before the NUL
      ['n = "1\u0000"', ["a"]],
      ['n > "1\u0000x"', ["ab", "b"]],
    ];
    for (const [filter, want] of cases) {
      const res = await list(filter);
      expect([filter, res.status, titles(res.body)]).toEqual([filter, 200, want]);
    }
  });

  test("passed to the engine, it is a clear 400 on PostgreSQL", async () => {
    for (const filter of ['title ~ "a\u0000"', 'title !~ "\u0000"']) {
      const res = await list(filter);
      if (onPostgres()) {
        expect([filter, res.status, res.body.data]).toEqual([filter, 400, {}]);
        expect(String(res.body.message)).toContain("NUL character");
      } else expect([filter, res.status]).toEqual([filter, 200]);
    }
    // the next request is served as usual
    expect(titles((await list('title ~ "a"')).body)).toEqual(["a", "ab"]);
  });
});

describe("a record value with a NUL character", () => {
  // a JSON field's JSON column takes an escaped NUL as written; text and the multi-value fields' JSONB can't
  test("is stored on SQLite; on PostgreSQL it is a 400 naming each field at fault, and nothing is written", async () => {
    await t.pb.collections.create({
      name: "nul_notes",
      type: "base",
      createRule: "",
      updateRule: "",
      listRule: "",
      fields: [
        { name: "title", type: "text" },
        { name: "meta", type: "json" },
        { name: "tags", type: "select", values: ["a", "b\u0000"], maxSelect: 2 },
      ],
    });
    const body = { title: "a\u0000b", meta: { k: "x\u0000" }, tags: ["a", "b\u0000"] };
    const { status, answer } = await create("nul_notes", body);
    if (onPostgres()) {
      const refused = (engine: string) => ({
        code: "validation_unsupported_value",
        message: `PostgreSQL${engine} can't store the NUL character (\\u0000).`,
      });
      expect([status, answer.data]).toEqual([400, { title: refused(""), tags: refused("'s JSONB") }]);
      // an update is refused alike, a JSON text's escaped backslash before `u0000` is no NUL
      const stored = await t.pb.collection("nul_notes").create({ title: "ok", meta: '"\\\\u0000"' });
      expect(stored.meta).toBe("\\u0000");
      const update = await fetch(`${t.url}/api/collections/nul_notes/records/${stored.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "\u0000" }),
      });
      expect([update.status, ((await update.json()) as Record<string, unknown>).data]).toEqual([
        400,
        { title: refused("") },
      ]);
      expect((await t.pb.collection("nul_notes").getFullList()).map((r) => r.title)).toEqual(["ok"]);
    } else {
      expect(status).toBe(200);
      expect([answer.title, answer.meta, answer.tags]).toEqual([body.title, body.meta, body.tags]);
    }
  });
});

describe("a record value with half of a surrogate pair", () => {
  // JSON's escape of a lone surrogate (`\ud800`, as JSON.stringify writes one), which PostgreSQL's JSON
  // functions refuse: one such record must not fail every filter on its JSON field
  test("a JSON field keeps it, and filters and sorts on the field answer as on SQLite", async () => {
    await t.pb.collections.create({
      name: "halves",
      type: "base",
      createRule: "",
      listRule: "",
      fields: [
        { name: "title", type: "text" },
        { name: "meta", type: "json" },
      ],
    });
    const metas: [string, unknown][] = [
      ["high", { k: "\ud800" }],
      ["low", { k: "\udc00x" }],
      ["pair", { k: "\ud83d\ude00" }],
      ["plain", { k: "x", n: 2 }],
      ["alone", "\ud800"],
    ];
    for (const [title, meta] of metas)
      expect([title, (await create("halves", { title, meta })).status]).toEqual([title, 200]);
    const listed = async (query: Record<string, string>) => {
      const res = await fetch(
        `${t.url}/api/collections/halves/records?${new URLSearchParams({ fields: "title", ...query })}`,
      );
      const body = (await res.json()) as Record<string, unknown>;
      return res.status === 200 ? titles(body).join(",") : `${res.status} ${body.message}`;
    };
    const cases: [Record<string, string>, string][] = [
      [{ filter: 'meta.k ~ "x"', sort: "title" }, "low,plain"],
      [{ filter: "meta.n = 2" }, "plain"],
      [{ filter: 'meta.k != ""', sort: "title" }, "alone,high,low,pair,plain"],
      // SQLite's LIKE reads a lone surrogate as U+FFFD
      [{ filter: 'meta.k ~ "\ufffd"', sort: "title" }, "high,low"],
      [{ filter: 'meta.k ~ "\ud83d\ude00"' }, "pair"],
      [{ filter: "meta = 2" }, ""],
      [{ filter: 'meta ~ "k"', sort: "title" }, "high,low,pair,plain"],
      [{ sort: "meta.k,title" }, "alone,plain,high,low,pair"],
      [{ sort: "-meta,title" }, "alone,pair,plain,low,high"],
    ];
    for (const [query, want] of cases) expect([query, await listed(query)]).toEqual([query, want]);
    const view = await fetch(`${t.url}/api/collections/halves/records?filter=${encodeURIComponent('title = "high"')}`);
    expect(((await view.json()) as { items: { meta: unknown }[] }).items[0]?.meta).toEqual({ k: "\ud800" });
  });

  test("a multi-value field's list: stored on SQLite, a 400 naming the field on PostgreSQL", async () => {
    await t.pb.collections.create({
      name: "half_tags",
      type: "base",
      createRule: "",
      fields: [{ name: "tags", type: "select", values: ["a", "\udc00"], maxSelect: 2 }],
    });
    const { status, answer } = await create("half_tags", { tags: ["a", "\udc00"] });
    if (onPostgres()) {
      expect([status, answer.data]).toEqual([
        400,
        {
          tags: {
            code: "validation_unsupported_value",
            message: "PostgreSQL's JSONB can't store half of a surrogate pair without the other (\\ud800).",
          },
        },
      ]);
    } else {
      expect([status, answer.tags]).toEqual([200, ["a", "\udc00"]]);
    }
  });
});

describe("a value longer than an index entry holds", () => {
  // PostgreSQL's btree entry holds at most 2,704 bytes (and no index row passes 8 KB): a longer indexed value
  // is refused there, which SQLite stores; an index on a part of the column takes any
  test("is stored on SQLite; on PostgreSQL it is a 400 naming the field, and an index on a part takes it", async () => {
    await t.pb.collections.create({
      name: "long_notes",
      type: "base",
      createRule: "",
      listRule: "",
      fields: [
        { name: "Title", type: "text", max: 100_000 },
        { name: "body", type: "text", max: 100_000 },
      ],
      indexes: [
        "CREATE INDEX idx_long_title ON long_notes (title)",
        "CREATE INDEX idx_long_body ON long_notes (substr(body, 1, 500))",
      ],
    });
    const random = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes / 2))).toString("hex");
    for (const size of [3000, 20_000]) {
      const { status, answer } = await create("long_notes", { Title: random(size), body: random(size) });
      if (onPostgres()) {
        expect([size, status, answer.data]).toEqual([
          size,
          400,
          { Title: { code: "validation_unsupported_value", message: expect.stringContaining("2,704 bytes") } },
        ]);
      } else expect([size, status]).toEqual([size, 200]);
    }
    const body = random(20_000);
    await t.pb.collection("long_notes").create({ Title: "short", body });
    const found = await t.pb.collection("long_notes").getFullList({ filter: `Title = "short"` });
    expect(found.map((r) => r.body)).toEqual([body]);
  });
});

describe("a LIKE pattern that ends with its escape character", () => {
  test("matches nothing, as on SQLite (PostgreSQL refuses such a pattern): never an error", async () => {
    // a pattern with its own % is used as it is: `%\` ends with LIKE's escape character, `%\\` doesn't
    const cases: [string, string[]][] = [
      ['title ~ "%\\\\"', []],
      ['title !~ "%\\\\"', ["a", "ab", "b"]],
      ['title ~ "a%\\\\"', []],
      ['title !~ "b%\\\\"', ["a", "ab", "b"]],
      ['title ~ "%\\\\\\\\"', []],
    ];
    for (const [filter, want] of cases) {
      const res = await list(filter);
      expect([filter, res.status, res.status === 200 ? titles(res.body) : res.body]).toEqual([filter, 200, want]);
    }
  });

  test("an even run of backslashes at the end is an escaped backslash: it matches one", async () => {
    const record = await t.pb.collection("notes").create({ title: "c\\", n: 4 });
    try {
      // in the filter's text each backslash of the pattern is written twice
      for (const [filter, want] of [
        ['title ~ "%\\\\\\\\"', ["c\\"]],
        ['title ~ "c\\\\\\\\"', ["c\\"]],
        ['title ~ "%\\\\\\\\\\\\"', []],
      ] as const) {
        const res = await list(filter);
        expect([filter, res.status, titles(res.body)]).toEqual([filter, 200, [...want]]);
      }
    } finally {
      await t.pb.collection("notes").delete(record.id);
    }
  });
});
