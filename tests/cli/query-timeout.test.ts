import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { ServeProcess } from "./process.ts";

let dir: string;

/** 60 posts with 30 notes each: a filter through three back-relations joins billions of rows. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-query-timeout-"));
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  const posts = Collection.create("base", "posts");
  posts.applyJSON({ listRule: "", fields: [{ name: "t", type: "text" }] });
  await app.saveCollection(posts);
  const notes = Collection.create("base", "notes");
  notes.applyJSON({
    listRule: "",
    fields: [
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 },
      { name: "m", type: "text" },
    ],
  });
  await app.saveCollection(notes);
  await app.runInTransaction(async (tx) => {
    for (let i = 0; i < 60; i++) {
      const post = new RecordModel(posts);
      post.load({ t: `p${i}` });
      await tx.save(post);
      for (let j = 0; j < 30; j++) {
        const note = new RecordModel(notes);
        note.load({ post: post.id, m: `n${i}-${j}` });
        await tx.save(note);
      }
    }
  });
  await app.terminate();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("serve --queryTimeout stops a runaway list query after that many seconds with a 400", async () => {
  const server = await ServeProcess.start(dir, { args: ["--queryTimeout=1"] });
  try {
    // every pair of 900 notes and 27,000 note-post paths must pass (all do), so nothing stops early
    const filter =
      "t = 'x' || notes_via_post.post.notes_via_post.m !~ notes_via_post.post.notes_via_post.post.notes_via_post.post.t";
    const started = performance.now();
    const res = await fetch(`${server.url}/api/collections/posts/records?filter=${encodeURIComponent(filter)}`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(400);
    expect(((await res.json()) as { status: number }).status).toBe(400);
    // well under the default 30 s
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(10_000);
  } finally {
    server.signal("SIGTERM");
    await server.exit(10_000);
  }
}, 30_000);
