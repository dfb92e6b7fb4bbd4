/**
 * The records workloads (bench/harness.ts) against `satchel serve --workers=1` and `--workers=2`, with the
 * ceiling in the same run. Nothing is pinned: two workers need both CPUs, and the load generator shares
 * them (on a 2-core machine it takes a good part of one), so the figures say what a second process gains
 * on this machine, not what it would on more cores. Requests per CPU-second count the server's whole
 * process tree (the primary and its workers): what the cluster costs per request, steadier than req/s
 * when other processes share the machine.
 *
 *   bun bench/cluster/records.ts [--seconds=3] [--warmup=2] [--repeats=3] [--connections=32] [--workloads=list,view,create]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  log,
  median,
  parseWorkloadList,
  runLoadProcess,
  type WorkloadName,
  withServer,
  workloads,
} from "../harness.ts";
import type { LoadResult } from "../load.ts";
import { perCpuSecond } from "../report.ts";
import { seedDataDir } from "../seed.ts";
import type { RunningBenchServer } from "../servers.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    workloads: { type: "string", default: "list,view,create" },
  },
});
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const repeats = Number(opts.repeats);
const connections = Number(opts.connections);
const chosen = parseWorkloadList(opts.workloads);

type Variant = "workers=1" | "workers=2" | "ceiling";
const variants: Variant[] = ["workers=1", "workers=2", "ceiling"];

const work = mkdtempSync(join(tmpdir(), "satchel-bench-workers-"));
try {
  log(
    `workers bench: ${chosen.join(", ")}; ${connections} connections, ${warmup}s warmup + ${seconds}s, ${repeats} repeats, ` +
      `unpinned; load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
  );
  const template = join(work, "template");
  const ids = await seedDataDir(template);
  const measured = workloads(ids).filter((w) => chosen.includes(w.name));
  const results = Object.fromEntries(
    variants.map((v) => [v, Object.fromEntries(chosen.map((w) => [w, [] as LoadResult[]]))]),
  ) as Record<Variant, Record<WorkloadName, LoadResult[]>>;
  for (let r = 0; r < repeats; r++) {
    const order = variants.map((_, i) => variants[(i + r) % variants.length] as Variant);
    for (const variant of order) {
      const n = variant === "workers=2" ? 2 : 1;
      const options =
        variant === "ceiling"
          ? {}
          : { serveArgs: [`--workers=${n}`], ...(n > 1 ? { readyPattern: /Serving with \d+ worker processes/ } : {}) };
      await withServer(
        variant === "ceiling" ? "ceiling" : "satchel",
        template,
        work,
        async (server: RunningBenchServer) => {
          for (const w of measured) {
            const res = await runLoadProcess(
              server,
              w.requests,
              { connections, warmupSeconds: warmup, seconds },
              work,
              { serverTree: true },
            );
            if (res.unexpected > 0)
              throw new Error(`${variant} ${w.name}: ${res.unexpected} unexpected: ${res.sample}`);
            results[variant][w.name].push(res);
            log(
              `run ${r + 1} ${variant.padEnd(9)} ${w.name.padEnd(6)} ${Math.round(res.rps)} req/s p99 ${res.p99.toFixed(1)} ms, ${Math.round(perCpuSecond(res))} req/CPU-s`,
            );
          }
        },
        { ...options, cpus: null },
      );
    }
  }
  const rps = (v: Variant, w: WorkloadName) => median(results[v][w].map((x) => x.rps));
  const perCpu = (v: Variant, w: WorkloadName) => median(results[v][w].map((x) => perCpuSecond(x)));
  const table = (title: string, of: (v: Variant, w: WorkloadName) => number) => [
    `${title.padEnd(9)}  ${"ceiling".padStart(9)}  ${"workers=1 (ratio)".padStart(18)}  ${"workers=2 (ratio)".padStart(18)}  2 ÷ 1`,
    ...measured.map((w) => {
      const c = of("ceiling", w.name);
      const one = of("workers=1", w.name);
      const two = of("workers=2", w.name);
      return `${w.name.padEnd(9)}  ${c.toFixed(0).padStart(9)}  ${`${one.toFixed(0)} (${(one / c).toFixed(2)})`.padStart(18)}  ${`${two.toFixed(0)} (${(two / c).toFixed(2)})`.padStart(18)}  ${(two / one).toFixed(2)}`;
    }),
  ];
  process.stdout.write(
    `\n${table("req/s", rps).join("\n")}\n\n${table("req/CPU-s", perCpu).join("\n")}\n\n` +
      `medians of ${repeats} runs of ${seconds}s (after ${warmup}s warmup), ${connections} keep-alive connections, nothing pinned; ` +
      "req/CPU-s counts the CPU of the server process and its children (the primary and its workers)\n",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
