/**
 * The writer lock on PostgreSQL has two levels. In this process, writes and transactions go one at a time
 * through the FIFO `AsyncLock` (as on SQLite: a transaction never interleaves with another request's
 * statements, and code that reads then writes in a transaction can rely on nothing changing in between).
 * Across processes (the CLI beside a server, or several servers on one database), every transaction takes
 * a transaction-level advisory lock in the same round trip as its BEGIN, as SQLite's `BEGIN IMMEDIATE`
 * takes the database's write lock; it is released by COMMIT or ROLLBACK, and by the server if the
 * connection dies.
 */
export { AsyncLock } from "../async-lock.ts";

/** The advisory lock key of Satchel's writers ("SATC" in ASCII), the same for every process. */
export const writerLockKey = 0x53415443;

/** The statement opening a write transaction: BEGIN, then wait for the other processes' writers. */
export const beginWriteSql = `BEGIN; SELECT pg_advisory_xact_lock(${writerLockKey})`;
