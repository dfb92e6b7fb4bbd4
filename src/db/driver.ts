import type { Dialect } from "./dialect.ts";
import type { Sql, SqlValue, Statement } from "./sql.ts";

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
   * transaction runs fn inside a transaction (a savepoint when already in one): committed when fn
   * resolves, rolled back when it throws. Other requests' statements never interleave with it.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Tx is a Queryable bound to an open transaction. */
export interface Tx extends Queryable {
  readonly isTransaction: true;
}

/** Driver is an open database: reads run concurrently with a transaction, writes are serialized. */
export interface Driver extends Queryable {
  readonly isTransaction: false;
  close(): Promise<void>;
}

/** BackgroundWrites is a driver that can write without holding up the caller's thread. */
export interface BackgroundWrites {
  /**
   * writeInBackground runs rendered statements in one transaction on a connection of their own, off the
   * thread of the caller where the engine's calls block it (SQLite), and resolves once they are committed.
   * Nothing orders it with the driver's other writes: it suits rows nothing else writes at the time (logs).
   */
  writeInBackground(statements: readonly Statement[]): Promise<void>;
}

export function canWriteInBackground(db: Queryable): db is Queryable & BackgroundWrites {
  return typeof (db as Partial<BackgroundWrites>).writeInBackground === "function";
}
