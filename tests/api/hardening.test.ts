import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { newRouter } from "../../src/apis/base.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { ServeProcess } from "../cli/process.ts";

/**
 * Requests any guest or new user can send that must not take the server down for others: an endless
 * chunked upload, an expand that multiplies, runaway filters, a request whose reads together pass the
 * query timeout, and malformed request lines.
 */

const password = "S3cret-pass-123";
// two to-many paths compared pair by pair (never true, so every pair is read): 1,200 × 36,000 per post
const runawayFilter =
  "author.posts_via_author.notes_via_post.m ?~ notes_via_post.post.author.posts_via_author.notes_via_post.post.title";
const amplifyingExpand = "author.posts_via_author.author.posts_via_author.author.posts_via_author";

/** seed makes posts (by two users, 40 for the first) with 30 notes each, all open to guests. */
async function seed(app: BaseApp): Promise<void> {
  const users = app.findCachedCollectionByNameOrId("users") as Collection;
  users.listRule = "";
  users.viewRule = "";
  await app.saveCollection(users);
  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
    ],
  });
  await app.saveCollection(posts);
  const notes = Collection.create("base", "notes");
  notes.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 },
      { name: "m", type: "text" },
    ],
  });
  await app.saveCollection(notes);
  await app.runInTransaction(async (tx) => {
    const authors: RecordModel[] = [];
    for (const email of ["a@example.com", "b@example.com"]) {
      const u = new RecordModel(users);
      u.load({ email, password, passwordConfirm: password });
      await tx.save(u);
      authors.push(u);
    }
    for (let i = 0; i < 60; i++) {
      const post = new RecordModel(posts);
      post.load({ title: `post ${i} ${"lorem ipsum ".repeat(20)}`, author: authors[i < 40 ? 0 : 1]?.id });
      await tx.save(post);
      for (let j = 0; j < 30; j++) {
        const note = new RecordModel(notes);
        note.load({ post: post.id, m: `n${i}-${j}` });
        await tx.save(note);
      }
    }
  });
}

/** peakRssMiB is the most memory the process has held so far (VmHWM). */
async function peakRssMiB(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const kb = Number(/VmHWM:\s*(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

async function signIn(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/collections/users/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: email, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** rawRequest writes bytes on a fresh connection and returns what comes back before it closes. */
async function rawRequest(url: string, request: Uint8Array): Promise<string> {
  const { hostname, port } = new URL(url);
  const chunks: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open: (s) => {
          s.write(request);
        },
        data: (_s, d) => {
          chunks.push(d.toString());
        },
        close: done,
        error: done,
      },
    });
  });
  return chunks.join("");
}

