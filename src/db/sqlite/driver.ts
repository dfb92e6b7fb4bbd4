import { type Statement as BunStatement, Database } from "bun:sqlite";
import {
  checkDeadline,
  type Driver,
  type Queryable,
  type QueryOptions,
  type Row,
  type RunResult,
  ScriptError,
  type ScriptOptions,
  type ScriptResult,
  type Snapshot,
  type Tx,
} from "../driver.ts";
import { checkPackedColumns, insertPackedRows, type PackedRows, type PackedTransform } from "../packed-rows.ts";
import type { Sql, SqlValue } from "../sql.ts";
import { BackgroundWriter } from "./background-writer.ts";
import { vacuumInto } from "./backup.ts";
import { isBusy, retryBusy } from "./busy.ts";
import { sqliteDialect } from "./dialect.ts";
import { IsolatedReader } from "./isolated-reader.ts";
import { AsyncLock } from "./lock.ts";
import { executeScript, type ScriptReply } from "./script-executor.ts";
import { ScriptRunner, scriptErrorText } from "./script-runner.ts";
import { StatementCache } from "./statement-cache.ts";

export interface SqliteOptions {
  /** Extra pragmas, applied after the defaults. */
  pragmas?: readonly string[];
  /** How long a request's reads may take together before they are stopped (PocketBase's default: 30 s). */
  queryTimeoutMs?: number;
  /** The most reader processes running isolated reads at once (default 8). */
  maxReaders?: number;
  /** How long a script (runScript) may run (PocketBase's SQL console: 3 minutes). */
  scriptTimeoutMs?: number;
  /** The most scripts running at once, each in its own process (default 2). */
  maxScripts?: number;
}

const defaultQueryTimeoutMs = 30_000;
/** From this many rows on, insertRowsInBackground writes on the worker thread. */
const backgroundMinRows = 50;
const defaultScriptTimeoutMs = 3 * 60_000;

/** scriptResult turns a script's reply into its result, or its failure into a ScriptError. */
function scriptResult(reply: ScriptReply): ScriptResult {
  if (!reply.ok) throw new ScriptError(scriptErrorText(reply.message, reply.errno));
  return reply.output;
}

// busy_timeout covers other processes holding a lock on the connections that read (the writer waits from
// timers instead: busy.ts)
const defaultPragmas = [
  "PRAGMA busy_timeout = 10000",
  "PRAGMA journal_mode = WAL",
  "PRAGMA journal_size_limit = 200000000",
  "PRAGMA synchronous = NORMAL",
  "PRAGMA foreign_keys = ON",
  "PRAGMA temp_store = MEMORY",
  "PRAGMA cache_size = -32000",
];

function open(path: string, readonly: boolean, pragmas: readonly string[]): Database {
  const db = new Database(path, readonly ? { readonly: true } : { create: true, readwrite: true });
  for (const p of pragmas) {
    if (readonly && /journal_mode|journal_size_limit/.test(p)) continue;
    db.run(p);
  }
  return db;
}

type Bindable = SqlValue[];

/** Statements run against one bun:sqlite connection. */
class Connection {
  readonly statements: StatementCache;

  constructor(readonly db: Database) {
    this.statements = new StatementCache(db, 500);
  }

  prepare(query: Sql | string, params: readonly SqlValue[] | undefined): [BunStatement, Bindable] {
    if (typeof query === "string") return [this.statements.get(query), (params ?? []) as Bindable];
    const rendered = sqliteDialect.render(query);
    return [this.statements.get(rendered.text), rendered.params];
  }

  all<T>(query: Sql | string, params?: readonly SqlValue[]): T[] {
    const [stmt, args] = this.prepare(query, params);
    return stmt.all(...args) as T[];
  }

  get<T>(query: Sql | string, params?: readonly SqlValue[]): T | undefined {
    const [stmt, args] = this.prepare(query, params);
    return (stmt.get(...args) ?? undefined) as T | undefined;
  }

  run(query: Sql | string, params?: readonly SqlValue[]): RunResult {
    const [stmt, args] = this.prepare(query, params);
    const res = stmt.run(...args);
    return { changes: res.changes };
  }
}

