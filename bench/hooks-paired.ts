/**
 * bun bench/hooks-paired.ts: what hook files cost Satchel, measured in pairs (the method of
 * logs-paired.ts). Two Satchel servers on copies of the same data, one with a hook file beside its data
 * directory that binds one no-op handler (`(e) => e.next()`) on every record hook (onRecord*: the save
 * stages, enrich, the request hooks), one with no hook file, both pinned to the server CPU, are loaded at
 * the same time round after round, so whatever else the machine runs falls on both alike.
 *
 * `--hookTimeout=0` serves both without the hook timeout (what watching the handlers costs); `--only=<regexp>`
 * binds only the record hooks it matches (`--only='^onRecordCreate$'`: what a create's own transaction costs),
 * `--only='^$'` none (the hook file alone); `--models` binds the onModel* hooks too (they fire for records).
 *
 *   bun bench/hooks-paired.ts [--rounds=8] [--seconds=3] [--warmup=1] [--connections=16] [--workloads=list,view,create]
 *                             [--hookTimeout=30] [--only=<regexp>] [--models]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpus, log, median, parseWorkloadList, runLoadProcess, workloadNames, workloads } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { perCpuSecond } from "./report.ts";
import { seedDataDir } from "./seed.ts";
import { startServer } from "./servers.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: workloadNames.join(",") },
    hookTimeout: { type: "string", default: "30" },
    only: { type: "string", default: "" },
    models: { type: "boolean", default: false },
  },
});
const rounds = Number(opts.rounds);
const settings = {
  connections: Number(opts.connections),
  warmupSeconds: Number(opts.warmup),
  seconds: Number(opts.seconds),
};
const chosen = parseWorkloadList(opts.workloads);

/** The hook file of the hooked server: a no-op handler on every record hook (those `--only` matches). */
const noopHooks = `import type { App, HookName } from "satchel/hooks";
const only = ${opts.only === "" ? "null" : `new RegExp(${JSON.stringify(opts.only)})`} as RegExp | null;
export default (app: App) => {
  for (const name of app.hooks.names()) {
    const recordHook = name.startsWith("onRecord")${opts.models ? ' || name.startsWith("onModel")' : ""};
    if (!recordHook || (only && !only.test(name))) continue;
    const bind = app[name] as unknown as (handler: (e: { next(): Promise<void> }) => Promise<void>) => unknown;
    bind((e) => e.next());
  }
};
export type { HookName };
`;

const work = mkdtempSync(join(tmpdir(), "satchel-hooks-paired-"));
try {
  log(
    `no-op hooks against none, paired: ${chosen.join(", ")}; ${rounds} rounds of ${settings.seconds}s; hook timeout ${opts.hookTimeout}s${opts.only === "" ? "" : `; only ${opts.only}`}; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const seeded = join(work, "seeded");
  const ids = await seedDataDir(seeded);
  // each data directory in a folder of its own, so each has its own satchel_hooks beside it
  const hooked = join(work, "hooked", "satchel_data");
  const plain = join(work, "plain", "satchel_data");
  cpSync(seeded, hooked, { recursive: true });
  cpSync(seeded, plain, { recursive: true });
  mkdirSync(join(work, "hooked", "satchel_hooks"));
  writeFileSync(join(work, "hooked", "satchel_hooks", "noop.ts"), noopHooks);
  const args = [`--hookTimeout=${Number(opts.hookTimeout)}`];
  const servers = {
    hooked: await startServer("satchel", hooked, { cpus: cpus.server, serveArgs: args }),
    plain: await startServer("satchel", plain, { cpus: cpus.server, serveArgs: args }),
  };
  const lines: string[] = [];
  try {
    for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
      const cpuRatios: number[] = [];
      const rpsRatios: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const dirs = [join(work, `load-hooked-${w.name}-${r}`), join(work, `load-plain-${w.name}-${r}`)];
        for (const d of dirs) mkdirSync(d, { recursive: true });
        const [resHooked, resPlain] = (await Promise.all([
          runLoadProcess(servers.hooked, w.requests, settings, dirs[0] as string),
          runLoadProcess(servers.plain, w.requests, settings, dirs[1] as string),
        ])) as [LoadResult, LoadResult];
        if (resHooked.unexpected > 0 || resPlain.unexpected > 0) throw new Error(`${w.name}: unexpected responses`);
        cpuRatios.push(perCpuSecond(resHooked) / perCpuSecond(resPlain));
        rpsRatios.push(resHooked.rps / resPlain.rps);
        log(
          `  #${r + 1} ${w.name}: hooks ÷ none ${rpsRatios.at(-1)?.toFixed(3)} by req/s (${resHooked.rps.toFixed(0)} ÷ ${resPlain.rps.toFixed(0)}), ${cpuRatios.at(-1)?.toFixed(3)} per CPU-s`,
        );
      }
      const spread = [...cpuRatios].sort((a, b) => a - b);
      lines.push(
        `${w.title.padEnd(32)} hooks ÷ none per CPU-s ${median(cpuRatios).toFixed(3)} (rounds ${spread[0]?.toFixed(2)}..${spread.at(-1)?.toFixed(2)}), by req/s ${median(rpsRatios).toFixed(3)}`,
      );
    }
  } finally {
    await servers.hooked.stop();
    await servers.plain.stop();
  }
  process.stdout.write(`\n${lines.join("\n")}\n\nmedians of ${rounds} paired rounds; target: at least 0.9\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
