import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { type EnginePair, lcg, listed, openEnginePair, picker } from "./engine-pair.ts";
import { postgresUnavailable, skipNote } from "./postgres-server.ts";

// Authors, their posts and the posts' comments, the same on SQLite and on PostgreSQL: filters through
// relations (to one, to many, back-relations, @collection) and sorts on any of them must list the same records
// in the same order on both. SQLite puts NULLs (a post without an author, a view's empty column) first going up
// and last going down, and orders a JSON list column by its text.

const reason = postgresUnavailable();

const texts = [
  "",
  "10",
  "9",
  "abc",
  "ABC",
  "a_c",
  "a%c",
  " 5",
  "true",
  "É",
  "é",
  "2024-01-01",
  "0",
  "-1",
  "Zed",
  "zed",
];
const numbers = [0, 1, -1, 1.5, 10, 9, 1e20, -0.5, 100, 2, 0.25, 1e-7];
const dates = ["", "2024-01-01 00:00:00.000Z", "2024-01-01 10:00:00.000Z", "2030-05-05 05:05:05.000Z"];
const idOf = (prefix: string, i: number): string => `${prefix}${String(i).padStart(15 - prefix.length, "0")}`;

async function seed(app: App): Promise<void> {
  const authors = Collection.create("base", "authors");
  authors.applyJSON({
    listRule: "",
    fields: [
      { name: "name", type: "text" },
      { name: "age", type: "number" },
      { name: "vip", type: "bool" },
      { name: "born", type: "date" },
      { name: "tags", type: "select", values: ["x", "y", "z"], maxSelect: 3 },
    ],
  });
  await app.saveCollection(authors);
  const a = app.findCachedCollectionByNameOrId("authors") as Collection;
  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    listRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "views", type: "number" },
      { name: "pub", type: "bool" },
      { name: "at", type: "date" },
      { name: "author", type: "relation", collectionId: a.id, maxSelect: 1 },
      { name: "coauthors", type: "relation", collectionId: a.id, maxSelect: 5 },
      { name: "meta", type: "json" },
      { name: "cat", type: "select", values: ["a", "b", "c"], maxSelect: 2 },
    ],
  });
  await app.saveCollection(posts);
  const p = app.findCachedCollectionByNameOrId("posts") as Collection;
  const comments = Collection.create("base", "comments");
  comments.applyJSON({
    listRule: "",
    fields: [
      { name: "body", type: "text" },
      { name: "score", type: "number" },
      { name: "post", type: "relation", collectionId: p.id, maxSelect: 1 },
      { name: "by", type: "relation", collectionId: a.id, maxSelect: 1 },
    ],
  });
  await app.saveCollection(comments);
  const view = Collection.create("view", "post_authors");
  view.applyJSON({
    listRule: "",
    viewQuery:
      "SELECT posts.id AS id, posts.title AS title, authors.name AS name FROM posts LEFT JOIN authors ON authors.id = posts.author",
  });
  await app.saveCollection(view);
  const c = app.findCachedCollectionByNameOrId("comments") as Collection;
  const save = async (collection: Collection, data: Record<string, unknown>): Promise<void> => {
    const r = new RecordModel(collection);
    r.load(data);
    await app.save(r);
  };
  for (let i = 0; i < 12; i++) {
    await save(a, {
      id: idOf("au", i),
      name: texts[i % texts.length],
      age: numbers[i % numbers.length],
      vip: i % 3 === 0,
      born: dates[i % dates.length],
      tags: [["x"], [], ["y", "x"], ["z"]][i % 4],
    });
  }
  for (let i = 0; i < 30; i++) {
    await save(p, {
      id: idOf("po", i),
      title: texts[(i * 3) % texts.length],
      views: numbers[(i * 5) % numbers.length],
      pub: i % 2 === 0,
      at: dates[(i * 2) % dates.length],
      author: i % 7 === 0 ? "" : idOf("au", i % 12),
      coauthors: [0, 1, 2].slice(0, i % 4).map((k) => idOf("au", (i + k * 5) % 12)),
      meta: [null, { n: i % 5 }, { n: String(i % 5) }, { tags: ["a", i % 3] }, 5, "s"][i % 6],
      cat: [[], ["a"], ["b"], ["a", "c"]][i % 4],
    });
  }
  for (let i = 0; i < 50; i++) {
    await save(c, {
      id: idOf("co", i),
      body: texts[(i * 5) % texts.length],
      score: numbers[(i * 7) % numbers.length],
      post: i % 9 === 0 ? "" : idOf("po", (i * 3) % 30),
      by: idOf("au", (i * 5) % 12),
    });
  }
}

