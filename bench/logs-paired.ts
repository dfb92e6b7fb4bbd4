/**
 * bun bench/logs-paired.ts: what request logging costs Satchel, measured in pairs. Two Satchel servers on
 * copies of the same data, both pinned to the server CPU, are loaded at the same time (each by its own load
 * generator on the other CPU), round after round: one with request logs on (the default, `maxDays: 5`), the
 * other with `settings.logs.maxDays = 0`. Whatever else the machine runs falls on both alike, so the ratio
 * of their CPU per request is steady where one-server-at-a-time runs (bench/run.ts) swing by more than the
 * effect measured.
 *
 * To keep the figure from measuring the two processes rather than the logging, the servers swap roles every
 * round (the settings are changed through the API, as a superuser): each process is "on" in half of the
 * rounds. Both are warmed up first, in both roles and on every workload, long enough for Bun's JIT to settle
 * (it keeps compiling for the first 10-20 s under load); the workloads then alternate round by round. It
 * prints the median of the rounds' on ÷ off ratios of requests per CPU-second (user + system, all threads,
 * the log writer's included), and by requests/s.
 *
 *   bun bench/logs-paired.ts [--rounds=12] [--seconds=3] [--warmup=1] [--settle=24] [--connections=16]
 *     [--workloads=list,create] [--tree=<another checkout>] [--threads] [--engine=sqlite|postgres] [--url=...]
 *
 * `--settle` is the warm-up before the rounds, in seconds, split over the workloads and both roles;
 * `--warmup` the load each round sends before it measures. `--tree` serves another checkout's Satchel
 * (e.g. the main branch, `git archive main | tar -x -C /tmp/base` plus a node_modules symlink) with this
 * checkout's bench, so both are measured the same way. `--threads` adds each role's CPU per request by thread
 * (the main thread `bun.exe`, the log writer's `Worker`, the JIT's, the allocator's), summed over the rounds,
 * their warm-up seconds included: where the logging's cost lands.
 *
 * With `--engine=postgres` both run on PostgreSQL (`--db=`), each on its own copy of the seeded database on one
 * cluster (started from the local binaries and pinned to the server CPU, or the server at `--url`). The
 * database's CPU is then told apart per server by its backends (the processes serving that server's
 * database, autovacuum's included; a local cluster only): the ratios are given with it and without it.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { databaseOpener } from "../src/cmd/open-database.ts";
import { upsertSuperuser } from "../src/cmd/superuser.ts";
import { createApp } from "../src/core/base-app.ts";
import { systemMigrations } from "../src/migrations/index.ts";
import { cpus, type LoadSettings, log, median, parseWorkloadList, runLoadProcess, workloads } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { BenchPostgres } from "./postgres/database.ts";
import { perCpuSecond } from "./report.ts";
import { seedDataDir } from "./seed.ts";
import { type RunningBenchServer, startServer } from "./servers.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "12" },
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    settle: { type: "string", default: "24" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: "list,create" },
    tree: { type: "string" },
    threads: { type: "boolean", default: false },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
  },
});
const rounds = Number(opts.rounds);
const settings: LoadSettings = {
  connections: Number(opts.connections),
  warmupSeconds: Number(opts.warmup),
  seconds: Number(opts.seconds),
};
const chosen = parseWorkloadList(opts.workloads);
const settleSeconds = Number(opts.settle);
const tree = opts.tree === undefined ? undefined : resolve(opts.tree);
if (opts.engine !== "sqlite" && opts.engine !== "postgres") throw new Error('--engine takes "sqlite" or "postgres"');

/** The key under which threadCpu counts the process's minor page faults (not a thread: printed apart). */
const faultsKey = "#minor faults";

/**
 * threadCpu is each thread's CPU seconds (user + system) of a process, summed by thread name (Linux), and
 * its threads' minor page faults under faultsKey.
 */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "latin1");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[0-9]+$/, "");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
      byName.set(faultsKey, (byName.get(faultsKey) ?? 0) + Number(fields[7]));
    } catch {
      // the thread ended
    }
  }
  return byName;
}

/**
 * databaseCpu is the CPU seconds (user + system) of the cluster's processes serving one database (the
 * postmaster's children whose title names it: its backends and autovacuum's workers on it).
 */
