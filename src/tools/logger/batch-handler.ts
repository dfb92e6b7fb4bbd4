import { RowsRefusedError } from "../../db/driver.ts";
import { type PackedRows, PackedRowsWriter, type PackedType } from "../../db/packed-rows.ts";
import type { LogEntry, LogSink } from "./logger.ts";

export interface BatchOptions {
  /** The types of the columns of a log's row. */
  types: readonly PackedType[];
  /** Packs an entry as one row (its values in column order), answering `rows.endRow()`. */
  pack(entry: LogEntry, rows: PackedRowsWriter): boolean;
  /** Writes a batch of packed logs; the handler never runs two writes at once. */
  write(rows: PackedRows): Promise<void>;
  /** Whether an entry is kept, asked as it is logged (so a changed setting applies to the next entry). */
  accept?(entry: LogEntry): boolean;
  /**
   * Called when a write fails (its `count` logs are dropped: the batch's, or the rows refused when the
   * database refused only some, a RowsRefusedError), or an entry can't be packed (count 1).
   */
  onError?(err: unknown, count: number): void;
  /** A write starts once this many entries wait (default 200). */
  batchSize?: number;
  /** ... or at the latest this long after the first of them was logged (default 3000 ms). */
  flushIntervalMs?: number;
  /** At most this many entries wait (default 20,000): when writes can't keep up, newer entries are dropped. */
  maxPending?: number;
  /** ... and at most this many bytes of their text (default 32 MiB). */
  maxPendingBytes?: number;
}

/**
 * BatchHandler is a log sink that collects entries and writes them in batches, never on the caller's
 * path: a full batch is written from a later task of the event loop, a partial one after the flush
 * interval, and `flush()` writes what waits at once. Waiting entries are kept packed as the rows they will
 * be (PackedRows: bytes, no objects; kept as objects, logs waiting for hundreds of requests outlive garbage
 * collections and the collector carries them to the old generation, which cost 10-15% more CPU per
 * request on the records bench). Memory stays bounded when writes stall: one batch being written, and at
 * most maxPending entries and maxPendingBytes waiting.
 */
export class BatchHandler implements LogSink {
  readonly #options: Required<Omit<BatchOptions, "accept" | "onError">> & Pick<BatchOptions, "accept" | "onError">;
  readonly #pending: PackedRowsWriter;
  #writing: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #immediate = false;
  /** How many entries were dropped because too many were waiting (or one couldn't be packed). */
  dropped = 0;

  constructor(options: BatchOptions) {
    this.#options = {
      batchSize: 200,
      flushIntervalMs: 3000,
      maxPending: 20_000,
      maxPendingBytes: 32 << 20,
      ...options,
    };
    this.#pending = new PackedRowsWriter(options.types, { maxBytes: this.#options.maxPendingBytes });
  }

  /** How many entries wait to be written. */
  get pending(): number {
    return this.#pending.count;
  }

  write(entry: LogEntry): void {
    const { accept, pack } = this.#options;
    if (accept !== undefined && !accept(entry)) return;
    this.writePacked(pack, entry);
  }

  /**
   * writePacked queues a row that `pack` packs from value (as `options.pack` does an entry's), for the
   * callers that log something other than a LogEntry: a function and its value, no closure per row.
   * `accept` is not asked: the caller decides.
   */
  writePacked<T>(pack: (value: T, rows: PackedRowsWriter) => boolean, value: T): void {
    const { batchSize, maxPending } = this.#options;
    if (this.#pending.count >= maxPending || !this.#pack(pack, value)) {
      this.dropped++;
      return;
    }
    if (this.#pending.count >= batchSize) this.#flushSoon();
    else if (this.#timer === null) this.#startTimer();
  }

  /** flush writes every waiting entry (after the write in progress, if any) and resolves once written. */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
    if (this.#pending.count === 0) return;
    this.#stopTimer();
    const writing = this.#write(this.#pending.take());
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

  #pack<T>(pack: (value: T, rows: PackedRowsWriter) => boolean, value: T): boolean {
    try {
      return pack(value, this.#pending);
    } catch (err) {
      this.#pending.dropRow();
      this.#options.onError?.(err, 1);
      return false;
    }
  }

  async #write(batch: PackedRows): Promise<void> {
    const count = batch.count;
    try {
      await this.#options.write(batch);
    } catch (err) {
      // rows refused one by one cost only themselves: the others were written
      this.#options.onError?.(err, err instanceof RowsRefusedError ? err.refused : count);
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
