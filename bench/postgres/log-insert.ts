/**
 * What a batch of request logs costs PostgreSQL and the client, per row, by table shape and statement:
 * `bun bench/postgres/log-insert.ts [--url=...] [--batches=30] [--rows=1000]`. Each variant inserts the
 * same realistic rows (packRequestLog + expandLogRows) in batches into a fresh `_logs`, and reports the
 * backend's CPU (from /proc: the server must be local) and this process's CPU per row, medians of the batches.
 */
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { expandLogRows } from "../../src/core/log-write.ts";
import { postgresDialect } from "../../src/db/postgres/dialect.ts";
import { clientTypes } from "../../src/db/postgres/driver.ts";
import { copyText } from "../../src/db/postgres/packed-copy.ts";
import { packedArrays, unnestInsertSql } from "../../src/db/postgres/packed-insert.ts";
import { findPostgresBin, PostgresCluster } from "../../tests/db/postgres-server.ts";
import { requestLogBatch } from "./log-batch.ts";

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const batches = Number(arg("batches", "25"));
const perBatch = Number(arg("rows", "1000"));

/** `--only=a,b`: the variants whose names contain one of these. */
const only = arg("only", "")
  .split(",")
  .filter((x) => x !== "");

let cluster: PostgresCluster | null = null;
let url = arg("url", process.env.SATCHEL_TEST_POSTGRES_URL ?? "");
if (url === "") {
  const bin = findPostgresBin();
  if (!bin) throw new Error("no PostgreSQL binaries: give --url");
  cluster = PostgresCluster.create(bin);
  url = cluster.url("postgres");
}

const q = postgresDialect.quote;
const hour = postgresDialect.hourBucket(q("created"));
interface Variant {
  name: string;
  ddl: string[];
  copy?: boolean;
}
const table = `CREATE TABLE _logs (id TEXT PRIMARY KEY NOT NULL, level INTEGER DEFAULT 0 NOT NULL, message TEXT DEFAULT '' NOT NULL, data JSON DEFAULT '{}' NOT NULL, created TEXT DEFAULT '' NOT NULL)`;
const level = "CREATE INDEX idx_logs_level ON _logs (level)";
const message = "CREATE INDEX idx_logs_message ON _logs (message)";
const created = `CREATE INDEX idx_logs_created_hour ON _logs (${hour})`;
const plainCreated = "CREATE INDEX idx_logs_created ON _logs (created)";
/** The table with its text columns in a collation of their own (the database's default otherwise). */
const collated = (collation: string): string => table.replaceAll("TEXT ", `TEXT COLLATE "${collation}" `);
const withKey = collated("C").replace(/\)$/, ", _satchel_rowid BIGINT GENERATED ALWAYS AS IDENTITY)");
const keyIndex = "CREATE INDEX idx_logs_key ON _logs (_satchel_rowid)";
const variants: Variant[] = [
  // the dialect's text type is `TEXT COLLATE "C"` (byte order, as SQLite's): the others are for comparison
  { name: 'as made now (pk, level, created; COLLATE "C")', ddl: [collated("C"), level, plainCreated] },
  { name: "as made now, the database's collation", ddl: [table, level, plainCreated] },
  { name: 'as made now, COLLATE "en-US-x-icu"', ddl: [collated("en-US-x-icu"), level, plainCreated] },
  { name: "before (pk, level, message, hour)", ddl: [table, level, message, created] },
  { name: "no message index", ddl: [table, level, created] },
  { name: "no hour index", ddl: [table, level, message] },
  { name: "created index, plain", ddl: [table, level, message, "CREATE INDEX idx_logs_created ON _logs (created)"] },
  { name: "pk only", ddl: [table] },
  { name: "COPY, as made now (what the driver sends first)", ddl: [collated("C"), level, plainCreated], copy: true },
  { name: "COPY, before (pk, level, message, hour)", ddl: [table, level, message, created], copy: true },
  {
    name: "COPY, data as text",
    ddl: [table.replace("JSON DEFAULT", "TEXT DEFAULT"), level, message, created],
    copy: true,
  },
  { name: "COPY, pk only", ddl: [table], copy: true },
  { name: "COPY, as made now + identity", ddl: [withKey, level, plainCreated], copy: true },
  { name: "COPY, as made now + identity + its index", ddl: [withKey, level, plainCreated, keyIndex], copy: true },
  {
    name: "unlogged, as made now",
    ddl: [table.replace("CREATE TABLE", "CREATE UNLOGGED TABLE"), level, message, created],
  },
].filter((v) => only.length === 0 || only.some((o) => v.name.includes(o)));

