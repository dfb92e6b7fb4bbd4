/**
 * The cluster bus's transport on PostgreSQL (NOTIFY from one connection, LISTEN on another): the round trip
 * between two nodes, then how many messages of ~250 bytes one node delivers to another per second. See
 * bench/cluster/README.md.
 *
 *   bun bench/cluster/postgres-bus.ts [--pings=1000] [--messages=20000]
 *   (SATCHEL_BENCH_POSTGRES_URL=postgres://... to use a server of your own; else a throwaway one is started)
 */
import { parseArgs } from "node:util";
import { PostgresClusterTransport } from "../../src/db/postgres/cluster-transport.ts";
import { findPostgresBin, PostgresCluster } from "../../tests/db/postgres-server.ts";

const { values: opts } = parseArgs({
  options: { pings: { type: "string", default: "1000" }, messages: { type: "string", default: "20000" } },
});
const pings = Number(opts.pings);
const messages = Number(opts.messages);

let pg: PostgresCluster | null = null;
let url = process.env.SATCHEL_BENCH_POSTGRES_URL ?? "";
if (!url) {
  pg = PostgresCluster.create(findPostgresBin() ?? "");
  url = pg.url();
}
url = `${url}${url.includes("?") ? "&" : "?"}schema=busbench`;

const node = (nodeId: string) => new PostgresClusterTransport(url, { nodeId, version: "bench" });
const a = node("a");
const b = node("b");
const c = node("c");
try {
  let pong: (() => void) | null = null;
  let received = 0;
  const all = Promise.withResolvers<void>();
  await a.start({ onText: (t) => t === "pong" && pong?.(), onReconnect: () => {} });
  await b.start({ onText: (t) => t === "ping" && b.send("pong"), onReconnect: () => {} });
  await c.start({
    onText: (t) => {
      if (t.startsWith("{") && ++received === messages) all.resolve();
    },
    onReconnect: () => {},
  });

  const rtts: number[] = [];
  for (let i = 0; i < pings; i++) {
    const back = new Promise<void>((resolve) => {
      pong = resolve;
    });
    const t0 = performance.now();
    a.send("ping");
    await back;
    rtts.push(performance.now() - t0);
  }
  rtts.sort((x, y) => x - y);
  const at = (q: number) => (rtts[Math.floor(q * (rtts.length - 1))] ?? 0).toFixed(2);

  const pad = "x".repeat(200);
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) {
    a.send(JSON.stringify({ f: "a", c: "bench", d: { i, pad } }));
    // let each task's batch go out (a node publishes from its requests, a few per task)
    if (i % 100 === 99) await Bun.sleep(0);
  }
  await all.promise;
  const perSecond = messages / ((performance.now() - t0) / 1000);
  process.stdout.write(
    `round trip p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms; one-way ${Math.round(perSecond)} messages/s\n`,
  );
} finally {
  await Promise.all([a.close(), b.close(), c.close()]);
  pg?.destroy();
}
process.exit(0);