function databaseCpu(postmaster: number, database: string): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${postmaster}/task`)) {
    let children: string[];
    try {
      children = readFileSync(`/proc/${postmaster}/task/${task}/children`, "latin1").trim().split(" ");
    } catch {
      continue;
    }
    for (const child of children) {
      try {
        const title = readFileSync(`/proc/${child}/cmdline`, "latin1");
        if (!title.includes(` ${database} `)) continue;
        const stat = readFileSync(`/proc/${child}/stat`, "latin1");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        total += (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        // the process ended
      }
    }
  }
  return total;
}

const email = "bench@example.com";
const password = "bench-password-123";

/** A server of the pair, with a superuser token to switch its request logs. */
interface PairedServer extends RunningBenchServer {
  token: string;
  logsOn: boolean;
  /** The server's database on PostgreSQL, else null. */
  database: string | null;
}

async function addSuperuser(dir: string, databaseUrl: string): Promise<void> {
  const app = createApp({
    dataDir: dir,
    openDatabase: databaseOpener({ url: databaseUrl }),
    migrations: systemMigrations,
  });
  await app.bootstrap();
  try {
    await upsertSuperuser(app, email, password);
  } finally {
    await app.terminate();
  }
}

async function startPaired(dir: string, database: string | null): Promise<PairedServer> {
  const server = await startServer("satchel", dir, {
    cpus: cpus.server,
    ...(tree ? { tree } : {}),
    ...(database !== null && pg ? { serveArgs: [`--db=${pg.url(database)}`] } : {}),
  });
  const res = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: email, password }),
  });
  if (!res.ok) throw new Error(`superuser login: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { ...server, token, logsOn: true, database };
}

