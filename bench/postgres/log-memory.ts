/**
 * What writing a batch of request logs holds in memory on PostgreSQL beside the queued rows: batches of 4000
 * logs with long URLs, referers and user agents (28 MB queued a batch) written through the driver
 * (`insertRowsInBackground` with `expandLogRows`, as the app's logger writes them), and the process's peak RSS
 * before and after. Each run is a process of its own, so the peaks are its batches' alone.
 *
 *   bun bench/postgres/log-memory.ts [--url=postgres://...] [--runs=2]
 */
import { readFileSync } from "node:fs";
import { expandLogRows } from "../../src/core/log-write.ts";
import { logsTableSql } from "../../src/core/system-tables.ts";
import { postgresDialect } from "../../src/db/postgres/dialect.ts";
import { openPostgres } from "../../src/db/postgres/driver.ts";
import { BenchPostgres } from "./database.ts";
import { requestLogBatch } from "./log-batch.ts";

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

/** peakRssMb is this process's peak resident memory so far, in MB. */
function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** batch queues n request logs of long texts, as an abusive client's requests would make them. */
function batch(n: number, start: number) {
  return requestLogBatch(n, (i) => ({
    time: start + i,
    status: 200,
    execTime: 0.4,
    method: "GET",
    url: `/api/x/${i}?q=${"a".repeat(2990)}`,
    message: "",
    referer: "r".repeat(2000),
    userAgent: "u".repeat(2000),
    auth: "",
    remoteIP: "127.0.0.1",
  }));
}

const child = arg("child", "");
if (child !== "") {
  const d = await openPostgres(arg("url", ""), { schema: child });
  for (const s of logsTableSql(postgresDialect)) await d.exec(s);
  const batches = [batch(4000, 1e12), batch(4000, 2e12), batch(4000, 3e12)];
  Bun.gc(true);
  const before = peakRssMb();
  const started = performance.now();
  for (const b of batches)
    await d.insertRowsInBackground("_logs", ["id", "level", "message", "data", "created"], b, expandLogRows);
  const ms = (performance.now() - started) / batches.length;
  const queued = (batches[0]?.text.byteLength ?? 0) / 1e6;
  console.log(
    `${queued.toFixed(1)} MB queued a batch; peak RSS ${before.toFixed(0)} -> ${peakRssMb().toFixed(0)} MB (+${(peakRssMb() - before).toFixed(0)}); ${ms.toFixed(0)} ms a batch`,
  );
  await d.exec(`DROP SCHEMA ${postgresDialect.quote(child)} CASCADE`);
  await d.close();
} else {
  const pg = await BenchPostgres.open(arg("url", "") || undefined, null);
  try {
    for (let r = 0; r < Number(arg("runs", "2")); r++) {
      const run = Bun.spawn(
        [process.execPath, import.meta.path, `--url=${pg.url("postgres")}`, `--child=log_memory_${r}`],
        {
          stdout: "inherit",
          stderr: "inherit",
        },
      );
      if ((await run.exited) !== 0) throw new Error("a run failed");
    }
  } finally {
    await pg.close();
  }
}
