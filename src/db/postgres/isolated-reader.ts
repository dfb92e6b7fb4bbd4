import { QueryTimeoutError, type ReadScope } from "../driver.ts";
import type { SqlValue } from "../sql.ts";

/** A statement started on the risky-read pool, which can be stopped while it runs. */
export interface RunningRead {
  readonly rows: Promise<Record<string, unknown>[]>;
  /**
   * cancel asks the server to stop the statement (PostgreSQL's cancel request, on another connection), and
   * settles once the server has acted on it.
   */
  cancel(): Promise<void>;
}

/** One read waiting for, or running on, a connection. */
interface Job {
  text: string;
  params: SqlValue[];
  /** undefined: no per-requester limit (reads made by the server itself). */
  requester: string | undefined;
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (err: Error) => void;
  /** Fires at the job's deadline, queued or running. */
  timer: ReturnType<typeof setTimeout>;
  running: RunningRead | null;
  settled: boolean;
}

/**
 * IsolatedReader runs the reads that may run away (deep joins built from client input) on a pool of their
 * own, so they never hold the connections of ordinary statements, and stops each at its deadline: the
 * request's, or the query timeout. Stopping is a cancel request sent at the deadline; the pool's
 * connections also carry `statement_timeout` set to the query timeout, so the server stops a read even if
 * the cancel never arrives.
 *
 * Fairness, as the SQLite isolated reader: a requester runs one isolated read at a time (its others wait in
 * line, up to their deadline), and at most `maxConcurrent` run at once, so one client's runaway reads hold
 * one connection and never the reads of other clients. Reads wait in arrival order otherwise.
 */
export class IsolatedReader {
  readonly #queue: Job[] = [];
  readonly #busyRequesters = new Set<string>();
  #running = 0;
  /** Cancel requests sent and not yet acted on by the server. */
  #cancelling = 0;
  #closed = false;

  constructor(
    readonly start: (text: string, params: SqlValue[]) => RunningRead,
    readonly timeoutMs: number,
    readonly maxConcurrent: number,
  ) {}

  all(text: string, params: SqlValue[], scope?: ReadScope): Promise<Record<string, unknown>[]> {
    if (this.#closed) return Promise.reject(new Error("the database is closed"));
    const now = performance.now();
    const byScope = scope !== undefined && scope.deadline < now + this.timeoutMs;
    const wait = byScope ? scope.deadline - now : this.timeoutMs;
    if (wait <= 0) return Promise.reject(new QueryTimeoutError(this.timeoutMs));
    return new Promise((resolve, reject) => {
      const job: Job = {
        text,
        params,
        requester: scope?.requester,
        resolve,
        reject,
        timer: setTimeout(() => this.#expire(job), wait),
        running: null,
        settled: false,
      };
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /**
   * #dispatch starts every waiting job it can: its requester has none running and a connection is free. None
   * starts while a cancel request is on its way: it would stop the next statement on its connection, if the
   * cancelled one ended first and that connection were given the job.
   */
  #dispatch(): void {
    if (this.#cancelling > 0) return;
    for (let i = 0; i < this.#queue.length && this.#running < this.maxConcurrent; ) {
      const job = this.#queue[i] as Job;
      if (job.requester !== undefined && this.#busyRequesters.has(job.requester)) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      this.#run(job);
    }
  }

  #run(job: Job): void {
    this.#running++;
    if (job.requester !== undefined) this.#busyRequesters.add(job.requester);
    job.running = this.start(job.text, job.params);
    job.running.rows.then(
      (rows) => this.#settle(job, null, rows),
      (err: unknown) => this.#settle(job, err instanceof Error ? err : new Error(String(err)), null),
    );
  }

  /** #settle frees a finished job's place; its caller may already have had its timeout error. */
  #settle(job: Job, err: Error | null, rows: Record<string, unknown>[] | null): void {
    this.#running--;
    if (job.requester !== undefined) this.#busyRequesters.delete(job.requester);
    if (!job.settled) {
      job.settled = true;
      clearTimeout(job.timer);
      if (err) job.reject(err);
      else job.resolve(rows ?? []);
    }
    this.#dispatch();
  }

  /**
   * #expire fails a job at its deadline: dropped from the line, or cancelled on the server. A cancelled
   * statement keeps its connection (and its requester's turn) until the server has stopped it, which is at
   * once in practice: a runaway read can't start another behind the one being stopped.
   */
  #expire(job: Job): void {
    if (job.settled) return;
    job.settled = true;
    if (job.running) {
      this.#cancelling++;
      void job.running.cancel().finally(() => {
        this.#cancelling--;
        this.#dispatch();
      });
    } else {
      const i = this.#queue.indexOf(job);
      if (i >= 0) this.#queue.splice(i, 1);
    }
    job.reject(new QueryTimeoutError(this.timeoutMs));
  }

  close(): void {
    this.#closed = true;
    const err = new Error("the database is closed");
    for (const job of this.#queue.splice(0)) {
      clearTimeout(job.timer);
      job.settled = true;
      job.reject(err);
    }
  }
}
