import { cpSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LoadRequest, LoadResult, LoadSpec } from "./load.ts";
import type { BenchPostgres } from "./postgres/database.ts";
import { collectionName, createBodies } from "./schema.ts";
import { canPin, type RunningBenchServer, type ServerKind, type StartOptions, startServer } from "./servers.ts";

export const workloadNames = ["list", "view", "create"] as const;
export type WorkloadName = (typeof workloadNames)[number];

export interface Workload {
  name: WorkloadName;
  title: string;
  requests: LoadRequest[];
}

const records = `/api/collections/${collectionName}/records`;

/** workloads are the three benchmark requests; `ids` are the seeded records (view cycles through 1,000 of them). */
export function workloads(ids: readonly string[]): Workload[] {
  const step = Math.max(1, Math.floor(ids.length / 1000));
  const viewIds = ids.filter((_, i) => i % step === 0);
  return [
    {
      name: "list",
      title: "list 30, sort=-num, with total",
      requests: [{ method: "GET", path: `${records}?perPage=30&sort=-num` }],
    },
    {
      name: "view",
      title: "view one by id",
      requests: viewIds.map((id) => ({ method: "GET", path: `${records}/${id}` })),
    },
    {
      name: "create",
      title: "create one (JSON)",
      requests: createBodies().map((body) => ({ method: "POST", path: records, body })),
    },
  ];
}

/** parseWorkloadList reads a comma-separated list of workload names. */
export function parseWorkloadList(text: string): WorkloadName[] {
  const names = text.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(workloadNames as readonly string[]).includes(n)) throw new Error(`unknown workload ${JSON.stringify(n)}`);
  }
  return names as WorkloadName[];
}

/** The CPUs of the server and of the load generator: one each on a machine with two or more. */
export const cpus = canPin() ? { server: "1", load: "0" } : { server: null, load: null };

const loadScript = resolve(import.meta.dir, "load.ts");

/** How long and how hard a bench loads a server. */
export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/**
 * runLoadProcess runs the load generator in its own process (pinned to its CPU) against a server, every
 * answer expected to be a 200, and returns its result.
 */
export async function runLoadProcess(
  server: RunningBenchServer,
  requests: LoadRequest[],
  settings: LoadSettings,
  workDir: string,
  options: { serverTree?: boolean; databasePid?: number | null } = {},
): Promise<LoadResult> {
  const spec: LoadSpec = {
    host: server.host,
    port: server.port,
    requests,
    ...settings,
    expectStatus: 200,
    serverPid: server.pid,
    ...(options.serverTree ? { serverTree: true } : {}),
    ...(options.databasePid ? { databasePid: options.databasePid } : {}),
  };
  const specPath = join(workDir, "load-spec.json");
  await Bun.write(specPath, JSON.stringify(spec));
  const cmd = [process.execPath, loadScript, specPath];
  const proc = Bun.spawn(cpus.load === null ? cmd : ["taskset", "-c", cpus.load, ...cmd], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`load generator failed (${code}):\n${err}`);
  return JSON.parse(out) as LoadResult;
}

let sessions = 0;

/** A seeded PostgreSQL database that server runs get copies of (`--db=` for Satchel and the ceiling). */
export interface PostgresTemplate {
  server: BenchPostgres;
  database: string;
  /** The connections of each server's pool (`?pool=` in its URL; left out: their defaults, 10 each). */
  pool?: number;
}

/**
 * withServer runs fn against a fresh server of the given kind, on its own copy of the template data
 * directory (and of the template PostgreSQL database, when given), pinned to the server CPU (unless
 * options.cpus says otherwise); the server is stopped and its copies removed afterwards.
 */
export async function withServer<T>(
  kind: ServerKind,
  template: string,
  workDir: string,
  fn: (server: RunningBenchServer) => Promise<T>,
  options: Omit<StartOptions, "cpus"> & { cpus?: string | null; postgres?: PostgresTemplate } = {},
): Promise<T> {
  const dir = join(workDir, `data-${sessions++}-${kind}`);
  cpSync(template, dir, { recursive: true });
  const pg = options.postgres;
  const database = pg ? await pg.server.create(kind, pg.database) : null;
  try {
    const pool = pg?.pool ? `?pool=${pg.pool}` : "";
    const dbArgs = pg && database ? [`--db=${pg.server.url(database)}${pool}`] : [];
    const server = await startServer(kind, dir, {
      cpus: cpus.server,
      ...options,
      serveArgs: [...(options.serveArgs ?? []), ...dbArgs],
      ceilingArgs: [...(options.ceilingArgs ?? []), ...dbArgs],
    });
    try {
      return await fn(server);
    } finally {
      await server.stop();
    }
  } finally {
    if (pg && database) await pg.server.drop(database);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
