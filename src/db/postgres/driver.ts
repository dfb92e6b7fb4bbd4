import type { Writable } from "node:stream";
import postgres from "postgres";
import {
  checkDeadline,
  DatabaseUnavailableError,
  type Driver,
  type QueryOptions,
  type Row,
  RowsRefusedError,
  type RunResult,
  ScriptError,
  type ScriptOptions,
  type ScriptResult,
  type Snapshot,
  type Tx,
  UnsupportedValueError,
} from "../driver.ts";
import { checkPackedColumns, type PackedRows, type PackedTransform, packedSlice } from "../packed-rows.ts";
import type { Sql, SqlValue } from "../sql.ts";
import { cancelQuery } from "./cancel.ts";
import { postgresDialect } from "./dialect.ts";
import { functionsMarker, functionsSql } from "./functions.ts";
import { IsolatedReader, type RunningRead } from "./isolated-reader.ts";
import { AsyncLock, beginWriteSql, writerLockKey } from "./lock.ts";
import { copyInSql, copyText } from "./packed-copy.ts";
import { columnTypesSql, packedArrays, unnestInsertSql } from "./packed-insert.ts";
import { PreflightError, preflight } from "./preflight.ts";
import { type RunningQuery, runStatements } from "./script.ts";
import { splitScript } from "./script-split.ts";
import { StatementCache } from "./statement-cache.ts";

export interface PostgresOptions {
  /** How long a request's reads may take together before they are stopped (PocketBase's default: 30 s). */
  queryTimeoutMs?: number;
  /** The connections of the main pool (default 10). */
  maxConnections?: number;
  /** The connections running isolated reads at once, a pool of their own (default 8). */
  maxReaders?: number;
  /** How long to wait for a connection to open before the statement fails as unavailable (default 10). */
  connectTimeoutSeconds?: number;
  /** When a connection is closed and replaced, dropping the statements it prepared (default 600). */
  maxLifetimeSeconds?: number;
  /** How long a script (runScript) may run (PocketBase's SQL console: 3 minutes). */
  scriptTimeoutMs?: number;
  /** The connections running scripts, a pool of their own: the most scripts at once (default 2). */
  maxScripts?: number;
  /**
   * The schema Satchel's tables live in, made when missing (default: the URL's `?schema=`, else the
   * connection's current schema, usually `public`).
   */
  schema?: string;
  /**
   * A table whose presence marks the schema as Satchel's: a schema holding tables but not this one belongs
   * to something else, and opening it fails (default: no check).
   */
  ownerTable?: string;
}

const defaultQueryTimeoutMs = 30_000;
const defaultScriptTimeoutMs = 3 * 60_000;

/** PostgreSQL's SQLSTATE for a statement cancelled, by a cancel request or by its `statement_timeout`. */
const queryCanceled = "57014";

/**
 * scriptFailure words a script's failure: PostgreSQL's message and SQLSTATE, or the time limit. The limit is
 * enforced twice (the driver's timer sends a cancel, the connection's `statement_timeout` stops the statement
 * on the server, first when the timer is late on a busy server): a statement cancelled once the script has run
 * for its limit was stopped at the limit, whichever acted (a shorter timeout the script set itself is its own).
 */
function scriptFailure(err: unknown, running: RunningQuery, timeoutMs: number, elapsedMs: number): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const cancelledAtLimit =
    err instanceof postgres.PostgresError && err.code === queryCanceled && timeoutMs > 0 && elapsedMs >= timeoutMs;
  if (running.stopped || cancelledAtLimit)
    return new ScriptError(`the script ran past the ${timeoutMs / 1000}s time limit and was stopped`);
  if (err instanceof postgres.PostgresError) return new ScriptError(`${err.message} (${err.code})`);
  return new ScriptError(err instanceof Error ? err.message : String(err));
}

type Pool = postgres.Sql<Record<string, never>>;
type Conn = Pool | postgres.ReservedSql<Record<string, never>>;
type Params = postgres.ParameterOrJSON<never>[];

// network failures, postgres.js' own connection errors, and the SQLSTATEs of "no server to talk to":
// connection exceptions (08), shutdown and startup (57P01-57P03), too many connections, bad credentials,
// no such database
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_DESTROYED",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "28000",
  "28P01",
  "3D000",
]);

/** isUnavailable tells an error of "no server to talk to" (see unavailableCodes). */
export function isUnavailable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = String((err as { code?: unknown }).code ?? "");
  return unavailableCodes.has(code) || code.startsWith("08");
}

