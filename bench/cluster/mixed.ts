/**
 * 50 writers and 50 readers for 20 s against `satchel serve --workers=1` and `--workers=2`: every answer
 * must be a 200 (no SQLITE_BUSY or anything else reaching a client), and the throughput and tail latency
 * of each side are reported. Nothing is pinned (the clients share the two cores).
 *
 *   bun bench/cluster/mixed.ts [--seconds=20] [--writers=50] [--readers=50] [--workers=1,2]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { log, withServer } from "../harness.ts";
import { collectionName, createBodies } from "../schema.ts";
import { seedDataDir } from "../seed.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    writers: { type: "string", default: "50" },
    readers: { type: "string", default: "50" },
    workers: { type: "string", default: "1,2" },
  },
});
const seconds = Number(opts.seconds);
const writers = Number(opts.writers);
const readers = Number(opts.readers);
const counts = opts.workers.split(",").map(Number);

interface Side {
  done: number;
  latencies: number[];
  errors: Map<string, number>;
}

const newSide = (): Side => ({ done: 0, latencies: [], errors: new Map() });

function p(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

async function load(url: string): Promise<{ writes: Side; reads: Side }> {
  const writes = newSide();
  const reads = newSide();
  const bodies = createBodies();
  const records = `${url}/api/collections/${collectionName}/records`;
  const until = performance.now() + seconds * 1000;
  const loop = async (side: Side, request: (i: number) => Promise<Response>) => {
    for (let i = 0; performance.now() < until; i++) {
      const t0 = performance.now();
      try {
        const res = await request(i);
        const text = await res.text();
        if (res.status !== 200) {
          const key = `${res.status} ${text.slice(0, 120)}`;
          side.errors.set(key, (side.errors.get(key) ?? 0) + 1);
          continue;
        }
      } catch (err) {
        const key = String(err).slice(0, 120);
        side.errors.set(key, (side.errors.get(key) ?? 0) + 1);
        continue;
      }
      side.latencies.push(performance.now() - t0);
      side.done++;
    }
  };
  await Promise.all([
    ...Array.from({ length: writers }, (_, w) =>
      loop(writes, (i) =>
        fetch(records, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: bodies[(w * 7919 + i) % bodies.length],
        }),
      ),
    ),
    ...Array.from({ length: readers }, () => loop(reads, () => fetch(`${records}?perPage=30&sort=-num`))),
  ]);
  return { writes, reads };
}

const work = mkdtempSync(join(tmpdir(), "satchel-bench-mixed-"));
try {
  const template = join(work, "template");
  await seedDataDir(template);
  const lines: string[] = [];
  for (const n of counts) {
    await withServer(
      "satchel",
      template,
      work,
      async (server) => {
        const { writes, reads } = await load(server.url);
        const errors = [...writes.errors, ...reads.errors];
        const fmt = (s: Side) =>
          `${(s.done / seconds).toFixed(0).padStart(6)}/s p50 ${p(s.latencies, 0.5).toFixed(1).padStart(6)} ms p99 ${p(s.latencies, 0.99).toFixed(1).padStart(6)} ms`;
        const line = `workers=${n}: writes ${fmt(writes)}; reads ${fmt(reads)}; client errors ${errors.reduce((a, [, c]) => a + c, 0)}`;
        log(line);
        for (const [e, c] of errors) log(`  ${c} × ${e}`);
        lines.push(line);
      },
      {
        cpus: null,
        serveArgs: [`--workers=${n}`],
        ...(n > 1 ? { readyPattern: /Serving with \d+ worker processes/ } : {}),
      },
    );
  }
  process.stdout.write(
    `\n${writers} writers + ${readers} readers, ${seconds} s, nothing pinned\n${lines.join("\n")}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
