import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import postgres from "postgres";
import { schemaVersion } from "../../src/cmd/postgres-cluster.ts";
import { runSatchel, ServeProcess } from "../cli/process.ts";
import { findPostgresBin, PostgresCluster, skipNote } from "../db/postgres-server.ts";
import { startS3rver, type TestS3 } from "../files/s3rver.ts";
import { bestOf, Inbox, type RecordEvent } from "../realtime/helpers.ts";
import { RoundRobinProxy } from "./proxy.ts";

/**
 * Three `satchel serve` nodes on loopback ports over one PostgreSQL server (run by this file, so it can be
 * stopped and started) with their files on s3rver, driven by the SDK: nothing but the database URL makes
 * them one cluster (LISTEN/NOTIFY for the bus, advisory locks for the leader).
 */

setDefaultTimeout(60_000);

const bin = findPostgresBin();
const reason = bin ? null : "no PostgreSQL server binaries (initdb, pg_ctl) found to start a server the test controls";

const email = "root@example.com";
const password = "S3cret-pass-123";
const userPassword = "user-pass-123";

// each node tells whether its cron scheduler runs (only the cluster's leader's does)
const leaderHook = `export default (app) => {
  app.onServe((e) => {
    e.router.get("/leader", (re) => re.json(200, { cron: re.app.cron().hasStarted() }));
    return e.next();
  });
};
`;

