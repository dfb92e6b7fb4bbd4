import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { UploadedFile } from "../../src/tools/filesystem/file.ts";
import { send } from "./api-scenario.ts";

/**
 * A rich app for copies between engines: every field type, single and multiple relations (and a
 * back-relation), an auth collection with users, a view collection, files, and settings of its own.
 */
export async function seedRichApp(app: App): Promise<void> {
  const authors = Collection.create("auth", "authors");
  authors.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text", max: 100 },
      { name: "bio", type: "editor" },
      { name: "age", type: "number" },
      { name: "active", type: "bool" },
      { name: "website", type: "url" },
      { name: "contact", type: "email" },
      { name: "joined", type: "date" },
      { name: "role", type: "select", values: ["admin", "writer", "guest"], maxSelect: 1 },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "meta", type: "json" },
      { name: "home", type: "geoPoint" },
      { name: "avatar", type: "file", maxSelect: 1, maxSize: 1 << 20 },
    ],
    indexes: ["CREATE INDEX `idx_authors_name` ON `authors` (`name` COLLATE NOCASE)"],
  });
  await app.saveCollection(authors);

  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
      { name: "reviewers", type: "relation", collectionId: authors.id, maxSelect: 5 },
      { name: "score", type: "number" },
      { name: "published", type: "bool" },
      { name: "docs", type: "file", maxSelect: 3, maxSize: 1 << 20 },
      { name: "extra", type: "json" },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: ["CREATE UNIQUE INDEX `idx_posts_title` ON `posts` (`title`)"],
  });
  await app.saveCollection(posts);

  const comments = Collection.create("base", "comments");
  comments.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, cascadeDelete: true },
      { name: "body", type: "text" },
    ],
  });
  await app.saveCollection(comments);

  const stats = Collection.create("view", "post_stats");
  stats.applyJSON({
    listRule: "",
    viewRule: "",
    viewQuery:
      "SELECT p.id, p.title, p.score, (SELECT count(*) FROM comments c WHERE c.post = p.id) AS comments FROM posts p",
  });
  await app.saveCollection(stats);

  const people: RecordModel[] = [];
  for (const [i, name] of ["Ada", "Émile", "zoë"].entries()) {
    const a = new RecordModel(authors);
    a.load({
      email: `author${i}@example.com`,
      password: "1234567890",
      passwordConfirm: "1234567890",
      verified: i !== 1,
      emailVisibility: i === 0,
      name,
      bio: `<p>about <b>${name}</b></p>`,
      age: 30.5 + i,
      active: i % 2 === 0,
      website: `https://example.com/${i}`,
      contact: `contact${i}@example.com`,
      joined: `2024-0${i + 1}-02 10:20:30.123Z`,
      role: ["admin", "writer", "guest"][i],
      tags: ["a", "c"].slice(0, i + 1),
      meta: { level: i, nested: { list: [1, "two", null, true] }, text: 'quote " and \\ back' },
      home: { lon: 2.35 + i, lat: 48.85 - i },
      avatar: i === 0 ? [new UploadedFile("face.png", new TextEncoder().encode("not really a png"))] : [],
    });
    await app.save(a);
    people.push(a);
  }
  for (let i = 0; i < 5; i++) {
    const p = new RecordModel(posts);
    p.load({
      title: `post ${i}`,
      author: people[i % 3]?.id,
      reviewers: people.slice(0, i % 4).map((x) => x.id),
      score: i * 1.25 - 2,
      published: i % 2 === 1,
      docs: [new UploadedFile(`doc${i}.txt`, new TextEncoder().encode(`the text of post ${i}`))],
      extra: i === 0 ? null : [i, { k: `v${i}` }],
    });
    await app.save(p);
    for (let j = 0; j < i; j++) {
      const c = new RecordModel(comments);
      c.load({ post: p.id, body: `comment ${j} on post ${i}` });
      await app.save(c);
    }
  }
  const users = await app.findCollectionByNameOrId("users");
  const user = new RecordModel(users);
  user.load({ email: "user@example.com", password: "1234567890", passwordConfirm: "1234567890", name: "A user" });
  await app.save(user);

  const settings = app.settings();
  settings.meta.appName = "Rich app";
  await app.saveSettings(settings);
}

/** The requests whose answers must be the same on either engine, as the superuser. */
export function richAppRequests(app: App): string[] {
  const urls = ["/api/collections?perPage=200&sort=name", "/api/settings"];
  for (const c of app.findAllCollections()) {
    const base = `/api/collections/${c.name}/records`;
    urls.push(`${base}?perPage=200&sort=id`);
    urls.push(`${base}?perPage=200&sort=-created,id&filter=${encodeURIComponent("id != ''")}`);
  }
  urls.push("/api/collections/posts/records?perPage=200&sort=id&expand=author,reviewers,comments_via_post");
  urls.push("/api/collections/comments/records?perPage=200&sort=id&expand=post.author,post.reviewers");
  urls.push("/api/collections/post_stats/records?perPage=200&sort=-comments,id&filter=score%3E0");
  urls.push("/api/collections/authors/records?perPage=200&sort=name&filter=name~'É'||active=true");
  return urls;
}

/**
 * answers sends each request (and a view of each listed record) and keeps status and body by URL: the body's
 * text, so that an object's keys must come in the same order too.
 */
export async function answers(app: App): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const url of richAppRequests(app)) {
    const res = await send(app, { url, auth: "superuser" });
    out[url] = { status: res.status, body: res.text };
    if (!url.includes("/records?perPage=200&sort=id") || url.includes("expand")) continue;
    const items = (res.json as { items?: { id: string }[] }).items ?? [];
    const base = url.slice(0, url.indexOf("?"));
    for (const item of items) {
      const view = await send(app, { url: `${base}/${item.id}`, auth: "superuser" });
      out[`${base}/${item.id}`] = { status: view.status, body: view.text };
    }
  }
  return out;
}
