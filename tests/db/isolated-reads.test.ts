import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { QueryTimeoutError } from "../../src/db/driver.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
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
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 1000 });
  const slow =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 2000000000) SELECT count(*) AS n FROM c";
  const started = performance.now();
  const pending = d.all(slow, [], { isolate: true });
  expect(await d.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  await expect(pending).rejects.toBeInstanceOf(QueryTimeoutError);
  expect(performance.now() - started).toBeLessThan(8000);
  // the reader is replaced and keeps working (on a loaded machine its start may outlast one short timeout)
  const again = () => d.all("SELECT ? AS v", [7], { isolate: true });
  expect(await again().catch(again)).toEqual([{ v: 7 }]);
  await d.close();
});

const endless =
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 5000000000) SELECT count(*) AS n FROM c";

/** cpuMs is the CPU time this process (all its threads) and its children have used so far, from /proc. */
async function cpuMs(): Promise<number> {
  const own = process.cpuUsage();
  const tasks = await readdir(`/proc/${process.pid}/task`);
  let ticks = 0;
  for (const task of tasks) {
    const children = (await Bun.file(`/proc/${process.pid}/task/${task}/children`).text()).trim();
    for (const pid of children.split(/\s+/).filter(Boolean)) {
      const stat = await Bun.file(`/proc/${pid}/stat`)
        .text()
        .catch(() => "");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    }
  }
  return (own.user + own.system) / 1000 + ticks * 10;
}

test.skipIf(process.platform !== "linux")("a read stopped at its deadline stops using the CPU", async () => {
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 300 });
  await expect(d.all(endless, [], { isolate: true })).rejects.toBeInstanceOf(QueryTimeoutError);
  const before = await cpuMs();
  await Bun.sleep(1000);
  // a worker thread's SQLite call ran on after terminate(), burning a core for as long as the query lasted
  expect((await cpuMs()) - before).toBeLessThan(300);
  await d.close();
});

test("one requester's endless reads hold one worker: other requesters' reads run at once", async () => {
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 20_000 });
  const scope = (requester: string, ms = 6000) => ({ requester, deadline: performance.now() + ms });
  const attacker = scope("attacker");
  const failures = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (err: unknown) => err,
    );
  const runaway = [1, 2, 3].map(() => failures(d.all(endless, [], { isolate: true, scope: attacker })));
  // two other runaway requesters fill the two warm workers: the pool grows for the next one
  const others = [scope("x"), scope("y")].map((s) => failures(d.all(endless, [], { isolate: true, scope: s })));
  await Bun.sleep(100);
  const started = performance.now();
  expect(await d.all("SELECT ? AS v", [1], { isolate: true, scope: scope("victim") })).toEqual([{ v: 1 }]);
  // well before the runaway reads' deadline, when a queued read would have its turn
  expect(performance.now() - started).toBeLessThan(4000);
  for (const err of await Promise.all([...runaway, ...others])) expect(err).toBeInstanceOf(QueryTimeoutError);
  await d.close();
});

test("a request's reads share one deadline: a read started past it fails at once", async () => {
  const d = new SqliteDriver(join(await tempDir(), "t.db"), { queryTimeoutMs: 20_000 });
  const scope = { requester: "r", deadline: performance.now() + 400 };
  const started = performance.now();
  await expect(d.all(endless, [], { isolate: true, scope })).rejects.toBeInstanceOf(QueryTimeoutError);
  // stopped at the request's deadline, not at the 20 s query timeout
  expect(performance.now() - started).toBeLessThan(5000);
  await expect(d.all("SELECT 1 AS one", [], { isolate: true, scope })).rejects.toBeInstanceOf(QueryTimeoutError);
  await expect(d.all("SELECT 1 AS one", [], { scope })).rejects.toBeInstanceOf(QueryTimeoutError);
  // reads of another request are not affected
  expect(await d.all("SELECT 1 AS one", [], { isolate: true })).toEqual([{ one: 1 }]);
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
  let stopped = false;
  const slow = guest
    .collection("posts")
    .getList(1, 10, { filter })
    .finally(() => {
      stopped = true;
    });
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(200);
  // answered while the filter still runs, not once the timeout stopped it
  expect(stopped).toBe(false);
  await expect(slow).rejects.toMatchObject({ status: 400 });
  expect(performance.now() - started).toBeLessThan(8000);
});
