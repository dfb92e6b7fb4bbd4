/**
 * bun bench/postgres/warmup.ts: how a server's CPU per request settles over HTTP on PostgreSQL, by thread. Each
 * server (Satchel with request logs on, Satchel with them off when `--logs=on,off`, then the ceiling) is started fresh and loaded with each workload for
 * `--phases` back-to-back phases of `--seconds`, as `bench/run.ts` loads it (16 connections, the load generator
 * on the other CPU); after each phase it prints the CPU per request of the server's threads (`/proc/<pid>/task`:
 * the JS thread `bun.exe`, JavaScriptCore's compiler threads `JITWorker`, ...) and the database's. It shows how
 * much of the records bench's figure, whose measured seconds come 2 s after a workload starts, is the JIT still
 * compiling rather than the work of a request.
 *
 *   bun bench/postgres/warmup.ts [--servers=satchel,ceiling] [--workloads=view,create] [--phases=6] [--seconds=3]
 *                                [--logs=on|off|on,off]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cpus, parseWorkloadList, runLoadProcess, withServer, workloads } from "../harness.ts";
import { copyWithLogsOff, seedDataDir } from "../seed.ts";
import { BenchPostgres } from "./database.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "satchel,ceiling" },
    workloads: { type: "string", default: "view,create" },
    phases: { type: "string", default: "6" },
    seconds: { type: "string", default: "3" },
    logs: { type: "string", default: "on" },
  },
});
const servers = opts.servers.split(",").map((s) => s.trim());
if (servers.some((s) => s !== "satchel" && s !== "ceiling")) throw new Error('--servers takes "satchel", "ceiling"');
const chosen = parseWorkloadList(opts.workloads);
const phases = Number(opts.phases);
const seconds = Number(opts.seconds);
const logModes = opts.logs.split(",").map((s) => s.trim());
if (logModes.some((m) => m !== "on" && m !== "off")) throw new Error('--logs takes "on", "off" or "on,off"');
/** The servers in turn: Satchel once per log mode, the ceiling once. */
const runs = servers.flatMap((kind) =>
  kind === "ceiling" ? [{ kind, logs: "" }] : logModes.map((logs) => ({ kind, logs: `logs ${logs}` })),
);

/** threadCpu is the CPU seconds of a process's threads by name, digits dropped ("JITWorker", "bun.exe"...). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "latin1")
        .trim()
        .replace(/[0-9]+$/, "");
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

const pg = await BenchPostgres.open(undefined, cpus.server);
const work = mkdtempSync(join(tmpdir(), "satchel-pg-warmup-"));
try {
  const database = await pg.create("template");
  const template = join(work, "template");
  const ids = await seedDataDir(template, pg.url(database));
  const logsOff = await pg.create("template_logs_off", database);
  const templateLogsOff = join(work, "template-logs-off");
  if (logModes.includes("off")) await copyWithLogsOff(template, templateLogsOff, pg.url(logsOff));
  await pg.analyze(database);
  await pg.analyze(logsOff);
  const fmt = (n: number) => n.toFixed(2);
  process.stdout.write(`phases of ${seconds}s, load average ${loadavg().map(fmt).join(" ")}\n`);
  for (const { kind, logs } of runs as { kind: "satchel" | "ceiling"; logs: string }[]) {
    const off = logs === "logs off";
    await withServer(
      kind,
      off ? templateLogsOff : template,
      work,
      async (server) => {
        for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
          for (let p = 0; p < phases; p++) {
            const before = threadCpu(server.pid);
            const res = await runLoadProcess(server, w.requests, { connections: 16, warmupSeconds: 0, seconds }, work, {
              databasePid: pg.pid,
            });
            const after = threadCpu(server.pid);
            // every response of the phase: the threads' CPU is read around the whole load run
            const perRequest = (s: number) => ((s * 1e6) / res.completed).toFixed(0);
            const byThread = [...after]
              .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
              .filter(([, s]) => s > 0)
              .sort((a, b) => b[1] - a[1])
              .map(([name, s]) => `${name} ${perRequest(s)}`);
            const db = ((res.databaseCpuSeconds ?? 0) * 1e6) / Math.max(1, res.requests);
            process.stdout.write(
              `${`${kind} ${logs}`.padEnd(17)} ${w.name.padEnd(7)} ${p * seconds}-${(p + 1) * seconds}s  ${String(res.completed).padStart(6)} req  ` +
                `µs per request: db ${db.toFixed(0)}; ${byThread.join(", ")}\n`,
            );
          }
        }
      },
      {
        ceilingScript: resolve(import.meta.dir, "ceiling.ts"),
        postgres: { server: pg, database: off ? logsOff : database },
      },
    );
  }
} finally {
  await pg.close();
  rmSync(work, { recursive: true, force: true });
}
