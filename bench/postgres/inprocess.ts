/**
 * bun bench/postgres/inprocess.ts: the CPU Satchel and the ceiling spend per request on PostgreSQL, in process
 * (no HTTP, no load generator): Satchel's router (`fetch`) and the ceiling's handler (`postgresCeiling`) on
 * their own copies of the seeded database, each driven with 16 requests in flight in alternating batches, so
 * the machine's other work falls on both alike. Counted per batch: this process's CPU time (both sides run
 * here, one at a time) and the database's (the throwaway cluster's postmaster and backends). Steadier than the
 * HTTP bench on a loaded machine; run it under `bun --cpu-prof` with `--only=satchel` to profile one side.
 *
 * With `--base=<another checkout>` that checkout's Satchel runs beside this one's (its own app on its own copy,
 * the modules imported from its tree), to compare two trees' CPU per request in pairs.
 *
 *   bun bench/postgres/inprocess.ts [--rounds=8] [--batch=1000] [--workloads=list,view,create]
 *                                   [--only=satchel|ceiling|base] [--logs=on|off] [--base=<checkout>] [--threads]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median, parseWorkloadList, workloadNames, workloads } from "../harness.ts";
import { treeCpuSeconds } from "../load.ts";
import { copyWithLogsOff, seedDataDir } from "../seed.ts";
import { postgresCeiling } from "./ceiling.ts";
import { BenchPostgres } from "./database.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "8" },
    batch: { type: "string", default: "1000" },
    workloads: { type: "string", default: workloadNames.join(",") },
    only: { type: "string", default: "" },
    base: { type: "string", default: "" },
    logs: { type: "string", default: "on" },
    inflight: { type: "string", default: "16" },
    /** Print the CPU of each kind of thread of this process (the JS thread, the JIT's, the collector's). */
    threads: { type: "boolean", default: false },
  },
});
const rounds = Number(opts.rounds);
const batch = Number(opts.batch);
const inflight = Number(opts.inflight);
const chosen = parseWorkloadList(opts.workloads);
type Side = "satchel" | "base" | "ceiling";
const allSides: Side[] = opts.base === "" ? ["satchel", "ceiling"] : ["satchel", "base", "ceiling"];
const sides: Side[] = opts.only === "" ? allSides : [opts.only as Side];

/** openSatchel opens the app of the checkout at `tree` on the database and returns its router's fetch. */
async function openSatchel(tree: string, dataDir: string, db: string) {
  const src = resolve(tree, "src");
  const { newRouter } = await import(join(src, "apis/base.ts"));
  const { databaseOpener } = await import(join(src, "cmd/open-database.ts"));
  const { createApp } = await import(join(src, "core/base-app.ts"));
  const { systemMigrations } = await import(join(src, "migrations/index.ts"));
  const app = createApp({ dataDir, openDatabase: databaseOpener({ url: db }), migrations: systemMigrations });
  await app.bootstrap();
  const router = newRouter(app, {});
  return {
    fetch: (req: Request): Promise<Response> => router.fetch(req),
    close: (): Promise<void> => app.terminate(),
  };
}

/** threadCpu is the CPU seconds of this process's threads by name (`comm`: "bun", "JITWorker", "HeapHelper"...). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const task of readdirSync("/proc/self/task")) {
    try {
      const name = readFileSync(`/proc/self/task/${task}/comm`, "latin1")
        .trim()
        .replace(/[0-9]+$/, "");
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

/**
 * profileMark spins for 20 ms where a CPU profile can see it: samples after its last one are the measured
 * rounds' (what the profile summaries of `--cpu-prof` runs may keep, leaving the seeding out).
 */
function profileMark(): void {
  const until = performance.now() + 20;
  while (performance.now() < until);
}