/**
 * The values as SQLite's driver takes them: booleans become 1 and 0 and bigints text, so that every
 * parameter but bytes is sent untyped and the server reads it as the type the statement needs (text into
 * a BOOLEAN, a JSONB or a DOUBLE PRECISION column), as SQLite takes any value into any column.
 */
function toParams(values: readonly SqlValue[]): Params {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "bigint" ? v.toString() : v;
  }
  return out as Params;
}

/**
 * How values come back, as bun:sqlite returns them: JSON and JSONB as their JSON text (not parsed), int8
 * and numeric (counts, sums) as numbers, booleans as 1 and 0. A value sent to a boolean parameter is its
 * text ("1", "t"), never postgres.js' own "anything but true is false".
 */
export const clientTypes = {
  json: {
    to: 114,
    from: [114],
    serialize: (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v)),
    parse: (v: string) => v,
  },
  jsonb: {
    to: 3802,
    from: [3802],
    serialize: (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v)),
    parse: (v: string) => v,
  },
  int8: { to: 20, from: [20, 1700], serialize: (v: unknown) => String(v), parse: (v: string) => Number(v) },
  bool: {
    to: 16,
    from: [16],
    serialize: (v: unknown) => (v === true ? "t" : v === false ? "f" : String(v)),
    parse: (v: string) => (v === "t" ? 1 : 0),
  },
};

/** describeTarget names the server and database of a URL without its credentials. */
export function describeTarget(url: URL): string {
  return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname || "/"}`;
}

/** parseUrl reads a postgres:// URL, or fails saying what one looks like. */
export function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("invalid PostgreSQL URL: expected postgres://user:password@host:port/database");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new Error(
      `invalid PostgreSQL URL: the scheme must be postgres:// or postgresql://, not ${parsed.protocol}//`,
    );
  return parsed;
}

/** Runs a statement on a pool or a reserved connection, turning connection failures into one error type. */
class Runner {
  constructor(
    readonly target: string,
    readonly statements: StatementCache,
  ) {}

  query(conn: Conn, text: string, params: readonly SqlValue[]): postgres.PendingQuery<postgres.Row[]> {
    const prepare = this.statements.prepare(text);
    // postgres.js sends a statement without parameters through the simple protocol, never prepared (a
    // list's count would be parsed and planned again at every request): a cached one goes prepared, unless
    // its text may hold several statements, which only the simple protocol runs
    if (prepare && params.length === 0 && !text.includes(";"))
      return conn.unsafe(text, [], { prepare, simple: false } as postgres.UnsafeQueryOptions);
    return conn.unsafe(text, toParams(params), { prepare });
  }

