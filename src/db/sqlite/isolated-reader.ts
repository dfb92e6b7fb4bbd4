import type { SqlValue } from "../sql.ts";

/** The first message names the database file; every later one is a statement. */
type ReaderRequest = { open: string } | { id: number; text: string; params: SqlValue[] };
type ReaderResponse = { id: number; rows: Record<string, unknown>[] } | { id: number; error: string };

/**
 * The worker's code: one read-only connection running the statements it is sent. It is kept as source
 * text (started from a Blob) so that it works the same from the sources and inside the single-file
 * executable, where a worker file would need its own build entry point.
 */
const workerSource = `
import { Database } from "bun:sqlite";
let db = null;
const statements = new Map();
self.onmessage = (e) => {
  const msg = e.data;
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
    self.postMessage({ id: msg.id, rows: stmt.all(...msg.params) });
  } catch (err) {
    self.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
};
`;
let workerUrl: string | null = null;

/** QueryTimeoutError is a query abandoned after the driver's query timeout. */
export class QueryTimeoutError extends Error {}

interface Pending {
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** One worker with its own connection; replaced when a query in it times out. */
class ReaderSlot {
  #worker: Worker | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 0;

  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {}

  get load(): number {
    return this.#pending.size;
  }

  #spawn(): Worker {
    workerUrl ??= URL.createObjectURL(new Blob([workerSource], { type: "application/javascript" }));
    const w = new Worker(workerUrl);
    w.postMessage({ open: this.path } satisfies ReaderRequest);
    w.onmessage = (e: MessageEvent<ReaderResponse>) => {
      const p = this.#pending.get(e.data.id);
      if (!p) return;
      this.#pending.delete(e.data.id);
      clearTimeout(p.timer);
      if ("error" in e.data) p.reject(new Error(e.data.error));
      else p.resolve(e.data.rows);
    };
    w.onerror = (e) => this.#fail(new Error(`reader worker failed: ${e.message}`));
    // the worker must not keep the process alive on its own
    w.unref();
    return w;
  }

  /** #fail rejects everything in flight and drops the worker (a stuck query dies with it). */
  #fail(err: Error): void {
    this.#worker?.terminate();
    this.#worker = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  all(text: string, params: SqlValue[]): Promise<Record<string, unknown>[]> {
    this.#worker ??= this.#spawn();
    const worker = this.#worker;
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new QueryTimeoutError(`the query took longer than ${this.timeoutMs / 1000}s and was stopped`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, text, params } satisfies ReaderRequest);
    });
  }

  close(): void {
    this.#fail(new Error("the database is closed"));
  }
}

/**
 * IsolatedReader runs read statements in worker threads with a deadline: a pathological query costs its
 * own request a timeout error instead of freezing the server, which runs bun:sqlite on its main thread.
 */
export class IsolatedReader {
  readonly #slots: ReaderSlot[];

  constructor(path: string, timeoutMs: number, workers = 2) {
    this.#slots = Array.from({ length: workers }, () => new ReaderSlot(path, timeoutMs));
  }

  all(text: string, params: SqlValue[]): Promise<Record<string, unknown>[]> {
    const slot = this.#slots.reduce((a, b) => (b.load < a.load ? b : a));
    return slot.all(text, params);
  }

  close(): void {
    for (const s of this.#slots) s.close();
  }
}
