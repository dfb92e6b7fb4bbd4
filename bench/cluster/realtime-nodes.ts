/**
 * Realtime across nodes: three `satchel serve` processes on one PostgreSQL database (the cluster bus over
 * LISTEN/NOTIFY), 1,000 SSE subscribers spread over them (or all on the writing node, for comparison), and
 * the time from a record's commit on node 1 to its delivery to the last subscriber. A hook file on each node
 * records the commit's wall-clock time. See bench/cluster/README.md.
 *
 *   bun bench/cluster/realtime-nodes.ts [--subscribers=1000] [--events=10]
 *   (SATCHEL_BENCH_POSTGRES_URL=postgres://... to use a server of your own; else a throwaway one is started)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { findPostgresBin, PostgresCluster } from "../../tests/db/postgres-server.ts";

const { values: opts } = parseArgs({
  options: { subscribers: { type: "string", default: "1000" }, events: { type: "string", default: "10" } },
});
const total = Number(opts.subscribers);
const events = Number(opts.events);
const log = (line: string) => process.stdout.write(`${line}\n`);
const now = () => performance.timeOrigin + performance.now();

const rules = { public: "", database: "org = @request.auth.org" } as const;

const hook = `export default (app) => {
  const commits = new Map();
  app.onRecordAfterCreateSuccess().bind({
    priority: -1000000,
    func: (e) => {
      commits.set(e.record.id, performance.timeOrigin + performance.now());
      return e.next();
    },
  });
  app.onServe((e) => {
    e.router.get("/bench/commit/{id}", (re) => re.json(200, { commit: commits.get(re.params.id) }));
    return e.next();
  });
};
`;

/** setup makes the schema: a superuser, `total` users with an org, and `posts`; returns their tokens. */
async function setup(dir: string, url: string): Promise<{ suToken: string; userTokens: string[] }> {
  const app = createApp({ dataDir: dir, openDatabase: databaseOpener({ url }), migrations: systemMigrations });
  await app.bootstrap();
  await upsertSuperuser(app, "root@example.com", "S3cret-pass-123");
  const su = (await app.findAuthRecordByEmail("_superusers", "root@example.com")) as RecordModel;
  const users = (app.findCachedCollectionByNameOrId("users") as Collection).clone();
  const usersJson = users.toJSON({ withSecrets: true }) as { fields: unknown[] };
  users.applyJSON({ fields: [...usersJson.fields, { name: "org", type: "text" }] } as never);
  await app.saveCollection(users);
  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    fields: [
      { name: "title", type: "text" },
      { name: "org", type: "text" },
    ],
  } as never);
  await app.saveCollection(posts);
  const usersCol = app.findCachedCollectionByNameOrId("users") as Collection;
  const first = new RecordModel(usersCol);
  first.load({ email: "u0@example.com", password: "bench-pass-123", org: "acme" });
  await app.save(first);
  const template = first.dbExport();
  const rows: Record<string, unknown>[] = [template];
  const names = Object.keys(template);
  const d = app.db.dialect;
  const insert = `INSERT INTO ${d.quote("users")} (${names.map(d.quote).join(",")}) VALUES (${names.map((_, i) => d.placeholder(i + 1)).join(",")})`;
  await app.runInTransaction(async (tx) => {
    for (let i = 1; i < total; i++) {
      const row = {
        ...template,
        id: `u${String(i).padStart(14, "0")}`,
        email: `u${i}@example.com`,
        tokenKey: `k${i}`.padEnd(50, "k"),
      };
      rows.push(row);
      await tx.db.run(
        insert,
        names.map((n) => (row as Record<string, unknown>)[n] as never),
      );
    }
  });
  const userTokens = await Promise.all(rows.map((r) => newAuthToken(RecordModel.fromRow(usersCol, r))));
  const suToken = await newAuthToken(su);
  await app.terminate();
  return { suToken, userTokens };
}

let onEvent: () => void = () => {};

