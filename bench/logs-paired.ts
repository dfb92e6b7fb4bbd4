/**
 * bun bench/logs-paired.ts: what request logging costs Satchel, measured in pairs. Two Satchel servers on
 * copies of the same data, one with request logs on (the default) and one with `settings.logs.maxDays = 0`,
 * both pinned to the server CPU, are loaded at the same time (each by its own load generator on the other
 * CPU), round after round. Whatever else the machine runs falls on both alike, so the ratio of their CPU per
 * request is steady where one-server-at-a-time runs (bench/run.ts) swing by more than the effect measured.
 *
 *   bun bench/logs-paired.ts [--rounds=12] [--seconds=3] [--warmup=1] [--connections=16] [--workloads=list,create]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpus, log, median, parseWorkloadList, runLoadProcess, workloads } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { perCpuSecond } from "./report.ts";
import { copyWithLogsOff, seedDataDir } from "./seed.ts";
import { startServer } from "./servers.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "12" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: "list,create" },
  },
});
const rounds = Number(opts.rounds);
const settings = {
  connections: Number(opts.connections),
  warmupSeconds: Number(opts.warmup),
  seconds: Number(opts.seconds),
};
const chosen = parseWorkloadList(opts.workloads);

const work = mkdtempSync(join(tmpdir(), "satchel-logs-paired-"));
try {
  log(
    `logs on against off, paired: ${chosen.join(", ")}; ${rounds} rounds of ${settings.seconds}s; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const seeded = join(work, "seeded");
  const ids = await seedDataDir(seeded);
  const on = join(work, "on");
  cpSync(seeded, on, { recursive: true });
  const off = join(work, "off");
  await copyWithLogsOff(seeded, off);
  const servers = {
    on: await startServer("satchel", on, { cpus: cpus.server }),
    off: await startServer("satchel", off, { cpus: cpus.server }),
  };
  const lines: string[] = [];
  try {
    for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
      const cpuRatios: number[] = [];
      const rpsRatios: number[] = [];
      const cpuOn: number[] = [];
      const cpuOff: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const dirs = [join(work, `load-on-${r}`), join(work, `load-off-${r}`)];
        for (const d of dirs) mkdirSync(d, { recursive: true });
        const [resOn, resOff] = (await Promise.all([
          runLoadProcess(servers.on, w.requests, settings, dirs[0] as string),
          runLoadProcess(servers.off, w.requests, settings, dirs[1] as string),
        ])) as [LoadResult, LoadResult];
        if (resOn.unexpected > 0 || resOff.unexpected > 0) throw new Error(`${w.name}: unexpected responses`);
        cpuRatios.push(perCpuSecond(resOn) / perCpuSecond(resOff));
        cpuOn.push(1e6 / perCpuSecond(resOn));
        cpuOff.push(1e6 / perCpuSecond(resOff));
        rpsRatios.push(resOn.rps / resOff.rps);
        log(
          `  #${r + 1} ${w.name}: on ÷ off ${rpsRatios.at(-1)?.toFixed(3)} by req/s, ${cpuRatios.at(-1)?.toFixed(3)} per CPU-s (CPU per request: on ${cpuOn.at(-1)?.toFixed(0)} µs, off ${cpuOff.at(-1)?.toFixed(0)} µs)`,
        );
      }
      const spread = [...cpuRatios].sort((a, b) => a - b);
      lines.push(
        `${w.title.padEnd(32)} on ÷ off per CPU-s ${median(cpuRatios).toFixed(3)} (rounds ${spread[0]?.toFixed(2)}..${spread.at(-1)?.toFixed(2)}), by req/s ${median(rpsRatios).toFixed(3)}; CPU per request on ${median(cpuOn).toFixed(0)} µs, off ${median(cpuOff).toFixed(0)} µs`,
      );
    }
  } finally {
    await servers.on.stop();
    await servers.off.stop();
  }
  process.stdout.write(`\n${lines.join("\n")}\n\nmedians of ${rounds} paired rounds; target: at least 0.95\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
