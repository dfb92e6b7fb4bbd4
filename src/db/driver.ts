import type { Dialect } from "./dialect.ts";
import type { PackedRows, PackedTransform } from "./packed-rows.ts";
import type { Sql, SqlValue } from "./sql.ts";

export type Row = Record<string, unknown>;

export interface RunResult {
  changes: number;
}

/** QueryTimeoutError is a read stopped at its deadline: the query timeout, or its request's. */
export class QueryTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `the request's queries ran past the ${timeoutMs / 1000}s query timeout and were stopped; narrow its filter, sort or expand`,
    );
  }
}

/**
 * RowsRefusedError is a batch of background inserts (Driver.insertRowsInBackground) some of whose rows the
 * database refused, each for its own values (JSON it rejects, a duplicate key): the other rows were written.
 */
export class RowsRefusedError extends Error {
  constructor(
    /** How many rows were refused. */
    readonly refused: number,
    /** How many rows the batch had. */
    readonly of: number,
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${refused} of ${of} rows refused (the others written): ${why}`, options);
  }
}

/**
 * DatabaseUnavailableError is a statement that failed because the database server can't be reached (the
 * connection was refused or lost, the server is shutting down or restarting, the credentials or database
 * name are wrong). It says nothing about the statement itself: the API layer answers 503, and the same
 * statement may succeed once the server is back (the driver's pool reconnects on its own).
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`the database is unavailable: ${message}`, options);
  }
}

/**
 * UnsupportedValueError is a statement that needs what the engine can't do, whatever the data (PostgreSQL's
 * text can't hold the NUL character, which SQLite's can): the API layer answers 400 with its message.
 */
export class UnsupportedValueError extends Error {}

/** checkDeadline refuses a read whose request is already past its deadline (one started can't always be stopped). */
export function checkDeadline(scope: ReadScope | undefined, timeoutMs: number): void {
  if (scope !== undefined && performance.now() >= scope.deadline) throw new QueryTimeoutError(timeoutMs);
}

/**
 * ReadScope is what the reads of one request share: a deadline for all of them together (so a list, its
 * count and its expands can't each take the whole query timeout) and who is asking (a requester's risky
 * reads run one at a time, so one client can't take every isolated reader).
 */
export interface ReadScope {
  /** When the reads must be done, on the `performance.now()` clock. */
  readonly deadline: number;
  /** A stable key for the client: the same for all its requests (its auth record, or its IP). */
  readonly requester: string;
}

export interface QueryOptions {
  /**
   * isolate marks a read that may be slow (deep joins built from client input): the driver runs it where
   * it can't stall other requests and stops it after the query timeout (a QueryTimeoutError). Inside a
   * transaction it runs in the transaction as usual.
   */
  isolate?: boolean;
  /** The request the read belongs to: a read that would start past its deadline fails at once. */
  scope?: ReadScope;
}

/** A value in a script's result: integers come as bigint, reals as number, blobs as bytes. */
export type ScriptValue = string | number | bigint | Uint8Array | null;

/** How runScript runs a script and what it may answer. */
export interface ScriptOptions {
  /**
   * "exec": every statement runs to its end in one transaction (all or nothing), and the answer is the
   * number of rows the last INSERT, UPDATE or DELETE changed. "query": the statements run one after the
   * other, each in its own transaction; the answer is the rows of the last statement that returned some,
   * or of the last statement when it ends the script and returned none.
   */
  mode: "exec" | "query";
  /** The most rows to answer: the statement is not read further. */
  maxRows: number;
  /** The most bytes of values the rows may hold together: a larger answer fails the script. */
  maxBytes: number;
}

export interface ScriptResult {
  /** Each column's name and declared type, as written in the schema ("" for an expression). */
  columns: { name: string; type: string }[];
  rows: ScriptValue[][];
  affectedRows: number;
}

/** ScriptError is a script the database refused, failed or stopped, in the engine's words. */
export class ScriptError extends Error {}

/** Queryable runs statements; a statement is a neutral fragment or pre-rendered text with its parameters. */
export interface Queryable {
  readonly dialect: Dialect;
  /** How long a request's reads may take together (the `--queryTimeout`), in milliseconds. */
  readonly queryTimeoutMs: number;
  all<T = Row>(query: Sql | string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]>;
  get<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(query: Sql | string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** exec runs one or more statements without parameters (DDL). */
  exec(text: string): Promise<void>;
  /**
   * runScript runs raw SQL text of one or more statements, never binding parameters (the superusers' SQL
   * console). On a Driver it runs where it can't stall the server and is stopped at the driver's script time
   * limit; inside a transaction it runs in it (exec mode in a savepoint). Failures throw a ScriptError.
   */
  runScript(sql: string, options: ScriptOptions): Promise<ScriptResult>;
  /**
   * transaction runs fn inside a transaction (a savepoint when already in one): committed when fn
   * resolves, rolled back when it throws. Other requests' statements never interleave with it.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Tx is a Queryable bound to an open transaction. */
export interface Tx extends Queryable {
  readonly isTransaction: true;
}

/**
 * Snapshot reads a database as it was committed when the snapshot was opened (Driver.openSnapshot), whatever
 * is written meanwhile: one read transaction, on a connection of its own, holding no writer back.
 */
export interface Snapshot {
  readonly dialect: Dialect;
  all<T = Row>(query: Sql | string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * each reads a query's rows `batch` at a time, never the whole answer at once, waiting for fn's promise
   * before it reads on.
   */
  each(text: string, batch: number, fn: (rows: Row[]) => Promise<void>): Promise<void>;
  /** close ends the snapshot's transaction and gives its connection back. */
  close(): Promise<void>;
}

/** Driver is an open database: reads run concurrently with a transaction, writes are serialized. */
export interface Driver extends Queryable {
  readonly isTransaction: false;
  /**
   * Whether the database is a file of the data directory (SQLite: backupTo copies it, and a restore swaps
   * the file), or lives on a server (PostgreSQL: a backup copies its rows from openSnapshot into a database
   * file, and a restore loads them back).
   */
  readonly isFile: boolean;
  /**
   * openSnapshot starts a read-only transaction on the database's committed state as of now (the snapshot
   * is fixed when this resolves): reads through it see that state until it is closed.
   */
  openSnapshot(): Promise<Snapshot>;
  /**
   * optimize is the periodic upkeep (PocketBase's nightly job): fold the write-ahead log back into the
   * database file, without waiting for readers, and refresh the query planner's statistics.
   */
  optimize(): Promise<void>;
  /**
   * backupTo writes a consistent copy of the database as last committed to a new file at path (one that
   * exists is an error), in a format the same engine opens as a database. It reads a snapshot without
   * holding writes back: to make the copy agree with something else (the stored files), run it inside a
   * transaction, which holds the other writers. An engine that can't copy itself into a file throws.
   */
  backupTo(path: string): Promise<void>;
  /**
   * insertRowsInBackground inserts packed rows into table's columns (named in the rows' column order) in one
   * transaction, without holding up the caller's thread where the engine's calls would block it: SQLite's
   * driver hands a batch of 50 rows or more to a worker thread with a connection of its own, and the rows'
   * buffers with it (the caller can't read them afterwards). Nothing orders it with the driver's other
   * writes: it suits rows nothing else writes at the time (logs). With a transform, the rows inserted are
   * `transform(rows)`, made where they are written (SQLite's worker thread), not on the caller's. A row the
   * database refuses for its values (a constraint, a type) costs only itself: the others are written and the
   * promise rejects with a RowsRefusedError; any other failure fails the batch whole.
   */
  insertRowsInBackground(
    table: string,
    columns: readonly string[],
    rows: PackedRows,
    transform?: PackedTransform,
  ): Promise<void>;
  close(): Promise<void>;
}

/** canInsertInBackground tells a driver (which can insert packed rows in the background) from a transaction. */
export function canInsertInBackground(db: Queryable): db is Queryable & Pick<Driver, "insertRowsInBackground"> {
  return typeof (db as Partial<Driver>).insertRowsInBackground === "function";
}