/** startBody starts a transaction's body, a synchronous throw becoming a rejection. */
function startBody<T>(fn: (tx: Tx) => Promise<T>, tx: Tx): Promise<T> {
  try {
    return fn(tx);
  } catch (err) {
    return Promise.reject(err);
  }
}

const noRelease = () => {};

/**
 * SqliteDriver owns two connections to one WAL database: a writer, whose statements and transactions are
 * serialized through an async lock, and a reader that sees the last committed state while a transaction
 * is open on the writer. bun:sqlite's own `transaction()` is never used: it commits at the first await.
 */
export class SqliteDriver implements Driver {
  readonly dialect = sqliteDialect;
  readonly isTransaction = false;
  readonly isFile = true;
  readonly queryTimeoutMs: number;
  readonly #writer: Connection;
  readonly #reader: Connection;
  readonly #lock = new AsyncLock();
  readonly #isolated: IsolatedReader | null;
  readonly #scripts: ScriptRunner | null;
  readonly #path: string;
  readonly #background: BackgroundWriter | null;
  #closed = false;

  constructor(path: string, options: SqliteOptions = {}) {
    this.#path = path;
    const pragmas = [...defaultPragmas, ...(options.pragmas ?? [])];
    this.#writer = new Connection(open(path, false, pragmas));
    // the writer waits for other processes from timers (busy.ts), not in SQLite's sleeping busy handler
    if (path !== ":memory:") this.#writer.db.run("PRAGMA busy_timeout = 0");
    // an in-memory database is private to its connection: read through the writer
    const memory = path === ":memory:";
    this.#reader = memory ? this.#writer : new Connection(open(path, false, pragmas));
    this.queryTimeoutMs = options.queryTimeoutMs ?? defaultQueryTimeoutMs;
    this.#isolated = memory
      ? null
      : new IsolatedReader(path, this.queryTimeoutMs, { maxReaders: options.maxReaders ?? 8 });
    this.#scripts = memory
      ? null
      : new ScriptRunner(path, this.#lock, {
          timeoutMs: options.scriptTimeoutMs ?? defaultScriptTimeoutMs,
          maxProcesses: options.maxScripts ?? 2,
          pragmas,
        });
    this.#background = memory
      ? null
      : new BackgroundWriter(
          path,
          pragmas.filter((p) => !/journal_mode|journal_size_limit|cache_size/.test(p)),
        );
  }

  async all<T = Row>(query: Sql | string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]> {
    if (options?.isolate && this.#isolated) {
      const rendered =
        typeof query === "string" ? { text: query, params: [...(params ?? [])] } : sqliteDialect.render(query);
      return (await this.#isolated.all(rendered.text, rendered.params, options.scope)) as T[];
    }
    checkDeadline(options?.scope, this.queryTimeoutMs);
    return this.#reader.all<T>(query, params);
  }

  async get<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.#reader.get<T>(query, params);
  }

  async run(query: Sql | string, params?: readonly SqlValue[]): Promise<RunResult> {
    if (!this.#lock.locked) {
      try {
        return this.#writer.run(query, params);
      } catch (err) {
        if (!isBusy(err)) throw err;
      }
    }
    // waiting for another process: under the lock, so that no transaction starts on the writer meanwhile
    return this.#lock.with(() => retryBusy(() => this.#writer.run(query, params)));
  }

  async exec(text: string): Promise<void> {
    await this.#lock.with(() => retryBusy(() => this.#writer.db.run(text)));
  }

  /**
   * runScript runs the script in a child process (ScriptRunner); an in-memory database, which no other
   * process can open, runs it here under the writer lock, unbounded.
   */
  async runScript(sql: string, options: ScriptOptions): Promise<ScriptResult> {
    const request = { ...options, sql, transaction: ["BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"] as const };
    if (!this.#scripts) {
      return scriptResult(await this.#lock.with(() => executeScript(this.#writer.db, request, async () => {})));
    }
    try {
      return scriptResult(await this.#scripts.run(request));
    } catch (err) {
      if (err instanceof ScriptError) throw err;
      throw new ScriptError(err instanceof Error ? err.message : String(err));
    }
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // the writer free: the lock taken and the transaction begun at once, and a body that waits on nothing
    // committed at once, without an async frame around it
    const release = this.#lock.tryAcquire();
    if (!release) return this.#transactionLocked(fn);
    const writer = this.#writer;
    try {
      writer.run("BEGIN IMMEDIATE");
    } catch (err) {
      release();
      return isBusy(err) ? this.#transactionLocked(fn) : Promise.reject(err);
    }
    const tx = new SqliteTx(writer, this.queryTimeoutMs);
    const body = startBody(fn, tx);
    const status = Bun.peek.status(body);
    if (status === "pending") return this.#end(writer, tx, body, release);
    try {
      if (status === "fulfilled") writer.run("COMMIT");
      else if (writer.db.inTransaction) writer.run("ROLLBACK");
      return body;
    } catch (err) {
      if (writer.db.inTransaction) writer.run("ROLLBACK");
      return Promise.reject(err);
    } finally {
      tx.close();
      release();
    }
  }

  /** end commits once the body succeeded, or rolls back, then closes the transaction and releases the lock. */
  async #end<T>(writer: Connection, tx: SqliteTx, body: Promise<T>, release: () => void): Promise<T> {
    try {
      const result = await body;
      writer.run("COMMIT");
      return result;
    } catch (err) {
      if (writer.db.inTransaction) writer.run("ROLLBACK");
      throw err;
    } finally {
      tx.close();
      release();
    }
  }

  #transactionLocked<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#lock.with(async () => {
      const writer = this.#writer;
      // BEGIN, COMMIT and ROLLBACK as cached statements; waiting for another process only when it is refused
      try {
        writer.run("BEGIN IMMEDIATE");
      } catch (err) {
        if (!isBusy(err)) throw err;
        await retryBusy(() => writer.run("BEGIN IMMEDIATE"));
      }
      const tx = new SqliteTx(writer, this.queryTimeoutMs);
      // the lock is released by `with` once this ends
      return this.#end(writer, tx, startBody(fn, tx), noRelease);
    });
  }

  /**
   * insertRowsInBackground hands a batch of backgroundMinRows rows or more to the worker thread's connection
   * (see Driver); fewer, where starting and feeding a thread would cost more than it saves, and an in-memory
   * database, which no other connection sees, are inserted here.
   */
  async insertRowsInBackground(
    table: string,
    columns: readonly string[],
    rows: PackedRows,
    transform?: PackedTransform,
  ): Promise<void> {
    if (!this.#background || rows.count < backgroundMinRows) {
      return insertPackedRows(this, table, columns, transform ? transform(rows) : rows);
    }
    if (!transform) checkPackedColumns(columns, rows);
    const q = sqliteDialect.quote;
    const insert = `INSERT INTO ${q(table)} (${columns.map((c) => q(c)).join(", ")})`;
    return this.#background.insert(insert, columns.length, rows, transform);
  }

  async optimize(): Promise<void> {
    await this.#lock.with(async () => {
      const db = this.#writer.db;
      // waiting for readers would hold the main thread: without a busy wait, the pages a reader still
      // needs stay in the log for the next checkpoint
      const { timeout } = db.query("PRAGMA busy_timeout").get() as { timeout: number };
      db.run("PRAGMA busy_timeout = 0");
      try {
        db.run("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        db.run(`PRAGMA busy_timeout = ${timeout}`);
      }
      db.run("PRAGMA optimize");
    });
  }

  /**
   * backupTo copies the database with `VACUUM INTO` in a child process (vacuumInto), from a snapshot of
   * what is committed: inside a transaction the copy holds none of its changes. An in-memory database,
   * which no other connection can see, is copied by its own connection, which SQLite refuses while a
   * transaction is open on it.
   */
  async backupTo(path: string): Promise<void> {
    if (this.#closed) throw new Error("the database is closed");
    if (this.#path !== ":memory:") return vacuumInto(this.#path, path);
    this.#writer.db.run("VACUUM INTO ?", [path]);
  }

  /**
   * openSnapshot reads on a read-only connection of its own, in a read transaction started by a first read
   * (WAL keeps its pages for it). An in-memory database, which no other connection sees, is read through
   * the writer as it is: no snapshot.
   */
  async openSnapshot(): Promise<Snapshot> {
    if (this.#closed) throw new Error("the database is closed");
    if (this.#path === ":memory:") {
      const db = this.#writer.db;
      return {
        dialect: sqliteDialect,
        all: async (q, p) => this.#writer.all(q, p),
        each: eachOf(db),
        close: async () => {},
      };
    }
    const conn = new Connection(open(this.#path, true, ["PRAGMA busy_timeout = 10000"]));
    try {
      conn.db.run("BEGIN");
      conn.db.query("SELECT count(*) FROM sqlite_schema").get();
    } catch (err) {
      conn.db.close();
      throw err;
    }
    let active = true;
    return {
      dialect: sqliteDialect,
      all: async (q, p) => conn.all(q, p),
      each: eachOf(conn.db),
      close: async () => {
        if (!active) return;
        active = false;
        conn.statements.clear();
        conn.db.run("ROLLBACK");
        conn.db.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#isolated?.close();
    this.#scripts?.close();
    await this.#background?.close();
    await this.#lock.with(async () => {
      this.#writer.statements.clear();
      if (this.#reader !== this.#writer) {
        this.#reader.statements.clear();
        this.#reader.db.close();
      }
      // housekeeping only: a database another connection still holds (SQLITE_BUSY) closes all the same
      try {
        this.#writer.db.run("PRAGMA optimize");
      } catch {}
      this.#writer.db.close();
    });
  }
}

/** eachOf reads a query's rows in batches from a connection, stepping the statement between them. */
function eachOf(db: Database): Snapshot["each"] {
  return async (text, batch, fn) => {
    const statement = db.prepare(text);
    try {
      let rows: Row[] = [];
      for (const row of statement.iterate() as IterableIterator<Row>) {
        rows.push(row);
        if (rows.length < batch) continue;
        await fn(rows);
        rows = [];
      }
      if (rows.length > 0) await fn(rows);
    } finally {
      statement.finalize();
    }
  };
}

/** SqliteTx runs statements on the writer inside an open transaction; nested transactions are savepoints. */
class SqliteTx implements Tx {
  readonly dialect = sqliteDialect;
  readonly isTransaction = true;
  #open = true;
  #depth = 0;

  constructor(
    readonly conn: Connection,
    readonly queryTimeoutMs: number,
  ) {}

  close(): void {
    this.#open = false;
  }

  #check(): void {
    if (!this.#open) throw new Error("the transaction is already finished");
  }

  async all<T = Row>(query: Sql | string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]> {
    this.#check();
    checkDeadline(options?.scope, this.queryTimeoutMs);
    return this.conn.all<T>(query, params);
  }

  async get<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T | undefined> {
    this.#check();
    return this.conn.get<T>(query, params);
  }

  async run(query: Sql | string, params?: readonly SqlValue[]): Promise<RunResult> {
    this.#check();
    return this.conn.run(query, params);
  }

  async exec(text: string): Promise<void> {
    this.#check();
    this.conn.db.run(text);
  }

  async runScript(sql: string, options: ScriptOptions): Promise<ScriptResult> {
    this.#check();
    const savepoint = ["SAVEPOINT script", "RELEASE script", "ROLLBACK TO script; RELEASE script"] as const;
    return scriptResult(await executeScript(this.conn.db, { ...options, sql, transaction: savepoint }, async () => {}));
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#check();
    const name = `sp${++this.#depth}`;
    this.conn.db.run(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      this.#check();
      this.conn.db.run(`RELEASE ${name}`);
      return result;
    } catch (err) {
      // once the transaction was ended under it (a batch stopped at its timeout), the connection may already
      // run another request's transaction, whose savepoints must not be touched
      if (this.#open) {
        this.conn.db.run(`ROLLBACK TO ${name}`);
        this.conn.db.run(`RELEASE ${name}`);
      }
      throw err;
    } finally {
      this.#depth--;
    }
  }
}

export type { Queryable };
