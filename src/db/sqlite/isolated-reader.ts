import type { Subprocess } from "bun";
import { QueryTimeoutError, type ReadScope } from "../driver.ts";
import type { SqlValue } from "../sql.ts";
import { spawnSqliteChild } from "./child-process.ts";

/** The first message names the database file; every later one is a statement. */
type ReaderRequest = { open: string } | { id: number; text: string; params: SqlValue[] };
type ReaderResponse = { id: number; rows: Record<string, unknown>[] } | { id: number; error: string };

/**
 * The reader's program, run in a child process: one read-only connection running the statements it is
 * sent, answering over the IPC channel. A child, not a worker thread: at a deadline the child is killed,
 * which stops its statement at once, where a terminated worker's SQLite call runs on to its end.
 */
const readerSource = `
import { Database } from "bun:sqlite";
let db = null;
const statements = new Map();
process.on("message", (msg) => {
  if ("open" in msg) {
    db = new Database(msg.open, { readonly: true });
    db.run("PRAGMA busy_timeout = 10000");
    db.run("PRAGMA temp_store = MEMORY");
    return;
  }
  try {
    let stmt = statements.get(msg.text);
    if (!stmt) {
      stmt = db.prepare(msg.text);
      if (statements.size > 200) statements.clear();
      statements.set(msg.text, stmt);
    }
    process.send({ id: msg.id, rows: stmt.all(...msg.params) });
  } catch (err) {
    process.send({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

/** One read waiting for, or running in, a reader process. */
interface Job {
  id: number;
  text: string;
  params: SqlValue[];
  /** undefined: no per-requester limit (reads made by the server itself). */
  requester: string | undefined;
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (err: Error) => void;
  /** Fires at the job's deadline, queued or running. */
  timer: ReturnType<typeof setTimeout>;
  slot: ReaderSlot | null;
}

/** One reader process with its own connection, running one job at a time; replaced when killed. */
class ReaderSlot {
  #child: Subprocess | null = null;
  job: Job | null = null;
  idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly path: string,
    readonly onResult: (slot: ReaderSlot, msg: ReaderResponse) => void,
    readonly onCrash: (slot: ReaderSlot, err: Error) => void,
  ) {}

  #spawn(): Subprocess {
    const child = spawnSqliteChild<ReaderResponse>(readerSource, (msg) => this.onResult(this, msg));
    child.send({ open: this.path } satisfies ReaderRequest);
    void child.exited.then(async (code) => {
      if (this.#child !== child) return;
      this.#child = null;
      const stderr = (await new Response(child.stderr).text()).trim().slice(-300);
      this.onCrash(this, new Error(`the reader process ended (${code ?? child.signalCode}) ${stderr}`.trim()));
    });
    // the reader must not keep the server's process alive on its own
    child.unref();
    return child;
  }

  run(job: Job): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.#child ??= this.#spawn();
    this.job = job;
    job.slot = this;
    this.#child.send({ id: job.id, text: job.text, params: job.params } satisfies ReaderRequest);
  }

  /** kill stops the process, and with it a statement still running (the next job starts a new one). */
  kill(): void {
    const child = this.#child;
    this.#child = null;
    child?.kill("SIGKILL");
  }
}

export interface IsolatedReaderOptions {
  /** Reader processes kept even when idle. */
  minReaders?: number;
  /** The most reader processes running at once; more reads wait in line. */
  maxReaders?: number;
  /** How long a reader above minReaders may stay idle before it is stopped. */
  idleMs?: number;
}

/**
 * IsolatedReader runs read statements in low-priority reader processes with a deadline: a pathological
 * query costs its own request a timeout error (and its process) instead of freezing the server, which runs
 * bun:sqlite on its main thread.
 *
 * Fairness: a requester runs one isolated read at a time (its others wait in line, up to their deadline),
 * and the pool grows on demand up to maxReaders, so one client's runaway reads hold at most one reader and
 * never the reads of other clients. Reads wait in arrival order otherwise.
 */
export class IsolatedReader {
  readonly #path: string;
  readonly #timeoutMs: number;
  readonly #minReaders: number;
  readonly #maxReaders: number;
  readonly #idleMs: number;
  readonly #slots: ReaderSlot[] = [];
  readonly #queue: Job[] = [];
  readonly #busyRequesters = new Set<string>();
  #nextId = 0;
  #closed = false;

  constructor(path: string, timeoutMs: number, options: IsolatedReaderOptions = {}) {
    this.#path = path;
    this.#timeoutMs = timeoutMs;
    this.#minReaders = options.minReaders ?? 2;
    this.#maxReaders = Math.max(this.#minReaders, options.maxReaders ?? 8);
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /** The reader slots alive now (idle ones included). */
  get readers(): number {
    return this.#slots.length;
  }

  all(text: string, params: SqlValue[], scope?: ReadScope): Promise<Record<string, unknown>[]> {
    if (this.#closed) return Promise.reject(new Error("the database is closed"));
    const now = performance.now();
    const byScope = scope !== undefined && scope.deadline < now + this.#timeoutMs;
    const wait = byScope ? scope.deadline - now : this.#timeoutMs;
    if (wait <= 0) return Promise.reject(new QueryTimeoutError(this.#timeoutMs));
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: ++this.#nextId,
        text,
        params,
        requester: scope?.requester,
        resolve,
        reject,
        timer: setTimeout(() => this.#expire(job), wait),
        slot: null,
      };
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** #dispatch starts every waiting job it can: its requester has none running and a reader is free. */
  #dispatch(): void {
    for (let i = 0; i < this.#queue.length; ) {
      const job = this.#queue[i] as Job;
      if (job.requester !== undefined && this.#busyRequesters.has(job.requester)) {
        i++;
        continue;
      }
      const slot = this.#freeSlot();
      if (!slot) return;
      this.#queue.splice(i, 1);
      if (job.requester !== undefined) this.#busyRequesters.add(job.requester);
      slot.run(job);
    }
  }

  #freeSlot(): ReaderSlot | null {
    const idle = this.#slots.find((s) => s.job === null);
    if (idle) return idle;
    if (this.#slots.length >= this.#maxReaders) return null;
    const slot = new ReaderSlot(
      this.#path,
      (s, msg) => this.#onResult(s, msg),
      (s, err) => this.#onCrash(s, err),
    );
    this.#slots.push(slot);
    return slot;
  }

  #onResult(slot: ReaderSlot, msg: ReaderResponse): void {
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    this.#release(slot, job);
    if ("error" in msg) job.reject(new Error(msg.error));
    else job.resolve(msg.rows);
  }

  #onCrash(slot: ReaderSlot, err: Error): void {
    slot.kill();
    const job = slot.job;
    if (job) this.#release(slot, job);
    job?.reject(err);
  }

  /** #expire fails a job at its deadline: dropped from the line, or its reader killed mid-statement. */
  #expire(job: Job): void {
    const slot = job.slot;
    if (slot) {
      slot.kill();
      this.#release(slot, job);
    } else {
      const i = this.#queue.indexOf(job);
      if (i >= 0) this.#queue.splice(i, 1);
    }
    job.reject(new QueryTimeoutError(this.#timeoutMs));
  }

  /** #release frees a job's reader and requester, then starts what waits. */
  #release(slot: ReaderSlot, job: Job): void {
    clearTimeout(job.timer);
    slot.job = null;
    job.slot = null;
    if (job.requester !== undefined) this.#busyRequesters.delete(job.requester);
    this.#dispatch();
    if (slot.job === null && this.#slots.length > this.#minReaders) {
      slot.idleTimer = setTimeout(() => this.#retire(slot), this.#idleMs);
      slot.idleTimer.unref?.();
    }
  }

  #retire(slot: ReaderSlot): void {
    if (slot.job !== null || this.#slots.length <= this.#minReaders) return;
    slot.kill();
    this.#slots.splice(this.#slots.indexOf(slot), 1);
  }

  close(): void {
    this.#closed = true;
    const err = new Error("the database is closed");
    for (const job of this.#queue.splice(0)) {
      clearTimeout(job.timer);
      job.reject(err);
    }
    for (const slot of this.#slots.splice(0)) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.kill();
      const job = slot.job;
      if (!job) continue;
      clearTimeout(job.timer);
      job.reject(err);
    }
    this.#busyRequesters.clear();
  }
}
