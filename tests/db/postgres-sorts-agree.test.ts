import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { App } from "../../src/core/app.ts";
import type { Collection } from "../../src/core/collection-model.ts";
import { send } from "../helpers/api-scenario.ts";
import { idOf, numbers, seedBlog, texts } from "./blog-seed.ts";
import { differing, type EnginePair, lcg, listed, openEnginePair, picker } from "./engine-pair.ts";
import { postgresUnavailable, skipNote } from "./postgres-server.ts";

// Authors, their posts and the posts' comments, the same on SQLite and on PostgreSQL: filters through
// relations (to one, to many, back-relations, @collection) and sorts on any of them must list the same records
// in the same order on both. SQLite puts NULLs (a post without an author, a view's empty column) first going up
// and last going down, and orders a JSON list column by its text.

const reason = postgresUnavailable();

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
      engines = await openEnginePair(seedBlog);
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
      const posts = (app: App, query: Record<string, string>) => listed(app, "posts", query);
      expect(await differing(engines, randomQueries(3, 300), posts)).toEqual([]);
    });

    // last: it changes records. On PostgreSQL an update writes a row anew elsewhere (its ctid moves), which
    // must move it neither in `@rowid`'s order nor among a back-relation's expanded records
    test("after updates, @rowid and a back-relation's expand keep the order records were first inserted in", async () => {
      for (const app of [engines.sqlite, engines.postgres]) {
        for (const name of ["posts", "comments"]) {
          const viewable = (app.findCachedCollectionByNameOrId(name) as Collection).clone();
          viewable.viewRule = "";
          await app.saveCollection(viewable);
        }
        for (const [collection, id, body] of [
          ["posts", idOf("po", 3), { title: "changed" }],
          ["posts", idOf("po", 0), { views: 7 }],
          ["comments", idOf("co", 1), { body: "changed" }],
          ["comments", idOf("co", 11), { score: 3 }],
        ] as const) {
          const record = await app.findRecordById(collection, id);
          if (!record) throw new Error(`no ${collection} record ${id}`);
          for (const [field, value] of Object.entries(body)) record.set(field, value);
          await app.save(record);
        }
      }
      await both("posts", { sort: "@rowid" });
      await both("posts", { sort: "-@rowid" });
      await both("comments", { sort: "-@rowid", filter: "score > 0" });
      const expanded = async (app: App): Promise<string> => {
        const res = await send(app, {
          url: `/api/collections/posts/records/${idOf("po", 3)}?expand=comments_via_post`,
        });
        const expand = (res.json as { expand?: { comments_via_post?: { id: string }[] } }).expand;
        return (expand?.comments_via_post ?? []).map((c) => c.id).join(",");
      };
      const expected = await expanded(engines.sqlite);
      expect(expected).toMatch(/,/);
      expect(await expanded(engines.postgres)).toBe(expected);
    });
  });
}
