/**
 * npm run bench: Satchel against the ceiling (bench/ceiling.ts) on the same data, one server at a time,
 * each in its own process pinned to one CPU while the load generator (bench/load.ts) runs on the other.
 * See bench/README.md for the method.
 *
 *   bun bench/run.ts [--seconds=3] [--warmup=2] [--repeats=3] [--connections=16] [--workloads=list,view,create]
 *                    [--json=<file>]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  cpus,
  log,
  parseWorkloadList,
  runLoadProcess,
  type WorkloadName,
  withServer,
  workloadNames,
  workloads,
} from "./harness.ts";
import type { LoadRequest, LoadResult } from "./load.ts";
import { compare, comparisonTable, formatRun } from "./report.ts";
import { seedDataDir } from "./seed.ts";
import type { ServerKind } from "./servers.ts";
import { type ServerSnapshot, snapshotDifferences, takeSnapshot } from "./verify.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: workloadNames.join(",") },
    json: { type: "string" },
  },
});
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const repeats = Number(opts.repeats);
const connections = Number(opts.connections);
const chosen = parseWorkloadList(opts.workloads);
if (!(seconds > 0 && warmup >= 0 && repeats >= 1 && connections >= 1))
  throw new Error("--seconds, --repeats and --connections must be positive, --warmup at least 0");

const work = mkdtempSync(join(tmpdir(), "satchel-bench-"));
try {
  const started = performance.now();
  log(
    `satchel bench: ${chosen.join(", ")}; ${connections} connections, ${warmup}s warmup + ${seconds}s, ` +
      `${repeats} repeats; ${cpus.server === null ? "no CPU pinning (needs taskset and 2 CPUs)" : "server on CPU 1, load generator on CPU 0"}; ` +
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
  );
  const template = join(work, "template");
  const ids = await seedDataDir(template);
  const all = workloads(ids);
  const measured = all.filter((w) => chosen.includes(w.name));
  const first = Object.fromEntries(all.map((w) => [w.name, w.requests[0] as LoadRequest])) as Record<
    WorkloadName,
    LoadRequest
  >;
  log(`seeded ${ids.length} records in ${((performance.now() - started) / 1000).toFixed(1)}s`);

  const emptyRuns = () => ({ list: [], view: [], create: [] }) as Record<WorkloadName, LoadResult[]>;
  const results: Record<ServerKind, Record<WorkloadName, LoadResult[]>> = {
    satchel: emptyRuns(),
    ceiling: emptyRuns(),
  };
  let reference: { kind: ServerKind; snapshot: ServerSnapshot } | null = null;
  for (let r = 0; r < repeats; r++) {
    // alternate which server goes first, so a drift in the machine's load falls on both
    const order: ServerKind[] = r % 2 === 0 ? ["satchel", "ceiling"] : ["ceiling", "satchel"];
    for (const kind of order) {
      await withServer(kind, template, work, async (server) => {
        const snapshot = await takeSnapshot(server.url, first);
        if (!reference) reference = { kind, snapshot };
        const diffs = snapshotDifferences(reference.snapshot, snapshot);
        if (diffs.length > 0) throw new Error(`${reference.kind} and ${kind} answer differently:\n${diffs.join("\n")}`);
        for (const w of measured) {
          const res = await runLoadProcess(server, w.requests, { connections, warmupSeconds: warmup, seconds }, work);
          if (res.unexpected > 0)
            throw new Error(`${kind} ${w.name}: ${res.unexpected} unexpected responses: ${res.sample}`);
          results[kind][w.name].push(res);
          log(formatRun(r, kind, w.name, res, seconds));
        }
      });
    }
  }

  const rows = measured.map((w) => compare(w.name, w.title, results.satchel[w.name], results.ceiling[w.name]));
  const table = comparisonTable(rows);
  process.stdout.write(
    `\n${table}\n\nmedians of ${repeats} runs of ${seconds}s (after ${warmup}s warmup), ${connections} keep-alive ` +
      `connections; total ${((performance.now() - started) / 1000).toFixed(0)}s\n` +
      "ratio = satchel req/s ÷ ceiling req/s; ratio per CPU-s = requests per second of server CPU, satchel ÷ ceiling " +
      "(steadier when other processes share the machine)\n",
  );
  if (opts.json) {
    const options = { seconds, warmup, repeats, connections, pinned: cpus.server !== null };
    await Bun.write(opts.json, JSON.stringify({ options, rows, runs: results }, null, 2));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