/** openSse connects a raw SSE subscriber to a node and subscribes it to posts with its token. */
async function openSse(port: number, token: string): Promise<() => void> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  const clientId = await new Promise<string>((resolve, reject) => {
    let connected = false;
    let buf = "";
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      if (!connected) {
        buf += chunk;
        const m = /id:(\w{40})/.exec(buf);
        if (m) {
          connected = true;
          resolve(m[1] as string);
        }
        return;
      }
      for (const _ of chunk.matchAll(/"record":\{/g)) onEvent();
    });
    socket.write("GET /api/realtime HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n");
  });
  const res = await fetch(`http://127.0.0.1:${port}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: token },
    body: JSON.stringify({ clientId, subscriptions: ["posts/*"] }),
  });
  if (res.status !== 204) throw new Error(`subscribe failed: ${res.status} ${await res.text()}`);
  return () => socket.destroy();
}

async function startNode(dir: string, url: string, hooks: string): Promise<{ port: number; proc: Bun.Subprocess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "../../src/main.ts"),
      "serve",
      `--http=127.0.0.1:${port}`,
      `--dir=${dir}`,
      `--db=${url}`,
      `--hooksDir=${hooks}`,
    ],
    { stdout: "pipe", stderr: "ignore", env: { ...process.env, NODE_ENV: "production" } },
  );
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("Server started")) out += new TextDecoder().decode((await reader.read()).value);
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  return { port, proc };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "satchel-rt-nodes-"));
  let pg: PostgresCluster | null = null;
  const nodes: { port: number; proc: Bun.Subprocess }[] = [];
  try {
    let url = process.env.SATCHEL_BENCH_POSTGRES_URL ?? "";
    if (!url) {
      pg = PostgresCluster.create(findPostgresBin() ?? "");
      url = pg.url();
    }
    url = `${url}${url.includes("?") ? "&" : "?"}schema=rtbench`;
    log(`setup: ${total} users...`);
    const { suToken, userTokens } = await setup(join(tmp, "setup"), url);
    const hooks = join(tmp, "hooks");
    mkdirSync(hooks);
    writeFileSync(join(hooks, "bench.js"), hook);
    nodes.push(...(await Promise.all([1, 2, 3].map((i) => startNode(join(tmp, `n${i}`), url, hooks)))));
    const writer = `http://127.0.0.1:${nodes[0]?.port}`;
    const su = { authorization: suToken, "content-type": "application/json" };
    const results: string[] = [];
    for (const spread of ["three nodes", "the writing node"] as const) {
      const subs: (() => void)[] = [];
      for (let i = 0; i < total; i += 100) {
        subs.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(100, total - i) }, (_, j) => {
              const k = i + j;
              const node = spread === "three nodes" ? nodes[k % 3] : nodes[0];
              return openSse(node?.port ?? 0, userTokens[k] as string);
            }),
          )),
        );
      }
      for (const [ruleName, rule] of Object.entries(rules)) {
        await fetch(`${writer}/api/collections/posts`, {
          method: "PATCH",
          headers: su,
          body: JSON.stringify({ listRule: rule }),
        });
        const latencies: number[] = [];
        for (let k = 0; k <= events; k++) {
          let received = 0;
          let last = 0;
          const all = new Promise<void>((resolve) => {
            onEvent = () => {
              received++;
              last = now();
              if (received === total) resolve();
            };
          });
          const res = await fetch(`${writer}/api/collections/posts/records`, {
            method: "POST",
            headers: su,
            body: JSON.stringify({ title: `event ${k}`, org: "acme" }),
          });
          const id = ((await res.json()) as { id: string }).id;
          const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000));
          if ((await Promise.race([all, timeout])) === "timeout")
            throw new Error(`only ${received}/${total} got ${id}`);
          const { commit } = (await (await fetch(`${writer}/bench/commit/${id}`)).json()) as { commit: number };
          latencies.push(last - commit);
        }
        const [cold = 0, ...warm] = latencies;
        const sorted = [...warm].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
        const line = `| ${total} on ${spread} | ${ruleName} | ${median.toFixed(1)} ms | ${(sorted.at(-1) ?? 0).toFixed(1)} ms | ${cold.toFixed(1)} ms |`;
        log(line);
        results.push(line);
      }
      for (const close of subs) close();
      await Bun.sleep(1000);
    }
    log("\n| subscribers | rule | commit → last delivery (median) | max | first event (cold) |");
    log("|---|---|---|---|---|");
    for (const r of results) log(r);
  } finally {
    for (const n of nodes) n.proc.kill();
    await Promise.all(nodes.map((n) => n.proc.exited));
    pg?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
