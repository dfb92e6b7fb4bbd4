/**
 * The query bench: a list with a three-condition filter and a sort through a relation, on 100,000 records,
 * without and with a list rule, against this bench's ceiling (ceiling.ts). Same method as the records
 * bench (bench/README.md): one server at a time pinned to its CPU, the load generator on the other.
 *
 * `--engine=postgres` runs it on PostgreSQL (Satchel with `--db=`, against bench/postgres/query-ceiling.ts), on a
 * throwaway cluster started from the local binaries or on the server at `--url`; `--engine=sqlite,postgres`
 * runs both, one after the other.
 *
 *   bun bench/query/run.ts [--seconds=5] [--warmup=2] [--repeats=3] [--connections=4] [--json=<file>]
 *                          [--engine=sqlite|postgres|sqlite,postgres] [--url=postgres://...]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cpus, log, type PostgresTemplate, runLoadProcess, withServer } from "../harness.ts";
import type { LoadRequest, LoadResult } from "../load.ts";
import { BenchPostgres } from "../postgres/database.ts";
import { compare, comparisonTable, formatRun } from "../report.ts";
import type { ServerKind } from "../servers.ts";
import { type ResponseSnapshot, responseSnapshot } from "../verify.ts";
import { listQuery, listRule, openCollection, postCount, ruledCollection, thresholds } from "./schema.ts";
import { seedQueryDataDir } from "./seed.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "4" },
    engine: { type: "string", default: "sqlite" },
    url: { type: "string" },
    json: { type: "string" },
  },
});
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const repeats = Number(opts.repeats);
const connections = Number(opts.connections);
if (!(seconds > 0 && warmup >= 0 && repeats >= 1 && connections >= 1))
  throw new Error("--seconds, --repeats and --connections must be positive, --warmup at least 0");

const workloads = [
  { name: "open", title: "3 conditions, sort author.name, no rule", collection: openCollection },
  { name: "ruled", title: `same, listRule ${JSON.stringify(listRule)}`, collection: ruledCollection },
].map((w) => ({
  ...w,
  requests: thresholds.map(
    (t): LoadRequest => ({ method: "GET", path: `/api/collections/${w.collection}/records?${listQuery(t)}` }),
  ),
}));

type Engine = "sqlite" | "postgres";
const engines = opts.engine.split(",").map((s) => s.trim());
if (engines.length === 0 || engines.some((e) => e !== "sqlite" && e !== "postgres"))
  throw new Error('--engine takes "sqlite", "postgres" or "sqlite,postgres"');
const ceilingScripts: Record<Engine, string> = {
  sqlite: resolve(import.meta.dir, "ceiling.ts"),
  postgres: resolve(import.meta.dir, "../postgres/query-ceiling.ts"),
};
const kinds: ServerKind[] = ["satchel", "ceiling"];

/** answers takes every request's answer, to check that both servers say the same before measuring. */
async function answers(url: string): Promise<ResponseSnapshot[]> {
  const out: ResponseSnapshot[] = [];
  for (const w of workloads) for (const r of w.requests) out.push(await responseSnapshot(url, r));
  return out;
}

const pgServer = engines.includes("postgres") ? await BenchPostgres.open(opts.url, cpus.server) : null;
const work = mkdtempSync(join(tmpdir(), "satchel-query-bench-"));
try {
  const outputs: Record<string, unknown> = {};
  for (const engine of engines as Engine[]) outputs[engine] = await benchEngine(engine);
  if (opts.json) await Bun.write(opts.json, JSON.stringify({ options: opts, ...outputs }, null, 2));
} finally {
  await pgServer?.close();
  rmSync(work, { recursive: true, force: true });
}

/** benchEngine seeds the data on one engine, measures both servers and prints the table. */
async function benchEngine(engine: Engine) {
  const started = performance.now();
  const pg = engine === "postgres" ? pgServer : null;
  log(
    `query bench on ${engine}: ${postCount} posts; ${connections} connections, ${warmup}s warmup + ${seconds}s, ${repeats} repeats; ` +
      `${cpus.server === null ? "no CPU pinning" : `server${pg?.cluster ? " and PostgreSQL" : ""} on CPU 1, load generator on CPU 0`}; load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
  );
  const template = join(work, `template-${engine}`);
  let postgres: PostgresTemplate | undefined;
  if (pg) {
    const database = await pg.create("query_template");
    await seedQueryDataDir(template, pg.url(database));
    postgres = { server: pg, database };
  } else {
    await seedQueryDataDir(template);
  }
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)}s`);

  const results = new Map<string, LoadResult[]>();
  let reference: { kind: ServerKind; answers: ResponseSnapshot[] } | null = null;
  for (let r = 0; r < repeats; r++) {
    const order = r % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      await withServer(
        kind,
        template,
        work,
        async (server) => {
          const got = await answers(server.url);
          if (got.some((a) => a.status !== 200)) throw new Error(`${kind} refused a request: ${JSON.stringify(got)}`);
          reference ??= { kind, answers: got };
          const same = JSON.stringify(reference.answers) === JSON.stringify(got);
          if (!same) {
            const i = reference.answers.findIndex((a, n) => JSON.stringify(a) !== JSON.stringify(got[n]));
            const show = (a: ResponseSnapshot | undefined) => JSON.stringify(a).slice(0, 800);
            throw new Error(
              `${reference.kind} and ${kind} answer differently:\n${show(reference.answers[i])}\nvs\n${show(got[i])}`,
            );
          }
          for (const w of workloads) {
            const res = await runLoadProcess(
              server,
              w.requests,
              { connections, warmupSeconds: warmup, seconds },
              work,
              {
                databasePid: pg?.pid ?? null,
              },
            );
            if (res.unexpected > 0) throw new Error(`${kind} ${w.name}: ${res.unexpected} unexpected: ${res.sample}`);
            const key = `${kind} ${w.name}`;
            results.set(key, [...(results.get(key) ?? []), res]);
            log(formatRun(r, kind, w.name, res, seconds));
          }
        },
        { ceilingScript: ceilingScripts[engine], ...(postgres ? { postgres } : {}) },
      );
    }
  }

  const rows = workloads.map((w) =>
    compare(w.name, w.title, results.get(`satchel ${w.name}`) ?? [], results.get(`ceiling ${w.name}`) ?? []),
  );
  const table = comparisonTable(rows);
  const cpuNote = pg?.cluster ? "; the CPU counts the server's process and PostgreSQL's (postmaster and backends)" : "";
  process.stdout.write(
    `\n${engine}:\n${table}\n\nmedians of ${repeats} runs of ${seconds}s (after ${warmup}s warmup), ${connections} keep-alive ` +
      `connections, filter thresholds ${thresholds.join(", ")} in turn${cpuNote}; total ${((performance.now() - started) / 1000).toFixed(0)}s\n`,
  );
  return { rows, runs: Object.fromEntries(results) };
}