  async rows<T>(conn: Conn, text: string, params: readonly SqlValue[]): Promise<T[]> {
    try {
      return Array.from(await this.query(conn, text, params)) as T[];
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async changes(conn: Conn, text: string, params: readonly SqlValue[]): Promise<RunResult> {
    try {
      const res = await this.query(conn, text, params);
      return { changes: res.count };
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async simple(conn: Conn, text: string): Promise<void> {
    try {
      await conn.unsafe(text).simple();
    } catch (err) {
      throw this.wrap(err);
    }
  }

  wrap(err: unknown): unknown {
    if (err instanceof DatabaseUnavailableError) return err;
    // a text with a NUL character (invalid byte sequence), a JSON one with an escaped NUL (unsupported Unicode
    // escape) or an escaped lone surrogate (invalid JSON): the statement can never run here
    if (err instanceof postgres.PostgresError && (err.code === "22021" || err.code === "22P05"))
      return new UnsupportedValueError(`PostgreSQL text can't hold the NUL character (\\u0000): ${err.message}`, {
        cause: err,
      });
    if (err instanceof postgres.PostgresError && err.code === "22P02" && /surrogate/.test(err.detail ?? ""))
      return new UnsupportedValueError(`PostgreSQL's JSON can't hold a lone surrogate: ${err.detail}`, { cause: err });
    if (!isUnavailable(err)) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new DatabaseUnavailableError(`PostgreSQL at ${this.target}: ${message}`, { cause: err });
  }
}

/** The rows of a background batch the server refused so far, the first refusal, and the statements refused. */
interface Refused {
  rows: number;
  first: unknown;
  statements: number;
}

/**
 * How many refused statements a background batch is split after (a few refused rows take some 10 each);
 * past them, a refused range is dropped whole.
 */
const maxRefusedStatements = 64;

/** How many rows of a background batch are made and written to its COPY at a time (#copyRows). */
const copySliceRows = 256;

function render(query: Sql | string, params: readonly SqlValue[] | undefined): [string, readonly SqlValue[]] {
  if (typeof query === "string") return [query, params ?? []];
  const rendered = postgresDialect.render(query);
  return [rendered.text, rendered.params];
}

/** The sizes of a driver's pools when the URL leaves them be: requests, isolated reads, scripts. */
const defaultPoolSizes = { maxConnections: 10, maxReaders: 8, maxScripts: 2 } as const;

/**
 * The least `?pool=` takes: writes and transactions hold one connection at a time (lock.ts), so one more
 * keeps reads going beside them.
 */
const minPoolSize = 2;

/** Satchel's own parameters of a PostgreSQL URL, and the URL without them. */
export interface UrlParams {
  /** The URL postgres.js gets: without Satchel's parameters, which it would send to the server as settings. */
  url: string;
  /** `?schema=`: the schema of the app's tables (null: the connection's current one). */
  schema: string | null;
  /** `?pool=`: the size of the requests' pool, and the most of every other pool (null: the defaults). */
  pool: number | null;
}

/** urlParams takes Satchel's `?schema=` and `?pool=` out of a URL, checked. */
export function urlParams(parsed: URL): UrlParams {
  const schema = parsed.searchParams.get("schema");
  if (schema === "") throw new Error("invalid PostgreSQL URL: ?schema= names no schema");
  const poolText = parsed.searchParams.get("pool");
  let pool: number | null = null;
  if (poolText !== null) {
    pool = /^[0-9]{1,6}$/.test(poolText) ? Number(poolText) : Number.NaN;
    if (!(pool >= minPoolSize))
      throw new Error(
        `invalid PostgreSQL URL: ?pool= takes a whole number of connections, ${minPoolSize} or more, not "${poolText}"`,
      );
  }
  const rest = new URL(parsed.toString());
  rest.searchParams.delete("schema");
  rest.searchParams.delete("pool");
  return { url: rest.toString(), schema, pool };
}

/**
 * poolSizes is what `?pool=N` makes of the pools: N connections for requests (the default 10, more or
 * fewer), and at most N for the isolated reads and the scripts.
 */
function poolSizes(pool: number | null): Pick<PostgresOptions, "maxConnections" | "maxReaders" | "maxScripts"> {
  if (pool === null) return {};
  return {
    maxConnections: pool,
    maxReaders: Math.min(pool, defaultPoolSizes.maxReaders),
    maxScripts: Math.min(pool, defaultPoolSizes.maxScripts),
  };
}

/**
 * openPostgres connects to a PostgreSQL database and makes it ready for Satchel: the server checked
 * (version 15 or newer, the schema made when missing, the right to create tables there, no tables of
 * someone else's: a PreflightError each) and the dialect's functions installed. A bad URL is an Error; a
 * server that can't be reached, or refuses the credentials or the database, is a DatabaseUnavailableError
 * naming the server (never the password).
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresDriver> {
  const parsed = parseUrl(url);
  const fromUrl = urlParams(parsed);
  const schema = options.schema ?? fromUrl.schema;
  const target = describeTarget(parsed);
  const driver = new PostgresDriver(fromUrl.url, target, {
    ...poolSizes(fromUrl.pool),
    ...options,
    ...(schema !== null ? { schema } : {}),
  });
  try {
    await driver.preflight({ schema, ownerTable: options.ownerTable ?? null, target });
    await driver.installFunctions();
  } catch (err) {
    await driver.close();
    throw err;
  }
  return driver;
}

/**
 * PostgresDriver is a pool of connections to one database (postgres.js), with Satchel's Queryable
 * semantics: reads run concurrently on the pool and see what is committed; writes and transactions run one
 * at a time (see `lock.ts`), each transaction on a connection reserved for it, nested ones as savepoints.
 * Inside a transaction every statement runs under its own savepoint, so that a failed statement undoes only
 * itself and the transaction goes on, as on SQLite (PostgreSQL would otherwise refuse every later statement
 * of the transaction). Risky reads go to the isolated reader.
 */
export class PostgresDriver implements Driver {
  readonly dialect = postgresDialect;
  readonly isTransaction = false;
  readonly isFile = false;
  readonly queryTimeoutMs: number;
  readonly #pool: Pool;
  readonly #readers: Pool;
  readonly #scripts: Pool;
  readonly #scriptTimeoutMs: number;
  readonly #runner: Runner;
  readonly #lock = new AsyncLock();
  readonly #isolated: IsolatedReader;
  readonly #connectTimeoutMs: number;
  #closed = false;

  constructor(url: string, target: string, options: PostgresOptions = {}) {
    this.queryTimeoutMs = options.queryTimeoutMs ?? defaultQueryTimeoutMs;
    const maxReaders = options.maxReaders ?? defaultPoolSizes.maxReaders;
    // every connection looks up tables and the dialect's functions in Satchel's schema first
    const searchPath = options.schema ? { search_path: quoteSchema(options.schema) } : {};
    // no JIT compiling for the app's statements: a short statement whose plan looks costly (joins over a JSON
    // list's items, estimated at a thousand rows each) took half a second compiling for 2 ms of work. The SQL
    // console's scripts keep the server's setting.
    const noJit = { jit: "off" };
    const connectTimeoutSeconds = options.connectTimeoutSeconds ?? 10;
    const lifetimeSeconds = options.maxLifetimeSeconds ?? 600;
    this.#connectTimeoutMs = connectTimeoutSeconds * 1000;
    const common = {
      types: clientTypes,
      onnotice: () => {},
      connect_timeout: connectTimeoutSeconds,
      max_lifetime: lifetimeSeconds,
      idle_timeout: 60,
      fetch_types: false,
    };
    this.#pool = postgres(url, {
      ...common,
      max: options.maxConnections ?? defaultPoolSizes.maxConnections,
      connection: { application_name: "satchel", ...noJit, ...searchPath },
    }) as unknown as Pool;
    // the server stops a risky read at the query timeout by itself, whatever happens to the cancel request
    this.#readers = postgres(url, {
      ...common,
      max: maxReaders,
      connection: {
        application_name: "satchel-reader",
        statement_timeout: this.queryTimeoutMs,
        ...noJit,
        ...searchPath,
      },
    }) as unknown as Pool;
    // scripts are stopped at their time limit by a cancel request, with the server's own timeout behind
    this.#scriptTimeoutMs = options.scriptTimeoutMs ?? defaultScriptTimeoutMs;
    this.#scripts = postgres(url, {
      ...common,
      max: options.maxScripts ?? defaultPoolSizes.maxScripts,
      connection: {
        application_name: "satchel-script",
        statement_timeout: this.#scriptTimeoutMs,
        ...searchPath,
      },
    }) as unknown as Pool;
    // 250 statements prepared a window, about the texts a large app runs over and over
    this.#runner = new Runner(target, new StatementCache(500, 250, lifetimeSeconds * 1000));
    this.#isolated = new IsolatedReader(
      (text, params) => this.#startRead(text, params),
      this.queryTimeoutMs,
      maxReaders,
    );
  }

  #startRead(text: string, params: SqlValue[]): RunningRead {
    const query = this.#runner.query(this.#readers, text, params);
    let ended = false;
    const rows = query.then(
      (r) => {
        ended = true;
        return Array.from(r) as Record<string, unknown>[];
      },
      (err: unknown) => {
        ended = true;
        throw this.#runner.wrap(err);
      },
    );
    return { rows, cancel: () => cancelQuery(query, () => ended) };
  }

  /** preflight checks the server and the schema before anything is written (see preflight.ts). */
  async preflight(options: Parameters<typeof preflight>[1]): Promise<void> {
    try {
      await preflight(this.#pool, options);
    } catch (err) {
      if (err instanceof PreflightError) throw err;
      throw this.#runner.wrap(err);
    }
  }

  /** installFunctions creates the dialect's SQL functions unless this version is there already. */
  async installFunctions(): Promise<void> {
    const [row] = await this.#runner.rows<{ ok: boolean }>(
      this.#pool,
      `SELECT to_regprocedure('${functionsMarker}()') IS NOT NULL AS ok`,
      [],
    );
    if (row?.ok) return;
    // several processes may open the database at once: one installs, the others wait and find it done
    try {
      await this.#pool.begin(async (tx) => {
        await tx.unsafe(`SELECT pg_advisory_xact_lock(${writerLockKey}); ${functionsSql}`).simple();
      });
    } catch (err) {
      throw this.#runner.wrap(err);
    }
  }

  async all<T = Row>(query: Sql | string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]> {
    const [text, values] = render(query, params);
    if (options?.isolate) return (await this.#isolated.all(text, [...values], options.scope)) as T[];
    checkDeadline(options?.scope, this.queryTimeoutMs);
    return this.#runner.rows<T>(this.#pool, text, values);
  }

  async get<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const [text, values] = render(query, params);
    return (await this.#runner.rows<T>(this.#pool, text, values))[0];
  }

  async run(query: Sql | string, params?: readonly SqlValue[]): Promise<RunResult> {
    const [text, values] = render(query, params);
    if (!this.#lock.locked) return this.#runner.changes(this.#pool, text, values);
    return this.#lock.with(() => this.#runner.changes(this.#pool, text, values));
  }

  async exec(text: string): Promise<void> {
    await this.#lock.with(() => this.#runner.simple(this.#pool, text));
  }

  /** optimize refreshes the query planner's statistics (autovacuum does the rest of the upkeep). */
  async optimize(): Promise<void> {
    await this.#runner.simple(this.#pool, "ANALYZE");
  }

  /**
   * backupTo can't copy a database that lives on its server into a file of the same engine: a backup of
   * the app copies the rows from openSnapshot into a database file instead (core/database-copy.ts).
   */
  async backupTo(_path: string): Promise<void> {
    throw new Error("a PostgreSQL database is backed up row by row from a snapshot (openSnapshot), not as a file");
  }

  /**
   * openSnapshot holds a connection of the pool in a REPEATABLE READ, READ ONLY transaction whose snapshot
   * is taken by its first statement; no writer lock is taken, so writes go on meanwhile.
   */
  async openSnapshot(): Promise<Snapshot> {
    if (this.#closed) throw new Error("the database is closed");
    const conn = await this.#reserve();
    try {
      await this.#runner.simple(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1");
    } catch (err) {
      conn.release();
      throw err;
    }
    let open = true;
    return {
      dialect: postgresDialect,
      all: async <T>(query: Sql | string, params?: readonly SqlValue[]) => {
        if (!open) throw new Error("the snapshot is closed");
        const [text, values] = render(query, params);
        return this.#runner.rows<T>(conn, text, values);
      },
      each: async (text, batch, fn) => {
        if (!open) throw new Error("the snapshot is closed");
        try {
          await conn.unsafe(text).cursor(batch, (rows) => fn(Array.from(rows) as Row[]));
        } catch (err) {
          throw this.#runner.wrap(err);
        }
      },
      close: async () => {
        if (!open) return;
        open = false;
        await this.#runner.simple(conn, "ROLLBACK").catch(() => {});
        conn.release();
      },
    };
  }

  /**
   * insertRowsInBackground inserts the rows from here (see Driver): postgres.js never blocks the thread,
   * the server does the work. They go as one statement, each column's values as an array (packed-insert.ts).
   * (A worker thread with a connection of its own making the rows and the arrays, as SQLite's writer does,
   * was measured: the process's CPU per request stayed the same, bench/README.md.)
   */
  async insertRowsInBackground(
    table: string,
    columns: readonly string[],
    packed: PackedRows,
    transform?: PackedTransform,
  ): Promise<void> {
    if (this.#closed) throw new Error("the database is closed");
    if (packed.count === 0) return;
    // close waits for the batches handed over before it
    const done = this.#insertPacked(table, columns, packed, transform);
    this.#backgroundInserts.add(done);
    try {
      await done;
    } finally {
      this.#backgroundInserts.delete(done);
    }
  }

  readonly #backgroundInserts = new Set<Promise<void>>();

  async #insertPacked(
    table: string,
    columns: readonly string[],
    packed: PackedRows,
    transform?: PackedTransform,
  ): Promise<void> {
    const insert = await this.#packedStatements(table, columns);
    // COPY costs both sides less than the INSERT; a batch it didn't write (the server refused a row, or the
    // COPY couldn't run) goes as the INSERT, which tells the refused rows from the others
    if (await this.#copyRows(insert, columns, packed, transform)) return;
    const rows = transform ? transform(packed) : packed;
    checkPackedColumns(columns, rows);
    const refused: Refused = { rows: 0, first: undefined, statements: 0 };
    await this.#insertRows(insert, rows, 0, rows.count, refused);
    if (refused.rows > 0) throw new RowsRefusedError(refused.rows, rows.count, { cause: refused.first });
  }

  /**
   * #insertRows inserts rows [from, to) as one statement. When the server refuses it for a row's values (a
   * data exception or a constraint: JSON it rejects, a duplicate key), the rows are tried again in halves,
   * down to the refused rows alone, which are counted in `refused`: one bad row doesn't cost its batch (a
   * batch of 4000 takes some 25 statements more per such row). Past maxRefusedStatements refused statements,
   * as when every row is refused, a refused range is counted whole, not split. Any other failure (the server
   * unavailable, the table gone) fails what is left of the batch at once.
   */
  async #insertRows(
    insert: { text: string; json: boolean[] },
    rows: PackedRows,
    from: number,
    to: number,
    refused: Refused,
  ): Promise<void> {
    try {
      await this.#runner.changes(this.#pool, insert.text, packedArrays(rows, insert.json, from, to));
    } catch (err) {
      if (!postgresDialect.refusesRow(err)) throw err;
      refused.statements++;
      if (to - from === 1 || refused.statements > maxRefusedStatements) {
        refused.rows += to - from;
        refused.first ??= err;
        return;
      }
      const middle = from + Math.floor((to - from) / 2);
      await this.#insertRows(insert, rows, from, middle, refused);
      await this.#insertRows(insert, rows, middle, to, refused);
    }
  }

  /**
   * #copyRows sends a batch as one COPY (packed-copy.ts) and says whether the server took it; when not,
   * nothing of it was written (a COPY is one statement). The batch goes in slices of copySliceRows rows,
   * each made (transform) and written on its own, so that what a batch holds beside its queued rows is a
   * slice's worth: made whole, it was there three times (made, in COPY's format, and postgres.js' copy),
   * 250 MB for 4000 logs of long URLs (bench/README.md).
   */
  async #copyRows(
    insert: { copy: string; json: boolean[] },
    columns: readonly string[],
    packed: PackedRows,
    transform: PackedTransform | undefined,
  ): Promise<boolean> {
    let stream: Writable;
    try {
      stream = (await this.#pool.unsafe(insert.copy).writable()) as Writable;
    } catch {
      return false;
    }
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const settle = (taken: boolean): void => {
        if (settled) return;
        settled = true;
        resolve(taken);
      };
      stream.on("finish", () => settle(true));
      stream.on("error", () => settle(false));
      const writeFrom = (from: number): void => {
        try {
          while (from < packed.count) {
            if (settled || stream.destroyed) return;
            const to = Math.min(packed.count, from + copySliceRows);
            const slice = packedSlice(packed, from, to);
            const rows = transform ? transform(slice) : slice;
            checkPackedColumns(columns, rows);
            from = to;
            if (!stream.write(copyText(rows, insert.json))) {
              stream.once("drain", () => writeFrom(from));
              return;
            }
          }
          stream.end();
        } catch (err) {
          // rows it can't make: the COPY is given up (nothing written), and the INSERT meets the same error
          stream.destroy(err instanceof Error ? err : new Error(String(err)));
        }
      };
      writeFrom(0);
    });
  }

  readonly #packedStatementsMade = new Map<string, { text: string; copy: string; json: boolean[] }>();

  /**
   * #packedStatements are the COPY and the INSERT of packed rows into table's columns, and which columns hold
   * JSON, made once per table and columns.
   */
  async #packedStatements(
    table: string,
    columns: readonly string[],
  ): Promise<{ text: string; copy: string; json: boolean[] }> {
    const key = `${table}\0${columns.join("\0")}`;
    const known = this.#packedStatementsMade.get(key);
    if (known !== undefined) return known;
    const found = await this.#runner.rows<{ name: string; type: string }>(this.#pool, columnTypesSql, [
      postgresDialect.quote(table),
    ]);
    const types = columns.map((c) => {
      const type = found.find((f) => f.name === c)?.type;
      if (type === undefined) throw new Error(`no column ${c} in ${table}`);
      return type;
    });
    const insert = {
      text: unnestInsertSql((n) => postgresDialect.quote(n), table, columns, types),
      copy: copyInSql((n) => postgresDialect.quote(n), table, columns),
      json: types.map((t) => t === "json" || t === "jsonb"),
    };
    this.#packedStatementsMade.set(key, insert);
    return insert;
  }

  /**
   * runScript runs the script's statements on a connection of the scripts' pool, cancelled at the time limit.
   * Exec mode runs them in one transaction holding the writer lock, as transaction() does; in query mode
   * each statement commits on its own, without the writer lock (PostgreSQL keeps concurrent writes safe).
   * The connection's session state is reset afterwards.
   */
  async runScript(sql: string, options: ScriptOptions): Promise<ScriptResult> {
    const { statements, endsWithStatement } = splitScript(sql);
    const running: RunningQuery = { current: null, stopped: false };
    const started = performance.now();
    // a cancel the server doesn't answer (within postgres.js' cancel_timeout) closes the statement's connection
    const timer = setTimeout(() => {
      if (running.finished) return;
      running.stopped = true;
      const query = running.current;
      running.cancelling = query ? cancelQuery(query, () => running.finished === true) : undefined;
    }, this.#scriptTimeoutMs);
    // a cancel request acts on whatever its connection runs when it arrives: the connection is used again (its
    // cleanup, the next script) only once the server has acted on it, or a late one would stop that instead
    const run = async (conn: Reserved) => {
      try {
        return await runStatements(conn, statements, endsWithStatement, options, running);
      } finally {
        running.finished = true;
        await running.cancelling;
      }
    };
    try {
      if (options.mode === "query") return await this.#withScriptConnection(running, run);
      return await this.#lock.with(() =>
        this.#withScriptConnection(running, async (conn) => {
          await conn.unsafe(beginWriteSql).simple();
          try {
            const result = await run(conn);
            await conn.unsafe("COMMIT").simple();
            return result;
          } catch (err) {
            await conn
              .unsafe("ROLLBACK")
              .simple()
              .catch(() => {});
            throw err;
          }
        }),
      );
    } catch (err) {
      throw scriptFailure(this.#runner.wrap(err), running, this.#scriptTimeoutMs, performance.now() - started);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * #withScriptConnection runs fn on a reserved connection of the scripts' pool, then resets what the script
   * left on it (an open transaction, settings) before the next one gets it. A stopped script's cancel has been
   * acted on by then (`running.cancelling`), or postgres.js closed the connection when the server didn't answer.
   */
  async #withScriptConnection<T>(running: RunningQuery, fn: (conn: Reserved) => Promise<T>): Promise<T> {
    const conn = await this.#scripts.reserve();
    try {
      return await fn(conn);
    } finally {
      await running.cancelling;
      await conn
        .unsafe("ROLLBACK")
        .simple()
        .then(() => conn.unsafe("DISCARD ALL").simple())
        .catch(() => {});
      conn.release();
    }
  }

  /**
   * #reserve takes a connection for a transaction: one that doesn't come within the connect timeout (the
   * server gone, every connection busy) is an error.
   */
  async #reserve(): Promise<Reserved> {
    try {
      const timeout = Promise.withResolvers<never>();
      const timer = setTimeout(
        () => timeout.reject(new DatabaseUnavailableError(`PostgreSQL at ${this.#runner.target}: no connection came`)),
        this.#connectTimeoutMs,
      );
      const reserving = this.#pool.reserve();
      try {
        const conn = await Promise.race([reserving, timeout.promise]);
        return conn;
      } catch (err) {
        // a connection that comes after all goes back to the pool
        reserving.then((c) => c.release()).catch(() => {});
        throw err;
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      throw this.#runner.wrap(err);
    }
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#lock.with(async () => {
      if (this.#closed) throw new Error("the database is closed");
      const conn = await this.#reserve();
      const link = new ReservedLink(conn, this.#runner);
      const tx = new PostgresTx(link, this.#runner, this.queryTimeoutMs);
      try {
        await link.begin();
        const result = await fn(tx);
        await tx.settle();
        await link.simple("COMMIT");
        return result;
      } catch (err) {
        // a lost connection has rolled back on the server: the error that matters is the first one
        await link.simple("ROLLBACK").catch(() => {});
        throw this.#runner.wrap(err);
      } finally {
        tx.close();
        link.release();
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#isolated.close();
    // the batches handed over so far are written before the connections close
    await Promise.allSettled(this.#backgroundInserts);
    await this.#lock.with(async () => {
      await Promise.all([
        this.#pool.end({ timeout: 5 }),
        this.#readers.end({ timeout: 1 }),
        this.#scripts.end({ timeout: 1 }),
      ]);
    });
  }
}

function quoteSchema(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

type Reserved = postgres.ReservedSql<Record<string, never>>;

/**
 * ReservedLink is a transaction's connection. A statement on a connection whose socket has closed fails as
 * unavailable, and a lost connection released goes back to the pool, which connects again when needed.
 */
class ReservedLink {
  constructor(
    readonly reserved: Reserved,
    readonly runner: Runner,
  ) {}

  /** begin opens the write transaction. */
  async begin(): Promise<void> {
    try {
      await this.reserved.unsafe(beginWriteSql).simple();
    } catch (err) {
      throw this.runner.wrap(err);
    }
  }

  /** conn is the connection for the next statement. */
  conn(): Reserved {
    return this.reserved;
  }

  /** send starts a statement without waiting for it. */
  send(text: string): Promise<unknown> {
    try {
      return Promise.resolve(this.conn().unsafe(text).simple());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async simple(text: string): Promise<void> {
    await this.runner.simple(this.conn(), text);
  }

  release(): void {
    this.reserved.release();
  }
}

/** The savepoint around each statement of a transaction (a new one of the same name hides the last). */
const statementSavepoint = "satchel_statement";

/** PostgresTx runs statements on the transaction's reserved connection; nested transactions are savepoints. */
class PostgresTx implements Tx {
  readonly dialect = postgresDialect;
  readonly isTransaction = true;
  #open = true;
  #depth = 0;
  /** The last statement's RELEASE, sent without waiting (the connection runs statements in order). */
  #release: Promise<unknown> = Promise.resolve();

  constructor(
    readonly link: ReservedLink,
    readonly runner: Runner,
    readonly queryTimeoutMs: number,
  ) {}

  close(): void {
    this.#open = false;
  }

  /** settle waits for the last statement's RELEASE, so that its failure is seen before COMMIT. */
  async settle(): Promise<void> {
    await this.#release;
  }

  #check(): void {
    if (!this.#open) throw new Error("the transaction is already finished");
  }

  /**
   * #statement runs one statement under its own savepoint: SAVEPOINT, the statement and RELEASE go out
   * back to back (postgres.js pipelines them on the connection), and a failure rolls back to the savepoint.
   */
  async #statement<R>(run: (conn: Reserved) => Promise<R>): Promise<R> {
    this.#check();
    const link = this.link;
    const savepoint = link.send(`SAVEPOINT ${statementSavepoint}`);
    savepoint.catch(() => {});
    try {
      const result = await run(link.conn());
      await savepoint;
      this.#release = link.send(`RELEASE SAVEPOINT ${statementSavepoint}`).catch(() => {});
      return result;
    } catch (err) {
      await link
        .simple(`ROLLBACK TO SAVEPOINT ${statementSavepoint}; RELEASE SAVEPOINT ${statementSavepoint}`)
        .catch(() => {});
      throw this.runner.wrap(err);
    }
  }

  async all<T = Row>(query: Sql | string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]> {
    this.#check();
    checkDeadline(options?.scope, this.queryTimeoutMs);
    const [text, values] = render(query, params);
    return this.#statement((conn) => this.runner.rows<T>(conn, text, values));
  }

  async get<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const [text, values] = render(query, params);
    return (await this.#statement((conn) => this.runner.rows<T>(conn, text, values)))[0];
  }

  async run(query: Sql | string, params?: readonly SqlValue[]): Promise<RunResult> {
    const [text, values] = render(query, params);
    return this.#statement((conn) => this.runner.changes(conn, text, values));
  }

  async exec(text: string): Promise<void> {
    await this.#statement((conn) => this.runner.simple(conn, text));
  }

  /** runScript runs the script in this transaction, under a savepoint undone if it fails. */
  async runScript(sql: string, options: ScriptOptions): Promise<ScriptResult> {
    const { statements, endsWithStatement } = splitScript(sql);
    const running: RunningQuery = { current: null, stopped: false };
    try {
      return await this.transaction(() =>
        runStatements(this.link.conn(), statements, endsWithStatement, options, running),
      );
    } catch (err) {
      throw scriptFailure(this.runner.wrap(err), running, 0, 0);
    }
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#check();
    const name = `sp${++this.#depth}`;
    try {
      await this.link.simple(`SAVEPOINT ${name}`);
      try {
        const result = await fn(this);
        await this.settle();
        await this.link.simple(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await this.link.simple(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`).catch(() => {});
        throw err;
      }
    } finally {
      this.#depth--;
    }
  }
}