function batch(n: number, start: number) {
  return requestLogBatch(n, (i) => ({
    time: start + i,
    status: 200,
    execTime: 0.41 + (i % 7) / 10,
    method: "GET",
    url: `/api/collections/bench/records/r${(start + i).toString(36).padStart(14, "0")}`,
    message: "",
    referer: "",
    userAgent: "oha/1.4.5",
    auth: "",
    remoteIP: "127.0.0.1",
  }));
}

function backendCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const text = unnestInsertSql(
  q,
  "_logs",
  ["id", "level", "message", "data", "created"],
  ["text", "integer", "text", "json", "text"],
);
const json = [false, false, false, true, false];
const rounds = Number(arg("rounds", "4"));
const columns = "(id, level, message, data, created)";
const admin = postgres(url, { max: 1, onnotice: () => {} });
try {
  // every variant its own table, the variants taking turns, so that the machine's load falls on all alike
  const tables = variants.map((_, i) => `_logs_${i}`);
  for (const [i, v] of variants.entries()) {
    for (const s of v.ddl) {
      await admin.unsafe(
        s
          .replaceAll("_logs (", `${tables[i]} (`)
          .replaceAll(/ON _logs\b/g, `ON ${tables[i]}`)
          .replaceAll("idx_logs", `idx${i}_logs`),
      );
    }
  }
  // the driver's types: postgres.js' own json type would write each array literal again as a JSON string
  const db = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false, types: clientTypes });
  const [{ pid }] = (await db`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
  const server = variants.map(() => [] as number[]);
  const client = variants.map(() => [] as number[]);
  const wal = variants.map(() => [] as number[]);
  const walLsn = async (): Promise<string> =>
    ((await db`SELECT pg_current_wal_insert_lsn()::text AS lsn`) as unknown as [{ lsn: string }])[0].lsn;
  let time = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      const t = tables[i] as string;
      for (let b = 0; b < batches; b++) {
        const rows = batch(perBatch, time);
        time += perBatch;
        const w0 = await walLsn();
        const c0 = process.cpuUsage();
        const s0 = backendCpuMs(pid);
        if (v.copy) {
          const w = await db.unsafe(`COPY ${t} ${columns} FROM STDIN`).writable();
          const out = copyText(expandLogRows(rows), json);
          await new Promise<void>((resolve, reject) => {
            w.on("error", reject);
            w.on("finish", resolve);
            w.end(out);
          });
        } else {
          const params = packedArrays(expandLogRows(rows), json);
          await db.unsafe(text.replace('"_logs"', t), params, { prepare: true });
        }
        const c1 = process.cpuUsage(c0);
        const s1 = backendCpuMs(pid);
        const [{ bytes }] =
          (await db`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${w0}::pg_lsn)::float8 AS bytes`) as unknown as [
            { bytes: number },
          ];
        if (r === 0 && b < 5) continue;
        (wal[i] as number[]).push(bytes / perBatch);
        (server[i] as number[]).push(((s1 - s0) * 1000) / perBatch);
        (client[i] as number[]).push((c1.user + c1.system) / perBatch);
      }
    }
  }
  await db.end();
  for (const [i, v] of variants.entries()) {
    console.log(
      `${v.name.padEnd(40)} server ${mean(server[i] as number[]).toFixed(1)} µs/row, client ${median(client[i] as number[]).toFixed(1)} µs/row, WAL ${median(wal[i] as number[]).toFixed(0)} bytes/row`,
    );
  }
} finally {
  await admin.end();
  cluster?.destroy();
}