describe("a served data directory", () => {
  let dir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    // the data directory's siblings (satchel_migrations/, satchel_hooks/) load at start: give it a folder of its own
    dir = join(await mkdtemp(join(tmpdir(), "satchel-hardening-")), "satchel_data");
    const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
    await app.bootstrap();
    await seed(app);
    await app.terminate();
    server = await ServeProcess.start(dir, { args: ["--queryTimeout=3", "--maxExpandRecords=5000"] });
  });

  afterAll(async () => {
    server?.signal("SIGTERM");
    await server?.exit(10_000);
    await rm(dirname(dir), { recursive: true, force: true });
  });

  test("a 400 MB chunked multipart body is refused with a 413 without the server holding it", async () => {
    const boundary = "----satchel";
    const total = 400 << 20;
    const chunk = new Uint8Array(1 << 20).fill(97);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="identity"; filename="a.txt"\r\n\r\n`,
          ),
        );
      },
      pull(c) {
        if (sent >= total) {
          c.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          c.close();
          return;
        }
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ data: {}, message: "Request entity too large.", status: 413 });
    // the server stopped reading near the 32 MiB limit
    expect(sent).toBeLessThan(200 << 20);
    expect(await peakRssMiB(server.proc.pid)).toBeLessThan(200);
  });

  test("an expand that multiplies its records is a 400 naming the limit, answered fast", async () => {
    const token = await signIn(server.url, "a@example.com");
    const started = performance.now();
    const res = await fetch(
      `${server.url}/api/collections/posts/records?perPage=30&expand=${encodeURIComponent(amplifyingExpand)}`,
      { headers: { authorization: token } },
    );
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { status: number; message: string };
    expect(res.status).toBe(400);
    expect(body.message).toContain("more than 5000 records");
    // refused as the limit is reached, not after building the records (seconds, and the memory checked below)
    expect(elapsed).toBeLessThan(3000);
    expect(await peakRssMiB(server.proc.pid)).toBeLessThan(200);
    // a shorter path of the same shape still expands
    const ok = await fetch(
      `${server.url}/api/collections/posts/records?perPage=30&expand=${encodeURIComponent("author.posts_via_author")}`,
    );
    const list = (await ok.json()) as { items: { expand: { author: { expand: { posts_via_author: unknown[] } } } }[] };
    expect(ok.status).toBe(200);
    expect(list.items[0]?.expand.author.expand.posts_via_author).toHaveLength(40);
  });

  test("another user's back-relation filter answers at once while one user's runaway filters run", async () => {
    const [attacker, victim] = await Promise.all([
      signIn(server.url, "a@example.com"),
      signIn(server.url, "b@example.com"),
    ]);
    const list = (token: string, filter: string) =>
      fetch(`${server.url}/api/collections/posts/records?filter=${encodeURIComponent(filter)}`, {
        headers: { authorization: token },
      });
    let stopped = false;
    const runaway = Promise.all([list(attacker, runawayFilter), list(attacker, runawayFilter)]).finally(() => {
      stopped = true;
    });
    await Bun.sleep(200);
    const res = await list(victim, "notes_via_post.m ?= 'n7-3'");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalItems: number }).totalItems).toBe(1);
    // answered while the runaway filters still run, not once the query timeout stopped them
    expect(stopped).toBe(false);
    // both runaway requests are stopped by the 3 s query timeout, the queued one included
    for (const r of await runaway) expect(r.status).toBe(400);
  });

  test("a NUL byte in the path or a lowercase method doesn't take the server down", async () => {
    const encode = (s: string) => new TextEncoder().encode(s);
    // Bun's HTTP parser answers these before Satchel sees them (README, "Limits")
    const nul = await rawRequest(server.url, encode("GET /api/health\u0000x HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(nul).toMatch(/^HTTP\/1\.1 [45]\d\d /);
    const lower = await rawRequest(server.url, encode("get /api/health HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(lower === "" || /^HTTP\/1\.1 4\d\d /.test(lower)).toBe(true);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe("in process", () => {
  let dir: string;
  let app: BaseApp;
  let router: ReturnType<typeof newRouter>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "satchel-deadline-"));
    app = createApp({
      dataDir: dir,
      openDatabase: (p) => new SqliteDriver(p, { queryTimeoutMs: 600 }),
      migrations: systemMigrations,
      expandLimits: { maxBytes: 100 << 10 },
    });
    await app.bootstrap();
    await seed(app);
    router = newRouter(app);
  });

  afterAll(async () => {
    await app.terminate();
    await rm(dir, { recursive: true, force: true });
  });

  test("expanded records past the size limit are a 400 naming it; under it they expand", async () => {
    const list = (expand: string) =>
      router.fetch(new Request(`http://localhost/api/collections/posts/records?perPage=30&expand=${expand}`));
    const res = await list("author.posts_via_author");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("more than 100 KiB");
    const ok = await list("author");
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { items: { expand: { author: { email: string } } }[] };
    expect(body.items).toHaveLength(30);
    expect(body.items.every((p) => p.expand.author !== undefined)).toBe(true);
  });

  test("a request whose reads together pass the query timeout is stopped, expands included", async () => {
    const url = "http://localhost/api/collections/posts/records?perPage=2&expand=author";
    expect((await router.fetch(new Request(url))).status).toBe(200);
    // a hook that takes most of the budget before the expand runs
    const unbind = app.onRecordsListRequest().bind({
      id: "slow",
      func: async (e) => {
        await Bun.sleep(700);
        return e.next();
      },
    });
    try {
      const res = await router.fetch(new Request(url));
      const body = (await res.json()) as { status: number; message: string };
      expect(res.status).toBe(400);
      expect(body.message).toContain("query timeout");
    } finally {
      app.onRecordsListRequest().unbind(unbind);
    }
  });
});
