import { type EncodedLog, EncodedQueue } from "./encoded-queue.ts";
import type { LogEntry, LogSink } from "./logger.ts";

export interface BatchOptions {
  /** Writes a batch of logs (their data as JSON); the handler never runs two writes at once. */
  write(logs: EncodedLog[]): Promise<void>;
  /** Whether an entry is kept, asked as it is logged (so a changed setting applies to the next entry). */
  accept?(entry: LogEntry): boolean;
  /** Called when a write fails (its logs are dropped). */
  onError?(err: unknown, logs: readonly EncodedLog[]): void;
  /** A write starts once this many entries wait (default 200). */
  batchSize?: number;
  /** ... or at the latest this long after the first of them was logged (default 3000 ms). */
  flushIntervalMs?: number;
  /** At most this many entries wait (default 20,000): when writes can't keep up, newer entries are dropped. */
  maxPending?: number;
  /** ... and at most this many bytes of them (default 32 MiB). */
  maxPendingBytes?: number;
}

/**
 * BatchHandler is a log sink that collects entries and writes them in batches, never on the caller's
 * path: a full batch is written from a later task of the event loop, a partial one after the flush
 * interval, and `flush()` writes what waits at once. Waiting entries are kept serialized (EncodedQueue);
 * memory stays bounded when writes stall.
 */
export class BatchHandler implements LogSink {
  readonly #options: Required<Omit<BatchOptions, "accept" | "onError">> & Pick<BatchOptions, "accept" | "onError">;
  readonly #pending: EncodedQueue;
  #writing: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #immediate = false;
  /** How many entries were dropped because too many were waiting. */
  dropped = 0;

  constructor(options: BatchOptions) {
    this.#options = {
      batchSize: 200,
      flushIntervalMs: 3000,
      maxPending: 20_000,
      maxPendingBytes: 32 << 20,
      ...options,
    };
    this.#pending = new EncodedQueue(this.#options.maxPendingBytes);
  }

  /** How many entries wait to be written. */
  get pending(): number {
    return this.#pending.length;
  }

  write(entry: LogEntry): void {
    const { accept, batchSize, maxPending } = this.#options;
    if (accept !== undefined && !accept(entry)) return;
    if (this.#pending.length >= maxPending || !this.#pending.push(entry)) {
      this.dropped++;
      return;
    }
    if (this.#pending.length >= batchSize) this.#flushSoon();
    else if (this.#timer === null) this.#startTimer();
  }

  /** flush writes every waiting entry (after the write in progress, if any) and resolves once written. */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
    if (this.#pending.length === 0) return;
    this.#stopTimer();
    const batch = this.#pending.drain();
    const writing = this.#write(batch);
    this.#writing = writing;
    try {
      await writing;
    } finally {
      if (this.#writing === writing) this.#writing = null;
    }
  }

  /** stop cancels the pending timer (the waiting entries stay until the next flush). */
  stop(): void {
    this.#stopTimer();
  }

  async #write(batch: EncodedLog[]): Promise<void> {
    try {
      await this.#options.write(batch);
    } catch (err) {
      this.#options.onError?.(err, batch);
    }
  }

  #flushSoon(): void {
    if (this.#immediate) return;
    this.#immediate = true;
    setImmediate(() => {
      this.#immediate = false;
      void this.flush();
    });
  }

  #startTimer(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, this.#options.flushIntervalMs);
    // a waiting batch never keeps the process alive: the app flushes when it terminates
    this.#timer.unref?.();
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