const fields = [
  "title",
  "views",
  "pub",
  "at",
  "author",
  "coauthors",
  "meta",
  "meta.n",
  "cat",
  "author.name",
  "author.age",
  "author.born",
  "author.tags",
  "coauthors.name",
  "coauthors.age",
  "comments_via_post.body",
  "comments_via_post.score",
  "comments_via_post.by.name",
  "author.comments_via_by.score",
  "@collection.comments.score",
  "title:lower",
  "coauthors:length",
  "cat:each",
  "author.tags:each",
];
const sorts = [
  "title",
  "-title",
  "views",
  "-views",
  "pub",
  "-at",
  "author.name",
  "-author.age",
  "author.born",
  "meta.n",
  "-meta.n",
  "meta",
  "cat",
  "-coauthors",
  "created",
  "-@rowid",
];

/** randomQueries draws n filters, each with a sort of two keys (then the id) half of the time. */
function randomQueries(seed: number, n: number): Record<string, string>[] {
  const next = lcg(seed);
  const pick = picker(next);
  const ops = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?<", "?~", "?!~"];
  const literal = (): string =>
    pick([
      () => String(pick(numbers)),
      () => JSON.stringify(pick(texts)),
      () => pick(["true", "false", "null", "''"]),
      () => pick(fields),
      () => pick(["@now", "@todayStart", "@yearEnd"]),
      () => `strftime('%Y', ${pick(["at", "author.born"])})`,
    ])();
  const expression = (depth: number): string =>
    depth > 0 && next() < 0.3
      ? `(${expression(depth - 1)} ${pick(["&&", "||"])} ${expression(depth - 1)})`
      : `${pick(fields)} ${pick(ops)} ${literal()}`;
  return Array.from({ length: n }, () => {
    const filter = expression(2);
    return next() < 0.5 ? { filter, sort: "id" } : { filter, sort: `${pick(sorts)},${pick(sorts)},id` };
  });
}

if (reason) {
  skipNote("tests/db/postgres-sorts-agree.test.ts", reason);
  describe.skip(`relations and sorts list SQLite's records in SQLite's order on PostgreSQL (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("relations and sorts list SQLite's records in SQLite's order on PostgreSQL", () => {
    let engines: EnginePair;

    beforeAll(async () => {
      engines = await openEnginePair(seed);
    });

    afterAll(() => engines?.close());

    const both = async (collection: string, query: Record<string, string>): Promise<void> => {
      const expected = await listed(engines.sqlite, collection, query);
      expect(expected).toMatch(/,/);
      expect(await listed(engines.postgres, collection, query)).toBe(expected);
    };

    test.each([
      ["author.name,id", "posts without an author first"],
      ["-author.age,id", "posts without an author last"],
      ["views,author.born,id", "a joined key after a tie"],
      ["cat,id", "a list column by its text"],
      ["-coauthors,id", "a list of relations by its text"],
    ])("posts sorted by %s (%s)", (sort) => both("posts", { sort }));

    test("a view's empty column sorts first going up, last going down", async () => {
      await both("post_authors", { sort: "name,id" });
      await both("post_authors", { sort: "-name,id" });
    });

    test("300 filters and sorts drawn at random list the same records in the same order", async () => {
      const differing: string[] = [];
      for (const query of randomQueries(3, 300)) {
        const [a, b] = [await listed(engines.sqlite, "posts", query), await listed(engines.postgres, "posts", query)];
        if (a !== b) differing.push(`${JSON.stringify(query)}\n  SQLite: ${a}\n  PostgreSQL: ${b}`);
      }
      expect(differing).toEqual([]);
    });
  });
}
