/**
 * npm run bench: Satchel against the ceiling (bench/ceiling.ts) on the same data, one server at a time,
 * each in its own process pinned to one CPU while the load generator (bench/load.ts) runs on the other.
 * See bench/README.md for the method.
 *
 * Satchel runs with request logging on (the default) and, in the same run, off (`--logs=on,off`).
 * `--engine=postgres` runs the same on PostgreSQL (Satchel with `--db=`, against bench/postgres/ceiling.ts), on
 * a throwaway cluster started from the local binaries or on the server at `--url`; `--engine=sqlite,postgres`
 * runs both, one after the other. `--pool=N` gives both servers' PostgreSQL pools N connections (`?pool=N`;
 * left out, 10 each).
 *
 *   bun bench/run.ts [--seconds=3] [--warmup=2] [--repeats=3] [--connections=16] [--workloads=list,view,create]
 *                    [--logs=on,off] [--engine=sqlite|postgres|sqlite,postgres] [--url=postgres://...] [--pool=N]
 *                    [--json=<file>]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  cpus,
  log,
  type PostgresTemplate,
  parseWorkloadList,
  runLoadProcess,
  type WorkloadName,
  withServer,
  workloadNames,
  workloads,
} from "./harness.ts";
import type { LoadRequest, LoadResult } from "./load.ts";
import { BenchPostgres } from "./postgres/database.ts";
import { compare, comparisonTable, formatRun, logsComparisonTable } from "./report.ts";
import { copyWithLogsOff, seedDataDir } from "./seed.ts";
import type { ServerKind } from "./servers.ts";
import { type ServerSnapshot, snapshotDifferences, takeSnapshot } from "./verify.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    workloads: { type: "string", default: workloadNames.join(",") },
    logs: { type: "string", default: "on,off" },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
    pool: { type: "string" },
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
const logModes = opts.logs.split(",").map((s) => s.trim());
if (logModes.length === 0 || logModes.some((m) => m !== "on" && m !== "off"))
  throw new Error('--logs takes "on", "off" or "on,off"');

/** A server the bench measures: Satchel with request logs on or off, or the ceiling. */
type Variant = "satchel" | "satchel-logs-off" | "ceiling";
const variants: Variant[] = [
  ...(logModes.includes("on") ? (["satchel"] as const) : []),
  ...(logModes.includes("off") ? (["satchel-logs-off"] as const) : []),
  "ceiling",
];
const kindOf = (v: Variant): ServerKind => (v === "ceiling" ? "ceiling" : "satchel");

type Engine = "sqlite" | "postgres";
const engines = opts.engine.split(",").map((s) => s.trim());
if (engines.length === 0 || engines.some((e) => e !== "sqlite" && e !== "postgres"))
  throw new Error('--engine takes "sqlite", "postgres" or "sqlite,postgres"');
const postgresCeiling = resolve(import.meta.dir, "postgres/ceiling.ts");

const pgServer = engines.includes("postgres") ? await BenchPostgres.open(opts.url, cpus.server) : null;
const work = mkdtempSync(join(tmpdir(), "satchel-bench-"));
try {
  const outputs: Record<string, unknown> = {};
  for (const engine of engines as Engine[]) outputs[engine] = await benchEngine(engine);
  if (opts.json) {
    const options = { seconds, warmup, repeats, connections, logs: logModes, pinned: cpus.server !== null };
    await Bun.write(opts.json, JSON.stringify({ options, ...outputs }, null, 2));
  }
} finally {
  await pgServer?.close();
  rmSync(work, { recursive: true, force: true });
}

