/**
 * Realtime bench: N concurrent subscribers (SSE, then WebSocket) held by this process against a Satchel
 * server in a child process; memory per connection, and the time from a record's commit to its delivery
 * to the last of the N subscribers, for a public rule, a rule evaluated in memory and a rule that needs
 * the database. See bench/realtime/README.md.
 *
 *   bun bench/realtime/run.ts [--counts=1000,10000] [--transports=sse,ws] [--events=5]
 *                             [--engine=sqlite|postgres] [--url=postgres://...]
 *
 * On PostgreSQL the app lives in a database of its own on the server `--url` (or SATCHEL_TEST_POSTGRES_URL)
 * names, or on a throwaway cluster started from the local binaries (bench/postgres/database.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
import { BenchPostgres } from "../postgres/database.ts";

const { values: opts } = parseArgs({
  options: {
    counts: { type: "string", default: "1000,10000" },
    transports: { type: "string", default: "sse,ws" },
    events: { type: "string", default: "5" },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
  },
});
const counts = (opts.counts ?? "").split(",").map(Number);
const transports = (opts.transports ?? "").split(",") as ("sse" | "ws")[];
const eventsPerRule = Number(opts.events);
const maxCount = Math.max(...counts);
if (opts.engine !== "sqlite" && opts.engine !== "postgres") throw new Error('--engine takes "sqlite" or "postgres"');

const rules = {
  public: "",
  memory: `@request.auth.id != "" && org = "acme"`,
  database: "org = @request.auth.org",
} as const;
type RuleName = keyof typeof rules;

const log = (line: string) => process.stdout.write(`${line}\n`);
/** Wall-clock milliseconds with sub-millisecond precision, comparable between the two processes. */
const now = () => performance.timeOrigin + performance.now();

/** setup prepares a data directory: a superuser, `maxCount` users (with an `org`) and tokens, and `posts`. */
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
  // one user through the save pipeline (bcrypt once), the others copied from its row
  const first = new RecordModel(usersCol);
  first.load({ email: "u0@example.com", password: "bench-pass-123", org: "acme" });
  await app.save(first);
  const template = first.dbExport();
  const rows: Record<string, unknown>[] = [template];
  const names = Object.keys(template);
  const q = app.db.dialect.quote;
  const p = app.db.dialect.placeholder;
  const insert = `INSERT INTO ${q("users")} (${names.map(q).join(",")}) VALUES (${names.map((_, i) => p(i + 1)).join(",")})`;
  await app.runInTransaction(async (tx) => {
    for (let i = 1; i < maxCount; i++) {
      const row: Record<string, unknown> = {
        ...template,
        id: `u${String(i).padStart(14, "0")}`,
        email: `u${i}@example.com`,
        tokenKey: `k${i}`.padEnd(50, "k"),
      };
      rows.push(row);
      await tx.db.run(
        insert,
        names.map((n) => row[n] as never),
      );
    }
  });
  const userTokens = await Promise.all(rows.map((r) => newAuthToken(RecordModel.fromRow(usersCol, r))));
  const suToken = await newAuthToken(su);
  await app.terminate();
  return { suToken, userTokens };
}

/** A subscriber held by this process; `onEvent` gets the id of each record event it receives. */
interface Subscriber {
  close(): void;
}

