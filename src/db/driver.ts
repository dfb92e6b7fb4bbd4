import type { Dialect } from "./dialect.ts";
import type { Sql, SqlValue } from "./sql.ts";

export type Row = Record<string, unknown>;

export interface RunResult {
  changes: number;
}

export interface QueryOptions {
  /**
   * isolate marks a read that may be slow (deep joins built from client input): the driver runs it where
   * it can't stall other requests and stops it after the query timeout (a QueryTimeoutError). Inside a
   * transaction it runs in the transaction as usual.
   */
  isolate?: boolean;
}

/** Queryable runs statements; a statement is a neutral fragment or pre-rendered text with its parameters. */
export interface Queryable {
  readonly dialect: Dialect;
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