/** benchEngine seeds the data on one engine, measures every variant and prints the tables. */
async function benchEngine(engine: Engine) {
  const started = performance.now();
  const pg = engine === "postgres" ? pgServer : null;
  log(
    `satchel bench on ${engine}: ${chosen.join(", ")}; ${connections} connections, ${warmup}s warmup + ${seconds}s, ` +
      `${repeats} repeats${pg && opts.pool ? `, pools of ${opts.pool} connections` : ""}; ${cpus.server === null ? "no CPU pinning (needs taskset and 2 CPUs)" : `server${pg?.cluster ? " and PostgreSQL" : ""} on CPU 1, load generator on CPU 0`}; ` +
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
  );
  const template = join(work, `template-${engine}`);
  const templateLogsOff = join(work, `template-${engine}-logs-off`);
  let pgTemplates: { on: PostgresTemplate; off: PostgresTemplate } | null = null;
  let ids: string[];
  if (pg) {
    const on = await pg.create("template");
    ids = await seedDataDir(template, pg.url(on));
    const off = await pg.create("template_logs_off", on);
    if (variants.includes("satchel-logs-off")) await copyWithLogsOff(template, templateLogsOff, pg.url(off));
    // the statistics Satchel's optimize leaves on SQLite; autovacuum would get there in its own time
    await pg.analyze(on);
    await pg.analyze(off);
    const pool = opts.pool === undefined ? {} : { pool: Number(opts.pool) };
    pgTemplates = { on: { server: pg, database: on, ...pool }, off: { server: pg, database: off, ...pool } };
  } else {
    ids = await seedDataDir(template);
    if (variants.includes("satchel-logs-off")) await copyWithLogsOff(template, templateLogsOff);
  }
  const all = workloads(ids);
  const measured = all.filter((w) => chosen.includes(w.name));
  const first = Object.fromEntries(all.map((w) => [w.name, w.requests[0] as LoadRequest])) as Record<
    WorkloadName,
    LoadRequest
  >;
  log(`seeded ${ids.length} records in ${((performance.now() - started) / 1000).toFixed(1)}s`);

  const emptyRuns = () => ({ list: [], view: [], create: [] }) as Record<WorkloadName, LoadResult[]>;
  const results = Object.fromEntries(variants.map((v) => [v, emptyRuns()])) as Record<
    Variant,
    Record<WorkloadName, LoadResult[]>
  >;
  let reference: { variant: Variant; snapshot: ServerSnapshot } | null = null;
  for (let r = 0; r < repeats; r++) {
    // rotate which server goes first, so a drift in the machine's load falls on all of them
    const order = variants.map((_, i) => variants[(i + r) % variants.length] as Variant);
    for (const variant of order) {
      const logsOff = variant === "satchel-logs-off";
      const dir = logsOff ? templateLogsOff : template;
      const postgres = pgTemplates ? (logsOff ? pgTemplates.off : pgTemplates.on) : undefined;
      await withServer(
        kindOf(variant),
        dir,
        work,
        async (server) => {
          const snapshot = await takeSnapshot(server.url, first);
          if (!reference) reference = { variant, snapshot };
          const diffs = snapshotDifferences(reference.snapshot, snapshot);
          if (diffs.length > 0)
            throw new Error(`${reference.variant} and ${variant} answer differently:\n${diffs.join("\n")}`);
          for (const w of measured) {
            const res = await runLoadProcess(
              server,
              w.requests,
              { connections, warmupSeconds: warmup, seconds },
              work,
              { databasePid: pg?.pid ?? null },
            );
            if (res.unexpected > 0)
              throw new Error(`${variant} ${w.name}: ${res.unexpected} unexpected responses: ${res.sample}`);
            results[variant][w.name].push(res);
            log(formatRun(r, variant, w.name, res, seconds));
          }
        },
        pg ? { ceilingScript: postgresCeiling, ...(postgres ? { postgres } : {}) } : {},
      );
    }
  }

  const satchelVariants = variants.filter((v) => v !== "ceiling");
  const tables = satchelVariants.map((v) => {
    const rows = measured.map((w) => compare(w.name, w.title, results[v][w.name], results.ceiling[w.name]));
    return { variant: v, rows };
  });
  let table = tables
    .map((t) => `${t.variant === "satchel" ? "request logs on" : "request logs off"}:\n${comparisonTable(t.rows)}`)
    .join("\n\n");
  if (variants.includes("satchel") && variants.includes("satchel-logs-off")) {
    const onOff = measured.map((w) =>
      compare(w.name, w.title, results.satchel[w.name], results["satchel-logs-off"][w.name]),
    );
    table += `\n\nrequest logs on against off:\n${logsComparisonTable(onOff)}`;
  }
  const cpuNote = pg?.cluster
    ? "; the CPU counts the server's process and PostgreSQL's (postmaster and backends)"
    : pg
      ? "; the CPU counts the server's process only (PostgreSQL runs elsewhere)"
      : "";
  process.stdout.write(
    `\n${engine}:\n${table}\n\nmedians of ${repeats} runs of ${seconds}s (after ${warmup}s warmup), ${connections} keep-alive ` +
      `connections; total ${((performance.now() - started) / 1000).toFixed(0)}s\n` +
      "ratio = satchel req/s ÷ ceiling req/s; ratio per CPU-s = requests per second of server CPU, satchel ÷ ceiling " +
      `(steadier when other processes share the machine)${cpuNote}; on ÷ off: the same ratios, logs on ÷ logs off\n`,
  );
  return { tables, runs: results };
}