let onEvent: (recordId: string) => void = () => {};
const recordEventPattern = /"record":\{"id":"(\w+)"/g;

function scan(text: string): void {
  for (const m of text.matchAll(recordEventPattern)) onEvent(m[1] as string);
}

/** openSse connects a raw SSE subscriber, waits for PB_CONNECT and subscribes it with its token. */
async function openSse(port: number, token: string): Promise<Subscriber> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  const clientId = await new Promise<string>((resolve, reject) => {
    let buf = "";
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      if (buf !== null) {
        buf += chunk;
        const m = /id:(\w{40})/.exec(buf);
        if (m) {
          resolve(m[1] as string);
          buf = null as unknown as string;
        }
        return;
      }
      scan(chunk);
    });
    socket.write("GET /api/realtime HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n");
  });
  const res = await fetch(`http://127.0.0.1:${port}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: token },
    body: JSON.stringify({ clientId, subscriptions: ["posts/*"] }),
  });
  if (res.status !== 204) throw new Error(`subscribe failed: ${res.status} ${await res.text()}`);
  return { close: () => socket.destroy() };
}

/** openWs connects a WebSocket subscriber authenticated by its upgrade request and subscribes it. */
async function openWs(port: number, token: string): Promise<Subscriber> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime/ws`, { headers: { Authorization: token } } as never);
  await new Promise<void>((resolve, reject) => {
    ws.onmessage = (m) => {
      const text = String(m.data);
      if (text.includes('"type":"subscriptions"')) resolve();
      else if (text.includes('"type":"connect"')) ws.send(JSON.stringify({ type: "subscribe", topics: ["posts/*"] }));
      else if (text.includes('"type":"event"')) scan(text);
    };
    ws.onerror = () => reject(new Error("websocket failed"));
  });
  ws.onmessage = (m) => scan(String(m.data));
  return { close: () => ws.close() };
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  }
  return out;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "satchel-rt-bench-"));
  const pg = opts.engine === "postgres" ? await BenchPostgres.open(opts.url, null) : null;
  const database = pg ? await pg.create("rtbench") : "";
  const url = pg ? pg.url(database) : "";
  try {
    log(`setup: ${maxCount} users on ${opts.engine}...`);
    const { suToken, userTokens } = await setup(dir, url);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = Bun.spawn([process.execPath, join(import.meta.dir, "server.ts"), dir, String(port), url], {
      stdout: "pipe",
      stderr: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    const reader = server.stdout.getReader();
    while (!new TextDecoder().decode((await reader.read()).value ?? new Uint8Array()).includes("ready")) {}
    const base = `http://127.0.0.1:${port}`;
    const su = { authorization: suToken, "content-type": "application/json" };
    const results: string[] = [];
    for (const transport of transports) {
      for (const n of counts) {
        await fetch(`${base}/bench/gc`, { method: "POST" });
        await Bun.sleep(300);
        const rssBefore = rssOf(server.pid);
        const t0 = performance.now();
        const open = transport === "sse" ? openSse : openWs;
        const subs = await inBatches(n, 200, (i) => open(port, userTokens[i] as string));
        const connectSeconds = (performance.now() - t0) / 1000;
        await fetch(`${base}/bench/gc`, { method: "POST" });
        await Bun.sleep(300);
        const perConn = (rssOf(server.pid) - rssBefore) / n;
        log(
          `${transport} n=${n}: connected+subscribed in ${connectSeconds.toFixed(1)} s, ${(perConn / 1024).toFixed(1)} KiB RSS per connection`,
        );
        for (const [ruleName, rule] of Object.entries(rules) as [RuleName, string][]) {
          await fetch(`${base}/api/collections/posts`, {
            method: "PATCH",
            headers: su,
            body: JSON.stringify({ listRule: rule }),
          });
          const latencies: number[] = [];
          const fanouts: number[] = [];
          for (let k = 0; k <= eventsPerRule; k++) {
            let received = 0;
            let last = 0;
            // one write at a time: every event received now is for the record being created
            const all = new Promise<void>((resolve) => {
              onEvent = () => {
                received++;
                last = now();
                if (received === n) resolve();
              };
            });
            const res = await fetch(`${base}/api/collections/posts/records`, {
              method: "POST",
              headers: su,
              body: JSON.stringify({ title: `event ${k}`, org: "acme" }),
            });
            const id = ((await res.json()) as { id: string }).id;
            const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000));
            if ((await Promise.race([all, timeout])) === "timeout") throw new Error(`only ${received}/${n} got ${id}`);
            const times = (await (await fetch(`${base}/bench/commit/${id}`)).json()) as {
              commit: number;
              fannedOut: number;
            };
            latencies.push(last - times.commit);
            fanouts.push(times.fannedOut - times.commit);
          }
          const [cold = 0, ...warm] = latencies;
          const sorted = [...warm].sort((a, b) => a - b);
          const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
          const fan = fanouts.slice(1).sort((a, b) => a - b);
          const fanMedian = fan[Math.floor(fan.length / 2)] ?? 0;
          const line = `| ${transport} | ${n} | ${ruleName} | ${median.toFixed(1)} ms | ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms | ${fanMedian.toFixed(1)} ms | ${cold.toFixed(1)} ms | ${(perConn / 1024).toFixed(1)} KiB |`;
          log(line);
          results.push(line);
        }
        for (const s of subs) s.close();
        await Bun.sleep(1500);
      }
    }
    log(
      "\n| transport | subscribers | rule | commit → last delivery (median) | max | server fan-out (median) | first event (cold) | server RSS / connection |",
    );
    log("|---|---|---|---|---|---|---|---|");
    for (const r of results) log(r);
    server.kill();
    await server.exited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (pg) {
      await pg.drop(database);
      await pg.close();
    }
  }
}

await main();
process.exit(0);
