/**
 * bun bench/branch-paired.ts --base=<checkout>: this checkout's Satchel against another checkout's (e.g. the
 * main branch), measured in pairs as bench/logs-paired.ts does: both servers pinned to the server CPU, on
 * copies of the same data, loaded at the same time round after round, so that whatever else the machine runs
 * falls on both alike. Prints the median ratio (this ÷ base) of requests per server CPU-second and of req/s.
 *
 * With `--engine=postgres` both run on PostgreSQL (`--db=`), each on its own copy of the seeded database on
 * one server (a throwaway cluster pinned to the server CPU, or the server at `--url`); the database's CPU
 * then counts for both alike and is left out of the ratio (it can't be told apart per server).
 *
 *   bun bench/branch-paired.ts --base=/work/main [--rounds=10] [--seconds=3] [--warmup=1] [--workloads=list,view,create]
 *                              [--engine=sqlite|postgres] [--url=postgres://...]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cpus, log, median, parseWorkloadList, runLoadProcess, workloads } from "./harness.ts";
import { BenchPostgres } from "./postgres/database.ts";
import { perCpuSecond } from "./report.ts";
import { seedDataDir } from "./seed.ts";
import type { RunningBenchServer } from "./servers.ts";

const { values: opts } = parseArgs({
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "10" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: "list,view,create" },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
  },
});
if (!opts.base) throw new Error("--base=<the other checkout> is required");
const rounds = Number(opts.rounds);
const settings = {
  connections: Number(opts.connections),
  warmupSeconds: Number(opts.warmup),
  seconds: Number(opts.seconds),
};
const chosen = parseWorkloadList(opts.workloads);
if (opts.engine !== "sqlite" && opts.engine !== "postgres") throw new Error('--engine takes "sqlite" or "postgres"');

async function start(root: string, dir: string, db: string | null): Promise<RunningBenchServer & { kill(): void }> {
  const cmd = [process.execPath, resolve(root, "src/main.ts"), "serve", "--http=127.0.0.1:0", `--dir=${dir}`];
  if (db !== null) cmd.push(`--db=${db}`);
  const proc = Bun.spawn(cpus.server === null ? cmd : ["taskset", "-c", cpus.server, ...cmd], {
    cwd: root,
    stdout: "pipe",
    stderr: "ignore",
  });
  const reader = proc.stdout.getReader();
  let seen = "";
  let url: string | null = null;
  while (url === null) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server of ${root} did not start:\n${seen}`);
    seen += new TextDecoder().decode(value);
    url = /Server started at (http:\/\/\S+)/.exec(seen)?.[1] ?? null;
  }
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  const u = new URL(url);
  return {
    kind: "satchel",
    url,
    host: u.hostname,
    port: Number(u.port),
    pid: proc.pid,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
    kill: () => proc.kill("SIGKILL"),
  };
}

const pg = opts.engine === "postgres" ? await BenchPostgres.open(opts.url, cpus.server) : null;
const work = mkdtempSync(join(tmpdir(), "satchel-branch-paired-"));
try {
  log(
    `this checkout against ${opts.base}, paired on ${opts.engine}: ${chosen.join(", ")}; ${rounds} rounds; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const seeded = join(work, "seeded");
  const seededDb = pg ? await pg.create("seeded") : null;
  const ids = await seedDataDir(seeded, pg && seededDb ? pg.url(seededDb) : "");
  if (pg && seededDb) await pg.analyze(seededDb);
  const copyDb = async (name: string) => (pg && seededDb ? pg.url(await pg.create(name, seededDb)) : null);
  const dirs = { head: join(work, "head"), base: join(work, "base") };
  cpSync(seeded, dirs.head, { recursive: true });
  cpSync(seeded, dirs.base, { recursive: true });
  const head = await start(resolve(import.meta.dir, ".."), dirs.head, await copyDb("head"));
  const base = await start(resolve(opts.base), dirs.base, await copyDb("base"));
  const lines: string[] = [];
  try {
    for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
      const cpu: number[] = [];
      const rps: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const loads = [join(work, `l-head-${w.name}-${r}`), join(work, `l-base-${w.name}-${r}`)];
        for (const d of loads) mkdirSync(d, { recursive: true });
        const [h, b] = await Promise.all([
          runLoadProcess(head, w.requests, settings, loads[0] as string),
          runLoadProcess(base, w.requests, settings, loads[1] as string),
        ]);
        if (h.unexpected + b.unexpected > 0) throw new Error(`unexpected answers: ${h.sample ?? b.sample}`);
        cpu.push((perCpuSecond(h) ?? 0) / (perCpuSecond(b) ?? 1));
        rps.push(h.rps / b.rps);
      }
      const line = `${w.name.padEnd(7)} head ÷ base: per CPU-s ${median(cpu).toFixed(3)} (${Math.min(...cpu).toFixed(2)}-${Math.max(...cpu).toFixed(2)}), req/s ${median(rps).toFixed(3)}`;
      log(line);
      lines.push(line);
    }
  } finally {
    await head.stop();
    await base.stop();
  }
  process.stdout.write(`\n${lines.join("\n")}\nmedians of ${rounds} paired rounds of ${settings.seconds}s\n`);
} finally {
  await pg?.close();
  rmSync(work, { recursive: true, force: true });
}
