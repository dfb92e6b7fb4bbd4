/**
 * The writer lock on SQLite: one writer connection, whose writes and transactions go one at a time through
 * the FIFO `AsyncLock`, so that a transaction never interleaves with another request's statements. Other
 * processes (the CLI beside a server) are kept out by SQLite's own lock, which `BEGIN IMMEDIATE` takes at
 * once (waiting up to `busy_timeout`).
 */
export { AsyncLock } from "../async-lock.ts";