const pg = await BenchPostgres.open(undefined, null);
const work = mkdtempSync(join(tmpdir(), "satchel-pg-inprocess-"));
try {
  const seeded = join(work, "seeded");
  let database = await pg.create("seeded");
  const ids = await seedDataDir(seeded, pg.url(database));
  let template = seeded;
  if (opts.logs === "off") {
    database = await pg.create("logs_off", database);
    template = join(work, "logs-off");
    await copyWithLogsOff(seeded, template, pg.url(database));
  }
  await pg.analyze(database);
  const handlers: Partial<Record<Side, { fetch: (req: Request) => Promise<Response>; close: () => Promise<void> }>> =
    {};
  for (const side of sides) {
    const db = pg.url(await pg.create(side, database));
    if (side === "ceiling") handlers[side] = await postgresCeiling(db);
    else {
      const dir = join(work, side);
      cpSync(template, dir, { recursive: true });
      handlers[side] = await openSatchel(side === "base" ? opts.base : resolve(import.meta.dir, "../.."), dir, db);
    }
  }
  const dbPid = pg.pid;
  process.stdout.write(
    `in process on PostgreSQL, batches of ${batch}, ${inflight} in flight, ${rounds} rounds, logs ${opts.logs}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
    let k = 0;
    const threads: Record<Side, Map<string, number>> = { satchel: new Map(), base: new Map(), ceiling: new Map() };
    const runBatch = async (side: Side): Promise<{ app: number; db: number }> => {
      const handler = handlers[side];
      if (!handler) throw new Error(`no ${side}`);
      const handle = handler.fetch;
      const threadsBefore = opts.threads ? threadCpu() : null;
      const cpu = process.cpuUsage();
      const db = dbPid === null ? 0 : (treeCpuSeconds(dbPid) ?? 0);
      let sent = 0;
      const worker = async () => {
        while (sent < batch) {
          sent++;
          const r = w.requests[k++ % w.requests.length];
          if (!r) continue;
          const headers: Record<string, string> = { origin: "http://localhost" };
          if (r.body !== undefined) headers["content-type"] = "application/json";
          const req = new Request(`http://127.0.0.1${r.path}`, {
            method: r.method,
            headers,
            ...(r.body === undefined ? {} : { body: r.body }),
          });
          const res = await handle(req);
          await res.arrayBuffer();
          if (res.status >= 300) throw new Error(`${side} ${w.name}: ${res.status}`);
        }
      };
      await Promise.all(Array.from({ length: inflight }, worker));
      const used = process.cpuUsage(cpu);
      if (threadsBefore)
        for (const [name, seconds] of threadCpu())
          threads[side].set(name, (threads[side].get(name) ?? 0) + seconds - (threadsBefore.get(name) ?? 0));
      const dbUsed = dbPid === null ? 0 : (treeCpuSeconds(dbPid) ?? 0) - db;
      return { app: (used.user + used.system) / batch, db: (dbUsed * 1e6) / batch };
    };
    for (const side of sides) await runBatch(side);
    for (const side of sides) threads[side].clear();
    profileMark();
    const us: Record<Side, { app: number[]; db: number[] }> = {
      satchel: { app: [], db: [] },
      base: { app: [], db: [] },
      ceiling: { app: [], db: [] },
    };
    // per round, on the CPU of the process and the database: ceiling ÷ this tree, ceiling ÷ base, base ÷ this tree
    const ratios: Record<"ceiling" | "ceilingBase" | "base", number[]> = { ceiling: [], ceilingBase: [], base: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      const got: Partial<Record<Side, number>> = {};
      for (const side of order) {
        const m = await runBatch(side);
        us[side].app.push(m.app);
        us[side].db.push(m.db);
        got[side] = m.app + m.db;
      }
      if (got.satchel !== undefined && got.ceiling !== undefined) ratios.ceiling.push(got.ceiling / got.satchel);
      if (got.base !== undefined && got.ceiling !== undefined) ratios.ceilingBase.push(got.ceiling / got.base);
      if (got.satchel !== undefined && got.base !== undefined) ratios.base.push(got.base / got.satchel);
    }
    const line = sides
      .map((s) => `${s} ${median(us[s].app).toFixed(0)} + db ${median(us[s].db).toFixed(0)} µs`)
      .join(", ");
    const summary = (name: string, xs: number[]) =>
      xs.length
        ? `; ${name} ${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`
        : "";
    process.stdout.write(
      `${w.title.padEnd(32)} ${line}${summary("ceiling ÷ satchel", ratios.ceiling)}${summary("ceiling ÷ base", ratios.ceilingBase)}${summary("base ÷ satchel", ratios.base)}\n`,
    );
    if (opts.threads)
      for (const side of sides) {
        const byThread = [...threads[side]]
          .filter(([, seconds]) => seconds > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([name, seconds]) => `${name} ${((seconds * 1e6) / (batch * rounds)).toFixed(1)}`);
        process.stdout.write(`  ${side} µs per request by thread: ${byThread.join(", ")}\n`);
      }
  }
  for (const side of sides) await handlers[side]?.close();
} finally {
  await pg.close();
  rmSync(work, { recursive: true, force: true });
}
