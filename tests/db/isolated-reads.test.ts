import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { QueryTimeoutError } from "../../src/db/sqlite/isolated-reader.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "satchel-isolated-"));
  dirs.push(d);
  return d;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test("an isolated read is stopped at the timeout while other statements keep running", async () => {
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 300 });
  const slow =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 200000000) SELECT count(*) AS n FROM c";
  const started = performance.now();
  const pending = d.all(slow, [], { isolate: true });
  expect(await d.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  await expect(pending).rejects.toBeInstanceOf(QueryTimeoutError);
  expect(performance.now() - started).toBeLessThan(3000);
  // the reader is replaced and keeps working
  expect(await d.all("SELECT ? AS v", [7], { isolate: true })).toEqual([{ v: 7 }]);
  await d.close();
});

test("isolated reads see what was committed", async () => {
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 5000 });
  await d.exec("CREATE TABLE t (a INTEGER)");
  await d.run("INSERT INTO t (a) VALUES (?)", [1]);
  expect(await d.all("SELECT a FROM t", [], { isolate: true })).toEqual([{ a: 1 }]);
  await d.close();
});

let server: Awaited<ReturnType<typeof serve>>;
let pb: PocketBase;

beforeAll(async () => {
  const dir = await tempDir();
  const app = createApp({
    dataDir: dir,
    openDatabase: (p) => new SqliteDriver(p, { queryTimeoutMs: 1500 }),
    migrations: systemMigrations,
  });
  await app.bootstrap();
  await upsertSuperuser(app, "root@example.com", "S3cret-pass-123");
  server = await serve(app, { http: "127.0.0.1:0", origins: ["*"] });
  pb = new PocketBase(server.url);
  pb.autoCancellation(false);
  await pb.collection("_superusers").authWithPassword("root@example.com", "S3cret-pass-123");
  await pb.collections.create({ name: "posts", type: "base", listRule: "", fields: [{ name: "t", type: "text" }] });
  const posts = await pb.collections.getOne("posts");
  await pb.collections.create({
    name: "notes",
    type: "base",
    listRule: "",
    fields: [
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 },
      { name: "m", type: "text" },
    ],
  });
  const batch: Promise<unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    const p = await pb.collection("posts").create({ t: `p${i}` });
    for (let j = 0; j < 30; j++) batch.push(pb.collection("notes").create({ post: p.id, m: `n${i}-${j}` }));
  }
  await Promise.all(batch);
});

afterAll(async () => {
  await server?.stop();
});

test("a filter whose joins explode is a 400 after the timeout, and the server answers others meanwhile", async () => {
  const guest = new PocketBase(server.url);
  guest.autoCancellation(false);
  // every pair of 900 notes and 27,000 note-post paths must pass (all do), so nothing stops early
  const filter =
    "t = 'x' || notes_via_post.post.notes_via_post.m !~ notes_via_post.post.notes_via_post.post.notes_via_post.post.t";
  const started = performance.now();
  const slow = guest.collection("posts").getList(1, 10, { filter });
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(200);
  expect(performance.now() - started).toBeLessThan(1000);
  await expect(slow).rejects.toMatchObject({ status: 400 });
  expect(performance.now() - started).toBeLessThan(8000);
});