if (reason) {
  skipNote("tests/cluster/nodes.test.ts", reason);
  describe.skip(`three nodes on PostgreSQL (skipped: ${reason})`, () => {
    test("needs PostgreSQL's server binaries", () => {});
  });
} else {
  let pg: PostgresCluster;
  let s3: TestS3;
  let tmp: string;
  let url: string;
  let hooksDir: string;
  let nodes: ServeProcess[] = [];
  let adminAuth: { token: string; record: PocketBase["authStore"]["record"] };
  /** The superuser's client on node 1 (which a test may have restarted on another port). */
  const admin = () => {
    const pb = client(node(1));
    pb.authStore.save(adminAuth.token, adminAuth.record);
    return pb;
  };

  const node = (i: number) => nodes[i - 1] as ServeProcess;
  const client = (node: ServeProcess) => {
    const pb = new PocketBase(node.url);
    pb.autoCancellation(false);
    return pb;
  };
  const startNode = (i: number) =>
    ServeProcess.start(join(tmp, `node${i}`), { args: [`--db=${url}`, `--hooksDir=${hooksDir}`] });
  const sql = () => postgres(pg.url(), { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    pg = PostgresCluster.create(bin as string);
    tmp = await mkdtemp(join(tmpdir(), "satchel-nodes-"));
    url = `${pg.url()}?schema=app`;
    hooksDir = join(tmp, "hooks");
    await mkdir(hooksDir);
    await writeFile(join(hooksDir, "leader.js"), leaderHook);
    const [s, created] = await Promise.all([
      startS3rver(),
      runSatchel(["superuser", "upsert", email, password, `--dir=${join(tmp, "cli")}`, `--db=${url}`]),
    ]);
    s3 = s;
    expect(created.stderr).toBe("");
    nodes = await Promise.all([1, 2, 3].map(startNode));
    const first = client(nodes[0] as ServeProcess);
    await first.collection("_superusers").authWithPassword(email, password);
    adminAuth = { token: first.authStore.token, record: first.authStore.record };
    await admin().settings.update({ s3: { enabled: true, ...s3.options() } });
    await admin().collections.create({
      name: "notes",
      type: "base",
      listRule: "public = true || owner = @request.auth.id",
      viewRule: "public = true || owner = @request.auth.id",
      createRule: "",
      fields: [
        { name: "body", type: "text" },
        { name: "public", type: "bool" },
        { name: "owner", type: "text" },
        { name: "file", type: "file", maxSelect: 1 },
      ],
    });
    await admin()
      .collection("users")
      .create({ email: "u@example.com", password: userPassword, passwordConfirm: userPassword });
  });

  afterAll(async () => {
    for (const n of nodes) if (n.running) n.signal("SIGTERM");
    await Promise.all(nodes.map((n) => n.exit(20_000).catch(() => {})));
    await s3?.stop();
    pg?.destroy();
    await rm(tmp, { recursive: true, force: true });
  });

  describe("three nodes on one PostgreSQL database", () => {
    test("each node warned at start that local file storage isn't shared", () => {
      for (const n of nodes) expect(n.stderr.text).toContain("Other nodes serving the same PostgreSQL database");
    });

    test("a record created through node 1 reaches a subscriber on node 3, rule-checked, within 200 ms", async () => {
      const viewer = client(node(3));
      const inbox = new Inbox<RecordEvent>();
      const stop = await viewer.collection("notes").subscribe("*", inbox.push);
      try {
        const writer = client(node(1));
        await writer.collection("notes").create({ body: "private", public: false, owner: "nobody" });
        const sent: string[] = [];
        const best = await bestOf(3, 200, async (i) => {
          sent.push(`hello ${i}`);
          await writer.collection("notes").create({ body: `hello ${i}`, public: true });
          // from the create's answer (its commit came just before): the request's own time is no part of it
          const committed = performance.now();
          await inbox.waitFor(i);
          return performance.now() - committed;
        });
        expect(best).toBeLessThan(200);
        expect(inbox.items[0]?.action).toBe("create");
        await Bun.sleep(100);
        expect(inbox.items.map((e) => e.record.body)).toEqual(sent);
      } finally {
        await stop();
      }
    });

    test("behind a round-robin balancer (no sticky sessions) the SDK's subscriptions work, rule-checked", async () => {
      const proxy = new RoundRobinProxy(() => [1, 2, 3].map((i) => node(i).url));
      const user = new PocketBase(proxy.url);
      user.autoCancellation(false);
      try {
        await user.collection("users").authWithPassword("u@example.com", userPassword);
        const inbox = new Inbox<RecordEvent>();
        const first = proxy.routed.length;
        const stop = await user.collection("notes").subscribe("*", inbox.push);
        // the stream went to one node and the subscription request to the next
        const [connect, subscribe] = proxy.routed.slice(first);
        expect(connect?.startsWith("GET /api/realtime -> ")).toBe(true);
        expect(subscribe?.startsWith("POST /api/realtime -> ")).toBe(true);
        expect(connect?.split(" -> ")[1]).not.toBe(subscribe?.split(" -> ")[1]);
        const id = user.authStore.record?.id ?? "";
        const writer = client(node(1));
        await writer.collection("notes").create({ body: "someone else's", public: false, owner: "nobody" });
        await writer.collection("notes").create({ body: "mine", public: false, owner: id });
        const [event] = await inbox.waitFor(1, 1000);
        expect(event?.record.body).toBe("mine");
        // another auth than the client's is refused by the node holding it, whichever node it reached
        for (const i of [1, 2, 3]) {
          const res = await fetch(`${node(i).url}/api/realtime`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: adminAuth.token },
            body: JSON.stringify({ clientId: user.realtime.clientId, subscriptions: ["notes/*"] }),
          });
          expect(res.status).toBe(403);
        }
        const unknown = await fetch(`${node(2).url}/api/realtime`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ clientId: "nobody-holds-this", subscriptions: [] }),
        });
        expect(unknown.status).toBe(404);
        await stop();
        await Bun.sleep(100);
        expect(inbox.items.map((e) => e.record.body)).toEqual(["mine"]);
      } finally {
        await user.realtime.unsubscribe().catch(() => {});
        await proxy.stop();
      }
    });

    test("a file uploaded through one node is served by the others (S3)", async () => {
      const form = new FormData();
      form.set("body", "with a file");
      form.set("public", "true");
      form.set("file", new File(["shared bytes"], "a.txt", { type: "text/plain" }));
      const note = await client(node(2)).collection("notes").create(form);
      const res = await fetch(`${node(3).url}/api/files/notes/${note.id}/${note.file}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("shared bytes");
    });

    test("a rule change through node 2 applies on node 1 at its next request", async () => {
      const note = await client(node(1)).collection("notes").create({ body: "rule", public: true });
      const view = (n: number) => fetch(`${node(n).url}/api/collections/notes/records/${note.id}`);
      expect((await view(1)).status).toBe(200);
      const admin2 = client(node(2));
      admin2.authStore.save(adminAuth.token, adminAuth.record);
      await admin2.collections.update("notes", { viewRule: null });
      expect((await view(1)).status).toBe(403);
      expect((await view(3)).status).toBe(403);
      await admin2.collections.update("notes", { viewRule: "public = true || owner = @request.auth.id" });
      expect((await view(1)).status).toBe(200);
    });

    test("a user whose password changes on node 1 loses private events on node 3", async () => {
      const user = client(node(3));
      await user.collection("users").authWithPassword("u@example.com", userPassword);
      const id = user.authStore.record?.id ?? "";
      const inbox = new Inbox<RecordEvent>();
      const stop = await user.collection("notes").subscribe("*", inbox.push);
      try {
        await client(node(2)).collection("notes").create({ body: "mine", public: false, owner: id });
        await inbox.waitFor(1, 1000);
        await admin().collection("users").update(id, { password: "new-pass-456", passwordConfirm: "new-pass-456" });
        await client(node(2)).collection("notes").create({ body: "after", public: false, owner: id });
        await client(node(2)).collection("notes").create({ body: "public after", public: true });
        await inbox.waitFor(2, 1000);
        await Bun.sleep(100);
        expect(inbox.items.map((e) => e.record.body)).toEqual(["mine", "public after"]);
      } finally {
        await stop();
      }
    });

    test("a migration applied by `satchel migrate up` beside the nodes is in force on each at once", async () => {
      const migrations = join(tmp, "migrations");
      await mkdir(migrations, { recursive: true });
      await writeFile(
        join(migrations, "1700000001_from_cli.ts"),
        `import { Collection, migrate } from "satchel/migrate";
export default migrate(
  async (app) => {
    await app.saveCollection(Collection.fromJSON({ name: "from_cli", type: "base", listRule: "", fields: [{ name: "title", type: "text" }] }));
  },
  async (app) => {
    await app.deleteCollection(await app.findCollectionByNameOrId("from_cli"));
  },
);
`,
      );
      const cli = (...args: string[]) =>
        runSatchel([...args, `--dir=${join(tmp, "cli")}`, `--db=${url}`, `--migrationsDir=${migrations}`]);
      const list = (i: number) => fetch(`${node(i).url}/api/collections/from_cli/records`).then((r) => r.status);
      expect(await Promise.all([1, 2, 3].map(list))).toEqual([404, 404, 404]);
      const up = await cli("migrate", "up");
      expect(up.stderr).toBe("");
      expect(up.code).toBe(0);
      // the command returned once the nodes reloaded: no wait, no restart
      expect(await Promise.all([1, 2, 3].map(list))).toEqual([200, 200, 200]);
      expect((await cli("migrate", "down", "1", "--yes")).code).toBe(0);
      expect(await Promise.all([1, 2, 3].map(list))).toEqual([404, 404, 404]);
    });

    test("a superuser's password changed by `satchel superuser upsert` beside the nodes drops their realtime auth", async () => {
      const root = client(node(3));
      await root.collection("_superusers").authWithPassword(email, password);
      const inbox = new Inbox<RecordEvent>();
      const stop = await root.collection("notes").subscribe("*", inbox.push);
      const cli = (pass: string) =>
        runSatchel(["superuser", "upsert", email, pass, `--dir=${join(tmp, "cli")}`, `--db=${url}`]);
      try {
        await client(node(1)).collection("notes").create({ body: "before", public: false, owner: "nobody" });
        await inbox.waitFor(1, 1000);
        const changed = await cli("new-S3cret-pass-456");
        expect(changed.code).toBe(0);
        // no node accepts the old token any more, and the stream's auth went with it
        for (const i of [1, 2, 3]) {
          const res = await fetch(`${node(i).url}/api/collections`, {
            headers: { authorization: root.authStore.token },
          });
          expect(res.status).toBe(401);
        }
        await client(node(1)).collection("notes").create({ body: "after", public: false, owner: "nobody" });
        await Bun.sleep(200);
        expect(inbox.items.map((e) => e.record.body)).toEqual(["before"]);
      } finally {
        await stop().catch(() => {});
        expect((await cli(password)).code).toBe(0);
        const again = client(node(1));
        await again.collection("_superusers").authWithPassword(email, password);
        adminAuth = { token: again.authStore.token, record: again.authStore.record };
      }
    });

    test("a message over PostgreSQL's 8000-byte limit crosses through the table", async () => {
      const viewer = client(node(2));
      const inbox = new Inbox<RecordEvent>();
      const stop = await viewer.collection("notes").subscribe("*", inbox.push);
      try {
        const body = "é".repeat(4900); // 9800 bytes, within the text field's 5000 characters
        await client(node(1)).collection("notes").create({ body, public: true });
        const [event] = await inbox.waitFor(1, 2000);
        expect(event?.record.body).toBe(body);
        const db = sql();
        try {
          const [row] = await db`SELECT count(*)::int AS n FROM app."_clusterPayloads"`;
          expect(row?.n).toBeGreaterThan(0);
        } finally {
          await db.end();
        }
      } finally {
        await stop();
      }
    });

    test("a bus message that can't be read is logged and dropped; the nodes keep serving", async () => {
      const db = sql();
      try {
        const [row] =
          await db`SELECT application_name AS a FROM pg_stat_activity WHERE application_name LIKE 'satchel-bus %' LIMIT 1`;
        const channel = `satchel_bus_${String(row?.a).split(" ")[1]}`;
        await db`SELECT pg_notify(${channel}, 'not json {')`;
        await db`SELECT pg_notify(${channel}, '{"f":"someone","t":"nonsense"}')`;
      } finally {
        await db.end();
      }
      for (const n of nodes) await n.stderr.waitFor(/cluster bus: dropped a message: not a frame: not json \{/, 3000);
      for (const n of nodes) expect((await fetch(`${n.url}/api/health`)).status).toBe(200);
      const inbox = new Inbox<RecordEvent>();
      const stop = await client(node(3)).collection("notes").subscribe("*", inbox.push);
      await client(node(1)).collection("notes").create({ body: "still", public: true });
      await inbox.waitFor(1, 1000);
      await stop();
    });

    test("a node cut off from the bus reloads its caches when it reconnects", async () => {
      const note = await client(node(1)).collection("notes").create({ body: "resync", public: true });
      const db = sql();
      try {
        // every node's listening connection is cut: the rule change's notification reaches nobody
        await db`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'satchel-bus %'`;
        await admin().collections.update("notes", { viewRule: null });
      } finally {
        await db.end();
      }
      const deadline = Date.now() + 5000;
      let statuses: number[] = [];
      while (Date.now() < deadline) {
        statuses = await Promise.all(
          [2, 3].map((n) => fetch(`${node(n).url}/api/collections/notes/records/${note.id}`).then((r) => r.status)),
        );
        if (statuses.every((s) => s === 403)) break;
        await Bun.sleep(100);
      }
      expect(statuses).toEqual([403, 403]);
      await node(2).stderr.waitFor(/reconnected to the database/, 1000);
      await admin().collections.update("notes", { viewRule: "public = true || owner = @request.auth.id" });
    });

    test("a node of another schema version, or on a database a newer version migrated, refuses to start", async () => {
      // a node of another version listening on the bus
      const db = sql();
      const other = sql();
      try {
        const [row] =
          await db`SELECT application_name AS a FROM pg_stat_activity WHERE application_name LIKE 'satchel-bus %' LIMIT 1`;
        const tag = String(row?.a).split(" ")[1];
        await other.unsafe(`SET application_name = 'satchel-bus ${tag} oldnode 1700000000'; LISTEN x`);
        const refused = await runSatchel(["serve", "--http=127.0.0.1:0", `--dir=${join(tmp, "n4")}`, `--db=${url}`]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(
          `1 node(s) serving this database run schema version 1700000000, and this one runs ${schemaVersion()}`,
        );
        await other.unsafe("RESET application_name");
        // a system migration this version doesn't know
        await db`INSERT INTO app."_migrations" (file, applied) VALUES ('1999999999_from_the_future.go', 0)`;
        const newer = await runSatchel(["serve", "--http=127.0.0.1:0", `--dir=${join(tmp, "n5")}`, `--db=${url}`]);
        expect(newer.code).toBe(1);
        expect(newer.stderr).toContain(
          "the database was migrated by a newer version of Satchel (system migration 1999999999_from_the_future.go unknown to this one)",
        );
      } finally {
        await db`DELETE FROM app."_migrations" WHERE file = '1999999999_from_the_future.go'`;
        await db.end();
        await other.end();
      }
    });

    test("cron jobs run on one node; when it dies, another takes over", async () => {
      const leaders = async (list: ServeProcess[]) =>
        Promise.all(list.map(async (n) => ((await (await fetch(`${n.url}/leader`)).json()) as { cron: boolean }).cron));
      expect((await leaders(nodes)).filter(Boolean)).toHaveLength(1);
      const leader = nodes[(await leaders(nodes)).indexOf(true)] as ServeProcess;
      await leader.kill();
      const rest = nodes.filter((n) => n !== leader);
      const deadline = Date.now() + 5000;
      let now = await leaders(rest);
      while (now.filter(Boolean).length !== 1 && Date.now() < deadline) {
        await Bun.sleep(100);
        now = await leaders(rest);
      }
      expect(now.filter(Boolean)).toHaveLength(1);
      const i = nodes.indexOf(leader);
      nodes[i] = await startNode(i + 1);
      expect((await leaders(nodes)).filter(Boolean)).toHaveLength(1);
    });

    test("SIGKILL of a node during writes through all three loses no acknowledged write; the others serve", async () => {
      const acknowledged: string[] = [];
      const failed: string[] = [];
      let stopped = false;
      const victim = node(2);
      const writers = Array.from({ length: 9 }, async (_, w) => {
        const target = nodes[w % 3] as ServeProcess;
        for (let i = 0; !stopped; i++) {
          try {
            const res = await fetch(`${target.url}/api/collections/notes/records`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ body: `kill w${w} #${i}`, public: true }),
            });
            const text = await res.text();
            if (res.status === 200) acknowledged.push((JSON.parse(text) as { id: string }).id);
            else failed.push(`${res.status} ${text}`);
          } catch {
            // the killed node's connections: not acknowledged
            if (target !== victim) failed.push(`node ${w % 3} failed a request`);
            else await Bun.sleep(10);
          }
        }
      });
      while (acknowledged.length < 60) await Bun.sleep(5);
      await victim.kill();
      const target = acknowledged.length + 60;
      while (acknowledged.length < target) await Bun.sleep(5);
      stopped = true;
      await Promise.all(writers);
      expect(failed).toEqual([]);
      const listed = new Set(
        (await admin().collection("notes").getFullList({ fields: "id", batch: 1000, filter: 'body ~ "kill"' })).map(
          (r) => r.id,
        ),
      );
      expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
      nodes[1] = await startNode(2);
    });

    test("a node that loses the database answers 503 saying so, and recovers without a restart", async () => {
      const n = node(1);
      pg.stop("immediate");
      let down: { status: number; message?: string };
      try {
        const res = await fetch(`${n.url}/api/collections/notes/records`);
        down = { status: res.status, ...((await res.json()) as { message?: string }) };
      } finally {
        pg.start();
      }
      expect(down.status).toBe(503);
      expect(down.message).toStartWith("The database is unavailable: PostgreSQL at 127.0.0.1:");
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await fetch(`${n.url}/api/collections/notes/records`)).status;
        if (status !== 200) await Bun.sleep(200);
      }
      expect(status).toBe(200);
      // the bus is back too: an event crosses again
      const inbox = new Inbox<RecordEvent>();
      const deadline2 = Date.now() + 5000;
      const viewer = client(node(3));
      const stop = await viewer.collection("notes").subscribe("*", inbox.push);
      try {
        while (inbox.items.length === 0 && Date.now() < deadline2) {
          await client(node(1)).collection("notes").create({ body: "back", public: true });
          await Bun.sleep(300);
        }
        expect(inbox.items.length).toBeGreaterThan(0);
      } finally {
        await stop();
      }
      for (const x of nodes) expect(x.running).toBe(true);
    });
  });
}
