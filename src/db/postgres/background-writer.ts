import type { PackedRows, PackedTransform } from "../packed-rows.ts";
import { packedArrays } from "./packed-insert.ts";

type WriterRequest =
  | { open: string; connectTimeoutSeconds: number }
  | { id: number; insert: string; json: readonly boolean[]; columns: number; rows: PackedRows; transform?: string }
  | { id: number; close: true };
type WriterResponse = { id: number; error?: string; unavailable?: boolean };

/**
 * The worker's code: one connection of Bun's built-in PostgreSQL client (no import needed, so the code runs
 * from a Blob as it is, in the single-file executable too), inserting each job's packed rows with the
 * job's `INSERT ... SELECT * FROM unnest(...)` (packed-insert.ts). The rows come as the buffers they were
 * packed in (transferred, not copied), made into the table's rows here when the job names a transform (its
 * source text, compiled once), and into the statement's array literals by packedArrays' own source. A
 * connection that fails is dropped, and the next job opens another.
 */
const workerSource = `
const packedArrays = ${packedArrays.toString()};
let url = null;
let connectTimeout = 10;
let sql = null;
const transforms = new Map();
const transformOf = (source) => {
  let fn = transforms.get(source);
  if (!fn) {
    fn = new Function("return (" + source + ")")();
    transforms.set(source, fn);
  }
  return fn;
};
const connection = () => {
  sql ??= new Bun.SQL(url, { max: 1, idleTimeout: 60, connectionTimeout: connectTimeout, prepare: true });
  return sql;
};
// a server's answer to the statement leaves the connection usable, unless it is shutting down (57P) or the
// connection failed (08); anything else (refused, reset, timed out) means the connection is gone
const lost = (err) => {
  const code = String(err?.code ?? "");
  return code !== "ERR_POSTGRES_SERVER_ERROR" || /^(08|57P)/.test(String(err?.errno ?? ""));
};
self.onmessage = async (e) => {
  const msg = e.data;
  if ("open" in msg) {
    url = msg.open;
    connectTimeout = msg.connectTimeoutSeconds;
    return;
  }
  if ("close" in msg) {
    const open = sql;
    sql = null;
    await open?.close({ timeout: 1 }).catch(() => {});
    self.postMessage({ id: msg.id });
    return;
  }
  let params;
  try {
    const rows = msg.transform === undefined ? msg.rows : transformOf(msg.transform)(msg.rows);
    if (rows.types.length !== msg.columns) throw new Error(msg.columns + " columns named for packed rows of " + rows.types.length);
    params = rows.count > 0 ? packedArrays(rows, msg.json) : null;
  } catch (err) {
    self.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  try {
    if (params !== null) await connection().unsafe(msg.insert, params);
    self.postMessage({ id: msg.id });
  } catch (err) {
    const unavailable = lost(err);
    if (unavailable) {
      const open = sql;
      sql = null;
      open?.close({ timeout: 0 }).catch(() => {});
    }
    self.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err), unavailable });
  }
};
`;
let workerUrl: string | null = null;

const transformSources = new WeakMap<PackedTransform, string>();

/** transformSource is a transform's source text, as the worker compiles it (made once per function). */
function transformSource(transform: PackedTransform): string {
  let source = transformSources.get(transform);
  if (source === undefined) {
    source = transform.toString();
    transformSources.set(transform, source);
  }
  return source;
}

interface Job {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A failed background insert: `unavailable` when the worker's connection to the server failed. */
export class BackgroundInsertError extends Error {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
    this.name = "BackgroundInsertError";
  }
}

/**
 * PostgresBackgroundWriter inserts packed rows from a worker thread with a connection of its own, so that
 * making a batch's rows (request logs: their ids, JSON and dates) and its statement's parameters costs the
 * main thread nothing but handing over two buffers. Jobs run one at a time, in order; the worker starts
 * with the first job and stops after a minute without one. A worker that dies fails its jobs, and the next
 * job starts another.
 */
export class PostgresBackgroundWriter {
  readonly #url: string;
  readonly #connectTimeoutSeconds: number;
  #worker: Worker | null = null;
  readonly #jobs = new Map<number, Job>();
  #nextId = 0;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Called once no job is left. */
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(url: string, connectTimeoutSeconds: number) {
    this.#url = url;
    this.#connectTimeoutSeconds = connectTimeoutSeconds;
  }

  /**
   * insert runs `insert` (an `INSERT ... SELECT * FROM unnest(...)` of `columns` columns, packed-insert.ts)
   * with the array literals of the rows or of `transform(rows)`, made on the worker; `json` marks the JSON
   * columns. The rows' buffers go to the worker as they are: the caller can't read them afterwards.
   */
  insert(
    insert: string,
    json: readonly boolean[],
    columns: number,
    rows: PackedRows,
    transform?: PackedTransform,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the database is closed"));
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#worker ??= this.#spawn();
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject });
      const request: Extract<WriterRequest, { insert: string }> = { id, insert, json, columns, rows };
      if (transform) request.transform = transformSource(transform);
      this.#worker?.postMessage(request, [rows.text.buffer, rows.cells.buffer]);
    });
  }

  /** close waits for the jobs sent so far, then closes the worker's connection and stops it. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#jobs.size > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    await this.#stop();
  }

  #spawn(): Worker {
    workerUrl ??= URL.createObjectURL(new Blob([workerSource], { type: "application/javascript" }));
    const w = new Worker(workerUrl);
    w.postMessage({ open: this.#url, connectTimeoutSeconds: this.#connectTimeoutSeconds } satisfies WriterRequest);
    w.onmessage = (e: MessageEvent<WriterResponse>) => this.#onResult(e.data);
    w.onerror = (e) => this.#onCrash(w, new Error(`background writer failed: ${e.message}`));
    // the worker must not keep the process alive on its own
    w.unref();
    return w;
  }

  #onResult(msg: WriterResponse): void {
    const job = this.#jobs.get(msg.id);
    if (!job) return;
    this.#jobs.delete(msg.id);
    if (msg.error !== undefined) job.reject(new BackgroundInsertError(msg.error, msg.unavailable === true));
    else job.resolve();
    if (this.#jobs.size > 0) return;
    for (const done of this.#drained.splice(0)) done();
    if (!this.#closed) {
      this.#idleTimer = setTimeout(() => void this.#stop(), 60_000);
      this.#idleTimer.unref?.();
    }
  }

  #onCrash(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    worker.terminate();
    this.#worker = null;
    for (const job of jobs) job.reject(err);
    for (const done of this.#drained.splice(0)) done();
  }

  /** #stop closes the worker's connection, then the worker. */
  async #stop(): Promise<void> {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = null;
    const id = ++this.#nextId;
    await new Promise<void>((resolve) => {
      // a worker that died can't answer: don't wait for it
      const timer = setTimeout(resolve, 5000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#jobs.set(id, { resolve: done, reject: done });
      worker.postMessage({ id, close: true } satisfies WriterRequest);
    });
    this.#jobs.delete(id);
    worker.terminate();
  }
}
