/**
 * Bun's built-in SQL client against postgres.js (`postgres`), on the statements Satchel runs most: a record
 * by id, a list of 30 with its count, and an INSERT in a transaction. Each client is set up as the driver
 * needs it (JSONB read back as JSON text, int8 as a number), so the conversions are measured too.
 *
 * `bun bench/postgres/clients.ts [--seconds=3] [--repeats=3] [--concurrency=16] [--url=postgres://...]`
 * Without --url (or SATCHEL_TEST_POSTGRES_URL) it starts a throwaway cluster from the local binaries.
 */
import { SQL } from "bun";
import postgres from "postgres";
import { createTestDatabase, postgresUnavailable } from "../../tests/db/postgres-server.ts";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seconds = Number(arg("seconds", "3"));
const repeats = Number(arg("repeats", "3"));
const concurrency = Number(arg("concurrency", "16"));
const poolSize = 10;

type Row = Record<string, unknown>;

/** The three operations, as one client runs them. */
interface Client {
  name: string;
  byId(id: string): Promise<Row | undefined>;
  list(): Promise<{ rows: Row[]; total: number }>;
  insertInTx(values: unknown[]): Promise<void>;
  close(): Promise<void>;
}

const byIdSql = `SELECT * FROM posts WHERE id = $1 LIMIT 1`;
const listSql = `SELECT * FROM posts ORDER BY num DESC LIMIT 30 OFFSET 0`;
const countSql = `SELECT COUNT(*) AS n FROM posts`;
const insertSql = `INSERT INTO posts (id, title, num, active, published, tags, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
// Bun.SQL learns that $6 is JSONB and JSON-encodes the string it is given (storing a JSON string, not the
// array): it needs the parameter typed as text, which Satchel's SQL can't do for every JSON column
const bunInsertSql = insertSql.replace("$6,", "$6::text::jsonb,");

/**
 * Transactions are serialized in process on one reserved writer connection, and across processes by a
 * transaction-level advisory lock taken in the same round trip as BEGIN, as Satchel's driver does.
 */
const beginSql = "BEGIN; SELECT pg_advisory_xact_lock(7406)";
class Lock {
  #tail = Promise.resolve();
  async with<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((r) => {
      release = r;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

function bunClient(url: string, prepare: boolean): Client {
  const sql = new SQL(url, { max: poolSize, prepare });
  const lock = new Lock();
  let writer: Awaited<ReturnType<typeof sql.reserve>> | null = null;
  // Bun parses JSONB into objects and returns int8 as text: turn them back into what the driver returns
  const normalize = (row: Row): Row => {
    for (const k in row) {
      const v = row[k];
      if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) row[k] = JSON.stringify(v);
    }
    return row;
  };
  return {
    name: prepare ? "Bun.SQL" : "Bun.SQL unprepared",
    byId: async (id) => {
      const rows = await sql.unsafe(byIdSql, [id]);
      return rows[0] ? normalize(rows[0]) : undefined;
    },
    list: async () => {
      const rows = (await sql.unsafe(listSql, [])) as Row[];
      const count = await sql.unsafe(countSql, []);
      return { rows: rows.map(normalize), total: Number(count[0].n) };
    },
    insertInTx: (values) =>
      lock.with(async () => {
        writer ??= await sql.reserve();
        await writer.unsafe(beginSql).simple();
        try {
          await writer.unsafe(bunInsertSql, values);
          await writer.unsafe("COMMIT");
        } catch (err) {
          await writer.unsafe("ROLLBACK");
          throw err;
        }
      }),
    close: async () => {
      writer?.release();
      await sql.close();
    },
  };
}

function postgresJsClient(url: string): Client {
  const sql = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    types: {
      // JSONB in and out as JSON text, as stored; int8 (counts) as numbers
      json: { to: 3802, from: [114, 3802], serialize: (v: unknown) => v, parse: (v: string) => v },
      bigint: { to: 20, from: [20], serialize: (v: unknown) => String(v), parse: (v: string) => Number(v) },
    },
  });
  const lock = new Lock();
  let writer: postgres.ReservedSql | null = null;
  return {
    name: "postgres.js",
    byId: async (id) => (await sql.unsafe(byIdSql, [id], { prepare: true }))[0],
    list: async () => {
      const rows = await sql.unsafe(listSql, [], { prepare: true });
      const count = await sql.unsafe(countSql, [], { prepare: true });
      return { rows: [...rows], total: Number(count[0]?.n) };
    },
    insertInTx: (values) =>
      lock.with(async () => {
        writer ??= await sql.reserve();
        await writer.unsafe(beginSql);
        try {
          await writer.unsafe(insertSql, values as postgres.ParameterOrJSON<never>[], { prepare: true });
          await writer.unsafe("COMMIT");
        } catch (err) {
          await writer.unsafe("ROLLBACK");
          throw err;
        }
      }),
    close: async () => {
      writer?.release();
      await sql.end();
    },
  };
}

const now = () => new Date().toISOString().replace("T", " ");
let seq = 0;
const newId = () => `b${(++seq).toString(36).padStart(14, "0")}`.slice(0, 15);

async function seed(url: string): Promise<string[]> {
  const sql = new SQL(url, { max: 1 });
  await sql.unsafe(`CREATE TABLE posts (
    id TEXT PRIMARY KEY NOT NULL, title TEXT DEFAULT '' NOT NULL, num DOUBLE PRECISION DEFAULT 0 NOT NULL,
    active BOOLEAN DEFAULT FALSE NOT NULL, published TEXT DEFAULT '' NOT NULL, tags JSONB DEFAULT '[]' NOT NULL,
    created TEXT DEFAULT '' NOT NULL, updated TEXT DEFAULT '' NOT NULL)`);
  await sql.unsafe(`CREATE INDEX idx_num ON posts (num)`);
  const ids: string[] = [];
  await sql.begin(async (tx) => {
    for (let i = 0; i < 10_000; i++) {
      const id = `s${i.toString(36).padStart(14, "0")}`;
      ids.push(id);
      await tx.unsafe(bunInsertSql, [
        id,
        `post ${i}`,
        (i * 7919) % 10_000,
        i % 2 === 0,
        now(),
        '["a","b"]',
        now(),
        now(),
      ]);
    }
  });
  await sql.unsafe("ANALYZE posts");
  await sql.close();
  return ids;
}

type Op = (i: number) => Promise<unknown>;

/** measure runs `concurrency` closed loops of op for the given seconds; returns operations per second. */
async function measure(op: Op, secs: number): Promise<number> {
  let done = 0;
  let i = 0;
  const end = performance.now() + secs * 1000;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < end) {
      await op(i++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  let url = arg("url", process.env.SATCHEL_TEST_POSTGRES_URL ?? "");
  let drop: (() => Promise<void>) | null = null;
  if (url === "" || url === process.env.SATCHEL_TEST_POSTGRES_URL) {
    const why = postgresUnavailable();
    if (why) throw new Error(why);
    const db = await createTestDatabase();
    url = db.url;
    drop = db.drop;
  }
  const ids = await seed(url);
  const clients = [bunClient(url, true), bunClient(url, false), postgresJsClient(url)];
  const ops: Record<string, (c: Client) => Op> = {
    "view by id": (c) => (i) => c.byId(ids[(i * 10) % ids.length] as string),
    "list 30 + count": (c) => () => c.list(),
    "insert in a transaction": (c) => () => c.insertInTx([newId(), "created", 42, true, now(), '["x"]', now(), now()]),
  };
  // same answers first: the rows each client returns must be equal (JSONB's own text has spaces after commas)
  const [a, , b] = clients as [Client, Client, Client];
  const [ra, rb] = [await a.byId(ids[3] as string), await b.byId(ids[3] as string)];
  const same = (r: Row | undefined) => JSON.stringify({ ...r, tags: JSON.parse(String(r?.tags)) });
  if (same(ra) !== same(rb)) throw new Error(`answers differ: ${JSON.stringify([ra, rb])}`);
  const results: Record<string, Record<string, number[]>> = {};
  for (const [opName, make] of Object.entries(ops)) {
    const byClient: Record<string, number[]> = Object.fromEntries(clients.map((c) => [c.name, []]));
    results[opName] = byClient;
    for (let r = 0; r < repeats; r++) {
      const order = r % 2 === 0 ? clients : [...clients].reverse();
      for (const c of order) {
        await measure(make(c), 0.5);
        const perSecond = await measure(make(c), seconds);
        byClient[c.name]?.push(perSecond);
      }
    }
  }
  for (const c of clients) await c.close();
  await drop?.();
  console.log(`| statement | ${clients.map((c) => `${c.name} ops/s`).join(" | ")} |`);
  console.log(`|---|${clients.map(() => "---:").join("|")}|`);
  for (const [opName, byClient] of Object.entries(results)) {
    const meds = clients.map((c) => median(byClient[c.name] ?? []));
    console.log(`| ${opName} | ${meds.map((m) => m.toFixed(0)).join(" | ")} |`);
  }
}

await main();
process.exit(0);
