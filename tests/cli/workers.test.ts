import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { bestOf, Inbox, type RecordEvent } from "../realtime/helpers.ts";
import { runSatchel, ServeProcess } from "./process.ts";

/**
 * `satchel serve --workers=2` on SQLite, driven by the SDK: two processes share the port (the kernel picks
 * which one gets each connection) and the data directory. Realtime clients are spread over both by opening
 * as many as it takes (a client id ends with its process's tag, `x001` or `x002`).
 */

setDefaultTimeout(60_000);

const email = "root@example.com";
const password = "S3cret-pass-123";
const userPassword = "user-pass-123";

let tmp: string;
let server: ServeProcess;
let admin: PocketBase;

function client(): PocketBase {
  const pb = new PocketBase(server.url);
  pb.autoCancellation(false);
  return pb;
}

/** The pids of the workers (the primary's children). */
async function workerPids(): Promise<number[]> {
  const out = await new Response(Bun.spawn(["ps", "-o", "pid=", "--ppid", String(server.proc.pid)]).stdout).text();
  return out
    .split("\n")
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

/** subscribers opens clients subscribed to notes until there is one held by each worker. */
async function subscribersOnEachWorker(
  login?: string,
  signIn?: (pb: PocketBase) => Promise<void>,
): Promise<{ tag: string; pb: PocketBase; inbox: Inbox<RecordEvent>; stop: () => Promise<void> }[]> {
  const byTag = new Map<
    string,
    { tag: string; pb: PocketBase; inbox: Inbox<RecordEvent>; stop: () => Promise<void> }
  >();
  const extra: (() => Promise<void>)[] = [];
  for (let i = 0; i < 40 && byTag.size < 2; i++) {
    const pb = client();
    if (login) await pb.collection("users").authWithPassword(login, userPassword);
    await signIn?.(pb);
    const inbox = new Inbox<RecordEvent>();
    const stop = await pb.collection("notes").subscribe("*", inbox.push);
    const tag = pb.realtime.clientId.slice(-4);
    if (byTag.has(tag)) extra.push(stop);
    else byTag.set(tag, { tag, pb, inbox, stop });
  }
  for (const stop of extra) await stop();
  expect([...byTag.keys()].sort()).toEqual(["x001", "x002"]);
  return [...byTag.values()];
}

/** A request on a new connection, so that the kernel picks a worker afresh. */
function freshFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    ...init,
    keepalive: false,
    headers: { ...init.headers, connection: "close" },
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-workers-"));
  const dir = join(tmp, "data");
  expect((await runSatchel(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
  const hooks = join(tmp, "hooks");
  await mkdir(hooks);
  // each worker tells whether its cron scheduler runs (only the cluster's leader's does)
  await writeFile(
    join(hooks, "leader.js"),
    `export default (app) => {
      app.onServe((e) => {
        e.router.get("/leader", (re) => re.json(200, { cron: re.app.cron().hasStarted(), pid: process.pid }));
        return e.next();
      });
    };\n`,
  );
  server = await ServeProcess.start(dir, { args: ["--workers=2", `--hooksDir=${hooks}`] });
  await server.stdout.waitFor(/Serving with 2 worker processes/, 15_000);
  admin = client();
  await admin.collection("_superusers").authWithPassword(email, password);
  await admin.collections.create({
    name: "notes",
    type: "base",
    listRule: "public = true || owner = @request.auth.id",
    viewRule: "public = true || owner = @request.auth.id",
    createRule: "",
    fields: [
      { name: "body", type: "text" },
      { name: "public", type: "bool" },
      { name: "owner", type: "text" },
    ],
  });
  await admin
    .collection("users")
    .create({ email: "u@example.com", password: userPassword, passwordConfirm: userPassword });
});

afterAll(async () => {
  if (server?.running) {
    expect(existsSync(join(tmp, "data", ".cluster_bus"))).toBe(true);
    server.signal("SIGTERM");
    expect(await server.exit(20_000)).toBe(0);
    // the primary took away the file telling other commands where its bus is
    expect(existsSync(join(tmp, "data", ".cluster_bus"))).toBe(false);
  }
  await rm(tmp, { recursive: true, force: true });
});

describe("serve --workers=2", () => {
  test("a record created through one worker reaches subscribers on both, rule-checked, within 200 ms", async () => {
    const subs = await subscribersOnEachWorker();
    try {
      await client().collection("notes").create({ body: "private", public: false, owner: "nobody" });
      const sent: string[] = [];
      const best = await bestOf(3, 200, async (i) => {
        sent.push(`hello ${i}`);
        const started = performance.now();
        await freshFetch("/api/collections/notes/records", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ body: `hello ${i}`, public: true }),
        });
        for (const s of subs) await s.inbox.waitFor(i);
        return performance.now() - started;
      });
      expect(best).toBeLessThan(200);
      await Bun.sleep(50);
      for (const s of subs) expect(s.inbox.items.map((e) => e.record.body)).toEqual(sent);
    } finally {
      for (const s of subs) await s.stop();
    }
  });

  test("a subscription request reaching either worker applies to the client, wherever its stream is", async () => {
    // the SDK's POST takes a new connection (the stream holds the first): the kernel picks its worker
    const clients = Array.from({ length: 8 }, () => ({ pb: client(), inbox: new Inbox<RecordEvent>() }));
    const stops = await Promise.all(clients.map((c) => c.pb.collection("notes").subscribe("*", c.inbox.push)));
    try {
      const [first] = clients;
      const clientId = first?.pb.realtime.clientId ?? "";
      // 16 requests on new connections land on both workers (all on one: 1 chance in 32,768)
      const statuses = await Promise.all(
        Array.from({ length: 16 }, () =>
          freshFetch("/api/realtime", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ clientId, subscriptions: ["notes/*"] }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual(Array(16).fill(204));
      const unknown = await freshFetch("/api/realtime", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId: "nobody-holds-this", subscriptions: [] }),
      });
      expect(unknown.status).toBe(404);
      await client().collection("notes").create({ body: "to all", public: true });
      for (const c of clients) expect((await c.inbox.waitFor(1, 2000))[0]?.record.body).toBe("to all");
    } finally {
      for (const stop of stops) await stop().catch(() => {});
    }
  });

  test("a rule change applies on every worker at its next request", async () => {
    const note = await client().collection("notes").create({ body: "rule", public: true });
    await admin.collections.update("notes", { viewRule: null });
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => freshFetch(`/api/collections/notes/records/${note.id}`).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(12).fill(403));
    await admin.collections.update("notes", { viewRule: "public = true || owner = @request.auth.id" });
    const after = await Promise.all(
      Array.from({ length: 12 }, () => freshFetch(`/api/collections/notes/records/${note.id}`).then((r) => r.status)),
    );
    expect(after).toEqual(Array(12).fill(200));
  });

  test("a password change drops the user's private events on every worker", async () => {
    const subs = await subscribersOnEachWorker("u@example.com");
    const id = subs[0]?.pb.authStore.record?.id ?? "";
    try {
      await client().collection("notes").create({ body: "mine", public: false, owner: id });
      for (const s of subs) await s.inbox.waitFor(1, 1000);
      await admin.collection("users").update(id, { password: "new-pass-456", passwordConfirm: "new-pass-456" });
      await client().collection("notes").create({ body: "after", public: false, owner: id });
      await Bun.sleep(200);
      for (const s of subs) expect(s.inbox.items.map((e) => e.record.body)).toEqual(["mine"]);
    } finally {
      for (const s of subs) await s.stop().catch(() => {});
    }
  });

  test("`satchel migrate up` and `superuser upsert` run on the data directory reach every worker at once", async () => {
    const dir = join(tmp, "data");
    const migrations = join(tmp, "migrations");
    await mkdir(migrations, { recursive: true });
    await writeFile(
      join(migrations, "1700000001_from_cli.ts"),
      `import { Collection, migrate } from "satchel/migrate";
export default migrate(async (app) => {
  await app.saveCollection(Collection.fromJSON({ name: "from_cli", type: "base", listRule: "", fields: [{ name: "title", type: "text" }] }));
});
`,
    );
    const list = () =>
      Promise.all(
        Array.from({ length: 12 }, () => freshFetch("/api/collections/from_cli/records").then((r) => r.status)),
      );
    expect(await list()).toEqual(Array(12).fill(404));
    const up = await runSatchel(["migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`]);
    expect(up.code).toBe(0);
    expect(await list()).toEqual(Array(12).fill(200));

    const subs = await subscribersOnEachWorker(undefined, async (pb) => {
      await pb.collection("_superusers").authWithPassword(email, password);
    });
    try {
      await client().collection("notes").create({ body: "before", public: false, owner: "nobody" });
      for (const s of subs) await s.inbox.waitFor(1, 1000);
      expect((await runSatchel(["superuser", "upsert", email, "new-S3cret-456", `--dir=${dir}`])).code).toBe(0);
      await client().collection("notes").create({ body: "after", public: false, owner: "nobody" });
      await Bun.sleep(200);
      for (const s of subs) expect(s.inbox.items.map((e) => e.record.body)).toEqual(["before"]);
    } finally {
      for (const s of subs) await s.stop().catch(() => {});
      expect((await runSatchel(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
      await admin.collection("_superusers").authWithPassword(email, password);
    }
  });

  test("cron jobs run on one worker only (one run per tick); when it dies, the other takes over", async () => {
    const ask = async () => (await (await freshFetch("/leader")).json()) as { cron: boolean; pid: number };
    const seen = new Map<number, boolean>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const a = await ask();
      seen.set(a.pid, a.cron);
    }
    expect(seen.size).toBe(2);
    expect([...seen.values()].filter(Boolean)).toHaveLength(1);
    const leader = [...seen].find(([, cron]) => cron)?.[0] ?? 0;
    process.kill(leader, "SIGKILL");
    await server.stderr.waitFor(/Worker \d stopped \(signal SIGKILL\): restarting it/, 5000);
    // the survivor leads at once (the hub hands the leadership on); the restarted worker doesn't
    const deadline = Date.now() + 5000;
    const now = new Map<number, boolean>();
    while (Date.now() < deadline && (now.size < 2 || [...now.values()].filter(Boolean).length !== 1)) {
      const a = await ask().catch(() => null);
      if (a && a.pid !== leader) now.set(a.pid, a.cron);
    }
    expect(now.size).toBe(2);
    expect([...now.values()].filter(Boolean)).toHaveLength(1);
  });

  test("50 writers and 50 readers: no client error", async () => {
    const errors: string[] = [];
    let writes = 0;
    let reads = 0;
    const until = Date.now() + 3000;
    const writer = async (w: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const res = await fetch(`${server.url}/api/collections/notes/records`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ body: `w${w} #${i}`, public: true }),
        });
        if (res.status !== 200) errors.push(`${res.status} ${await res.text()}`);
        else await res.arrayBuffer();
        writes++;
      }
    };
    const reader = async () => {
      while (Date.now() < until) {
        const res = await fetch(`${server.url}/api/collections/notes/records?perPage=20`);
        if (res.status !== 200) errors.push(`${res.status} ${await res.text()}`);
        else await res.arrayBuffer();
        reads++;
      }
    };
    await Promise.all([...Array.from({ length: 50 }, (_, w) => writer(w)), ...Array.from({ length: 50 }, reader)]);
    expect(errors).toEqual([]);
    expect(writes).toBeGreaterThan(100);
    expect(reads).toBeGreaterThan(100);
  });

  test("SIGKILL of a worker during writes loses no acknowledged write; the primary restarts it", async () => {
    const acknowledged: string[] = [];
    let stopped = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stopped; i++) {
        try {
          const res = await freshFetch("/api/collections/notes/records", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ body: `kill w${w} #${i}`, public: true }),
          });
          const text = await res.text();
          if (res.status === 200) acknowledged.push((JSON.parse(text) as { id: string }).id);
          else throw new Error(`${res.status} ${text}`);
        } catch (err) {
          // a connection cut by the kill: not acknowledged; anything else is a failure
          if (!(err instanceof Error) || /^\d{3} /.test(err.message)) throw err;
        }
      }
    });
    while (acknowledged.length < 100) await Bun.sleep(5);
    const [victim] = await workerPids();
    process.kill(victim ?? 0, "SIGKILL");
    await server.stderr.waitFor(/Worker \d stopped \(signal SIGKILL\): restarting it/, 5000);
    const target = acknowledged.length + 100;
    while (acknowledged.length < target) await Bun.sleep(5);
    stopped = true;
    await Promise.all(writers);
    const listed = new Set(
      (await admin.collection("notes").getFullList({ fields: "id", batch: 1000, filter: 'body ~ "kill"' })).map(
        (r) => r.id,
      ),
    );
    expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
    await Bun.sleep(1500);
    expect((await workerPids()).length).toBe(2);
  });

  test("a worker that keeps dying is given up on after a bound, and the other keeps serving", async () => {
    let givenUp: RegExpMatchArray | null = null;
    for (let i = 0; i < 10 && !givenUp; i++) {
      const seen = server.stderr.text.length;
      // the newest pid is the last restarted worker
      process.kill(Math.max(...(await workerPids())), "SIGKILL");
      const deadline = Date.now() + 5000;
      let line: RegExpMatchArray | null = null;
      while (!line && Date.now() < deadline) {
        line = server.stderr.text.slice(seen).match(/Worker (\d) stopped[^\n]*\n/);
        if (!line) await Bun.sleep(20);
      }
      expect(line).not.toBeNull();
      givenUp = line?.[0].match(/stopped (\d) times within 60 s \(last: signal SIGKILL\): not restarting it/) ?? null;
      if (!givenUp) while ((await workerPids()).length < 2 && Date.now() < deadline + 5000) await Bun.sleep(50);
    }
    expect(givenUp?.[1]).toBe("5");
    expect((await workerPids()).length).toBe(1);
    for (let i = 0; i < 5; i++) expect((await freshFetch("/api/health")).status).toBe(200);
  });
});