/** setLogs turns a server's request logs on (`maxDays: 5`, the default) or off (`maxDays: 0`). */
async function setLogs(server: PairedServer, on: boolean): Promise<void> {
  if (server.logsOn === on) return;
  const res = await fetch(`${server.url}/api/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: server.token },
    body: JSON.stringify({ logs: { maxDays: on ? 5 : 0 } }),
  });
  if (!res.ok) throw new Error(`settings: ${res.status} ${await res.text()}`);
  server.logsOn = on;
}

const pg = opts.engine === "postgres" ? await BenchPostgres.open(opts.url, cpus.server) : null;
/** The postmaster whose children's CPU is counted per database (a cluster this bench started), else null. */
const postmaster = pg?.pid ?? null;
const work = mkdtempSync(join(tmpdir(), "satchel-logs-paired-"));
const loads: number[] = [loadavg()[0] ?? 0];
try {
  log(
    `logs on against off, paired on ${opts.engine}${tree ? ` (serving ${tree})` : ""}: ${chosen.join(", ")}; ${settleSeconds}s to settle, then ${rounds} rounds of ${settings.warmupSeconds}+${settings.seconds}s; load average ${loads[0]?.toFixed(2)}`,
  );
  const seeded = join(work, "seeded");
  const seededDb = pg ? await pg.create("seeded") : null;
  const seededUrl = pg && seededDb ? pg.url(seededDb) : "";
  const ids = await seedDataDir(seeded, seededUrl);
  await addSuperuser(seeded, seededUrl);
  if (pg && seededDb) await pg.analyze(seededDb);
  const dirs = [join(work, "a"), join(work, "b")];
  for (const d of dirs) cpSync(seeded, d, { recursive: true });
  const copies = pg && seededDb ? [await pg.create("a", seededDb), await pg.create("b", seededDb)] : [null, null];
  const pair = [
    await startPaired(dirs[0] as string, copies[0] ?? null),
    await startPaired(dirs[1] as string, copies[1] ?? null),
  ] as const;
  /** Each server's database CPU seconds so far (0 on SQLite, or when the cluster isn't this bench's). */
  const dbCpu = (server: PairedServer): number =>
    server.database !== null && postmaster !== null ? databaseCpu(postmaster, server.database) : 0;
  const chosenWorkloads = workloads(ids).filter((w) => chosen.includes(w.name));
  let loadRuns = 0;
  const threadSums = new Map<string, { requests: number; cpu: Map<string, number> }>();
  /** runPair loads both servers at once with a workload; the results in the order of `pair`. */
  const runPair = async (requests: (typeof chosenWorkloads)[number]["requests"], s: LoadSettings) => {
    const loadDirs = pair.map(() => join(work, `load-${loadRuns++}`));
    for (const d of loadDirs) mkdirSync(d, { recursive: true });
    const results = (await Promise.all(
      pair.map((server, i) => runLoadProcess(server, requests, s, loadDirs[i] as string)),
    )) as LoadResult[];
    for (const r of results) if (r.unexpected > 0) throw new Error(`unexpected answers: ${r.sample}`);
    return results as [LoadResult, LoadResult];
  };
  const stats = new Map(
    chosenWorkloads.map((w) => [
      w.name,
      {
        cpu: [] as number[],
        withDb: [] as number[],
        rps: [] as number[],
        usOn: [] as number[],
        usOff: [] as number[],
        dbOn: [] as number[],
        dbOff: [] as number[],
      },
    ]),
  );
  try {
    // settle: every workload in both roles, so each process has compiled both the logging and the silent path
    const settleEach = Math.max(0, settleSeconds / (2 * chosenWorkloads.length));
    if (settleEach > 0) {
      for (const onIndex of [0, 1]) {
        await setLogs(pair[0], onIndex === 0);
        await setLogs(pair[1], onIndex === 1);
        for (const w of chosenWorkloads)
          await runPair(w.requests, { ...settings, warmupSeconds: 0, seconds: settleEach });
      }
    }
    for (let r = 0; r < rounds; r++) {
      const onIndex = r % 2;
      await setLogs(pair[0], onIndex === 0);
      await setLogs(pair[1], onIndex === 1);
      for (const w of chosenWorkloads) {
        const before = opts.threads ? pair.map((p) => threadCpu(p.pid)) : [];
        const dbBefore = pair.map(dbCpu);
        const results = await runPair(w.requests, settings);
        /** The database's CPU per request (µs) of each server, over the round's warm-up and measured seconds. */
        const dbUs = pair.map((p, i) => ((dbCpu(p) - (dbBefore[i] ?? 0)) * 1e6) / (results[i] as LoadResult).completed);
        const on = results[onIndex] as LoadResult;
        const off = results[1 - onIndex] as LoadResult;
        if (opts.threads) {
          pair.forEach((p, i) => {
            const t = threadSums.get(`${w.name} ${i === onIndex ? "on" : "off"}`) ?? { requests: 0, cpu: new Map() };
            t.requests += (results[i] as LoadResult).completed;
            for (const [name, sec] of threadCpu(p.pid)) {
              t.cpu.set(name, (t.cpu.get(name) ?? 0) + sec - (before[i]?.get(name) ?? 0));
            }
            if (pg) {
              const db = ((dbUs[i] ?? 0) * (results[i] as LoadResult).completed) / 1e6;
              t.cpu.set("database", (t.cpu.get("database") ?? 0) + db);
            }
            threadSums.set(`${w.name} ${i === onIndex ? "on" : "off"}`, t);
          });
        }
        const s = stats.get(w.name);
        if (!s) continue;
        s.cpu.push(perCpuSecond(on) / perCpuSecond(off));
        s.rps.push(on.rps / off.rps);
        s.usOn.push(1e6 / perCpuSecond(on));
        s.usOff.push(1e6 / perCpuSecond(off));
        s.dbOn.push(dbUs[onIndex] ?? 0);
        s.dbOff.push(dbUs[1 - onIndex] ?? 0);
        s.withDb.push(((s.usOff.at(-1) ?? 0) + (s.dbOff.at(-1) ?? 0)) / ((s.usOn.at(-1) ?? 0) + (s.dbOn.at(-1) ?? 0)));
        const db = pg
          ? `; with the database ${s.withDb.at(-1)?.toFixed(3)} (its µs per request on ${s.dbOn.at(-1)?.toFixed(0)}, off ${s.dbOff.at(-1)?.toFixed(0)})`
          : "";
        log(
          `  #${r + 1} ${w.name.padEnd(6)} (on: server ${"ab"[onIndex]}): on ÷ off ${s.cpu.at(-1)?.toFixed(3)} per CPU-s, ${s.rps.at(-1)?.toFixed(3)} by req/s; CPU per request on ${s.usOn.at(-1)?.toFixed(0)} µs, off ${s.usOff.at(-1)?.toFixed(0)} µs${db}`,
        );
      }
      loads.push(loadavg()[0] ?? 0);
    }
  } finally {
    for (const server of pair) await server.stop();
  }
  const lines = chosenWorkloads.map((w) => {
    const s = stats.get(w.name);
    if (!s) return "";
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}`;
    const db = pg
      ? `; with the database ${median(s.withDb).toFixed(3)} (${range(s.withDb)}), its CPU per request on ${median(s.dbOn).toFixed(0)} µs, off ${median(s.dbOff).toFixed(0)} µs`
      : "";
    return `${w.title.padEnd(32)} on ÷ off per CPU-s ${median(s.cpu).toFixed(3)} (rounds ${range(s.cpu)}), by req/s ${median(s.rps).toFixed(3)}; CPU per request on ${median(s.usOn).toFixed(0)} µs, off ${median(s.usOff).toFixed(0)} µs${db}`;
  });
  for (const [key, t] of threadSums) {
    const parts = [...t.cpu].filter(([n, sec]) => sec > 0 && n !== faultsKey).sort((a, b) => b[1] - a[1]);
    const total = parts.reduce((a, [, sec]) => a + sec, 0);
    const faults = (t.cpu.get(faultsKey) ?? 0) / t.requests;
    process.stdout.write(
      `${key.padEnd(12)} µs per request, by thread (warmups included): total ${((total / t.requests) * 1e6).toFixed(1)}; ${parts.map(([n, sec]) => `${n} ${((sec / t.requests) * 1e6).toFixed(1)}`).join(", ")}; minor page faults per request ${faults.toFixed(2)}\n`,
    );
  }
  const sortedLoads = [...loads].sort((a, b) => a - b);
  process.stdout.write(
    `\n${lines.join("\n")}\n\nmedians of ${rounds} paired rounds (roles swapped every round); load average ${sortedLoads[0]?.toFixed(1)}..${sortedLoads.at(-1)?.toFixed(1)}; target: at least 0.95\n`,
  );
} finally {
  await pg?.close();
  rmSync(work, { recursive: true, force: true });
}
