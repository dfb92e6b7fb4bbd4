/**
 * Authors, their posts and the posts' comments (and a view of posts with their author's name), with values of
 * every kind across types (texts that read as numbers, dates, lists, JSON), the same on any engine: the data of
 * the cross-engine tests of rules and sorts.
 */
import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";

export const texts = [
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
export const numbers = [0, 1, -1, 1.5, 10, 9, 1e20, -0.5, 100, 2, 0.25, 1e-7];
export const dates = ["", "2024-01-01 00:00:00.000Z", "2024-01-01 10:00:00.000Z", "2030-05-05 05:05:05.000Z"];
export const idOf = (prefix: string, i: number): string => `${prefix}${String(i).padStart(15 - prefix.length, "0")}`;

/** seedBlog makes the collections and their records in the app. */
export async function seedBlog(app: App): Promise<void> {
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
