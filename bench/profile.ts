/**
 * Where a server spends its time on each workload: runs it under `bun --cpu-prof` with the same load as
 * the benchmark, then prints the hottest functions in microseconds per request.
 *
 *   bun bench/profile.ts [--servers=satchel,ceiling] [--workloads=list,view,create] [--seconds=5]
 *                        [--interval=200] [--top=25] [--logs=on|off] [--keep=<dir for the .cpuprofile files>]
 *                        [--engine=sqlite|postgres] [--url=postgres://...]
 *
 * With `--engine=postgres` the data is seeded into PostgreSQL (a throwaway cluster, or the server at `--url`)
 * and the servers are Satchel with `--db=` and bench/postgres/ceiling.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type CpuProfile, formatSummary, summarizeProfile } from "./cpu-profile.ts";
import {
  cpus,
  log,
  type PostgresTemplate,
  parseWorkloadList,
  runLoadProcess,
  withServer,
  workloadNames,
  workloads,
} from "./harness.ts";
import { BenchPostgres } from "./postgres/database.ts";
import { copyWithLogsOff, seedDataDir } from "./seed.ts";
import type { ServerKind } from "./servers.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "satchel,ceiling" },
    workloads: { type: "string", default: workloadNames.join(",") },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
    interval: { type: "string", default: "200" },
    top: { type: "string", default: "25" },
    logs: { type: "string", default: "on" },
    keep: { type: "string" },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
  },
});
const servers = opts.servers.split(",").map((s) => s.trim()) as ServerKind[];
for (const s of servers) if (s !== "satchel" && s !== "ceiling") throw new Error(`unknown server ${s}`);
const chosen = parseWorkloadList(opts.workloads);
if (opts.logs !== "on" && opts.logs !== "off") throw new Error('--logs takes "on" or "off"');
if (opts.engine !== "sqlite" && opts.engine !== "postgres") throw new Error('--engine takes "sqlite" or "postgres"');
const root = resolve(import.meta.dir, "..");

const pg = opts.engine === "postgres" ? await BenchPostgres.open(opts.url, cpus.server) : null;
const work = mkdtempSync(join(tmpdir(), "satchel-profile-"));
try {
  const profiles = opts.keep ? resolve(opts.keep) : join(work, "profiles");
  mkdirSync(profiles, { recursive: true });
  const seeded = join(work, "seeded");
  const seededDb = pg ? await pg.create("seeded") : null;
  const ids = await seedDataDir(seeded, pg && seededDb ? pg.url(seededDb) : "");
  // Satchel's request logs on (the default) or off
  const template = opts.logs === "on" ? seeded : join(work, "template-logs-off");
  let database = seededDb;
  if (opts.logs === "off") {
    database = pg && seededDb ? await pg.create("logs_off", seededDb) : null;
    await copyWithLogsOff(seeded, template, pg && database ? pg.url(database) : "");
  }
  if (pg && database) await pg.analyze(database);
  const postgres: PostgresTemplate | null = pg && database ? { server: pg, database } : null;
  for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
    for (const kind of servers) {
      const name = `${kind}-${w.name}.cpuprofile`;
      rmSync(join(profiles, name), { force: true });
      const bunArgs = [
        "--cpu-prof",
        `--cpu-prof-dir=${profiles}`,
        `--cpu-prof-name=${name}`,
        `--cpu-prof-interval=${opts.interval}`,
      ];
      const res = await withServer(
        kind,
        template,
        work,
        (server) =>
          runLoadProcess(
            server,
            w.requests,
            {
              connections: Number(opts.connections),
              warmupSeconds: Number(opts.warmup),
              seconds: Number(opts.seconds),
            },
            work,
          ),
        {
          bunArgs,
          ...(postgres ? { postgres, ceilingScript: resolve(import.meta.dir, "postgres/ceiling.ts") } : {}),
        },
      );
      if (!readdirSync(profiles).includes(name)) throw new Error(`${kind} wrote no profile`);
      const profile = (await Bun.file(join(profiles, name)).json()) as CpuProfile;
      const summary = summarizeProfile(profile, res.completed, root);
      const cpuUs = res.serverCpuSeconds === undefined ? "?" : ((res.serverCpuSeconds * 1e6) / res.requests).toFixed(1);
      process.stdout.write(
        `\n== ${kind} ${w.name}: ${res.rps.toFixed(0)} req/s under the profiler, ${cpuUs} µs of process CPU per request\n` +
          `${formatSummary(summary, Number(opts.top))}\n`,
      );
    }
  }
  if (opts.keep) log(`profiles kept in ${profiles}`);
} finally {
  await pg?.close();
  rmSync(work, { recursive: true, force: true });
}
