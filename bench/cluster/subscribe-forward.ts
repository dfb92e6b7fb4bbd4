/**
 * The added latency of a realtime subscription request reaching another node than the one holding the
 * client's stream (passed over the cluster bus to the holder, which answers back): three `satchel serve`
 * nodes on one PostgreSQL database, an SSE client on node 1, and `POST /api/realtime` for it sent to node 1
 * (local) and to node 2 (forwarded), interleaved, one at a time. With --workers, the same on
 * `satchel serve --workers=2` on SQLite: the requests go on new connections (the kernel picks the worker),
 * and a hook file's header tells which worker answered. See bench/cluster/README.md.
 *
 *   bun bench/cluster/subscribe-forward.ts [--requests=500] [--workers]
 *   (SATCHEL_BENCH_POSTGRES_URL=postgres://... to use a server of your own; else a throwaway one is started;
 *   SATCHEL_BENCH_ROOT=<another checkout> runs that checkout's server, for a before/after)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findPostgresBin, PostgresCluster } from "../../tests/db/postgres-server.ts";

const { values: opts } = parseArgs({
  options: { requests: { type: "string", default: "500" }, workers: { type: "boolean", default: false } },
});
const requests = Number(opts.requests);
const main_ = join(process.env.SATCHEL_BENCH_ROOT ?? join(import.meta.dir, "../.."), "src/main.ts");

// each answer says which process answered it
const pidHook = `export default (app) => {
  app.onServe((e) => {
    e.router.bind({ func: async (re) => { await re.next(); re.response?.headers.set("x-pid", String(process.pid)); } });
    return e.next();
  });
};
`;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function startNode(dir: string, args: string[]): Promise<{ port: number; proc: Bun.Subprocess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = Bun.spawn([process.execPath, main_, "serve", `--http=127.0.0.1:${port}`, `--dir=${dir}`, ...args], {
    stdout: "pipe",
    stderr: "ignore",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const reader = proc.stdout.getReader();
  let out = "";
  const ready = args.some((a) => a.startsWith("--workers")) ? "worker processes" : "Server started";
  while (!out.includes(ready)) out += new TextDecoder().decode((await reader.read()).value);
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  return { port, proc };
}

/** openSse opens a raw SSE stream on a node and returns its client id (and the answering process's pid). */
function openSse(port: number): Promise<{ clientId: string; pid: string; close: () => void }> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let buf = "";
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buf += chunk;
      const m = /id:(\w{40})/.exec(buf);
      const pid = /x-pid: (\d+)/i.exec(buf)?.[1] ?? "";
      if (m) resolve({ clientId: m[1] as string, pid, close: () => socket.destroy() });
    });
    socket.write("GET /api/realtime HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n");
  });
}

/** post sends a subscription request; its time, and the pid of the process that answered. */
async function post(port: number, clientId: string, i: number, fresh: boolean): Promise<[number, string]> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(fresh ? { connection: "close" } : {}) },
    body: JSON.stringify({ clientId, subscriptions: [`topic${i}`] }),
    ...(fresh ? { keepalive: false } : {}),
  });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`subscribe answered ${res.status}`);
  return [performance.now() - started, res.headers.get("x-pid") ?? ""];
}

function report(local: number[], forwarded: number[]): void {
  local.sort((a, b) => a - b);
  forwarded.sort((a, b) => a - b);
  const row = (name: string, s: number[]) =>
    `| ${name} | ${s.length} | ${quantile(s, 0.5).toFixed(2)} ms | ${quantile(s, 0.9).toFixed(2)} ms | ${quantile(s, 0.99).toFixed(2)} ms |`;
  log(`\nload average ${loadavg()[0]?.toFixed(1)}`);
  log("| POST /api/realtime answered by | requests | p50 | p90 | p99 |");
  log("|---|---|---|---|---|");
  log(row("the process holding the stream", local));
  log(row("another one (forwarded)", forwarded));
  log(`added at the median: ${(quantile(forwarded, 0.5) - quantile(local, 0.5)).toFixed(2)} ms`);
}

/** workers measures on `serve --workers=2`: each request on a new connection, sorted by who answered it. */
async function workers(tmp: string): Promise<void> {
  const hooks = join(tmp, "hooks");
  mkdirSync(hooks);
  writeFileSync(join(hooks, "pid.js"), pidHook);
  const server = await startNode(join(tmp, "data"), ["--workers=2", `--hooksDir=${hooks}`]);
  try {
    const sse = await openSse(server.port);
    const local: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < 100; i++) await post(server.port, sse.clientId, i, true);
    for (let i = 0; i < requests * 2; i++) {
      const [ms, pid] = await post(server.port, sse.clientId, i, true);
      (pid === sse.pid ? local : forwarded).push(ms);
    }
    sse.close();
    report(local, forwarded);
  } finally {
    server.proc.kill();
    await server.proc.exited;
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "satchel-sub-fwd-"));
  if (opts.workers) {
    try {
      await workers(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  let pg: PostgresCluster | null = null;
  const nodes: { port: number; proc: Bun.Subprocess }[] = [];
  try {
    let url = process.env.SATCHEL_BENCH_POSTGRES_URL ?? "";
    if (!url) {
      pg = PostgresCluster.create(findPostgresBin() ?? "");
      url = pg.url();
    }
    url = `${url}${url.includes("?") ? "&" : "?"}schema=subfwd`;
    // one node first (it migrates the schema), then the two others
    nodes.push(await startNode(join(tmp, "n1"), [`--db=${url}`]));
    nodes.push(...(await Promise.all([2, 3].map((i) => startNode(join(tmp, `n${i}`), [`--db=${url}`])))));
    await Bun.sleep(1500); // every node has seen the others (they look every second)
    const [holder, other] = nodes.map((n) => n.port) as [number, number];
    const sse = await openSse(holder);
    const local: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < 50; i++) {
      await post(holder, sse.clientId, i, false);
      await post(other, sse.clientId, i, false);
    }
    for (let i = 0; i < requests; i++) {
      local.push((await post(holder, sse.clientId, i, false))[0]);
      forwarded.push((await post(other, sse.clientId, i, false))[0]);
    }
    sse.close();
    report(local, forwarded);
  } finally {
    for (const n of nodes) n.proc.kill();
    await Promise.all(nodes.map((n) => n.proc.exited));
    pg?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
