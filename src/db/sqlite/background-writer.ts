import { RowsRefusedError } from "../driver.ts";
import { maxInsertParams, type PackedRows, type PackedTransform, packedChunks } from "../packed-rows.ts";
import { sqliteRefusesRow } from "./dialect.ts";

type WriterRequest =
  | { open: string; pragmas: readonly string[] }
  | { id: number; insert: string; columns: number; rows: PackedRows; transform?: string }
  | { id: number; close: true };
/** A job's answer: done, or failed with `error`; with `refused`, only that many rows were (the others written). */
type WriterResponse = { id: number; error?: string; refused?: number };

/**
 * The worker's code: one read-write connection inserting each job's packed rows in one transaction, with
 * multi-row INSERTs made of the job's `INSERT INTO table (columns)` head. The rows come as the buffers they
 * were packed in (transferred, not copied), made into the table's rows here when the job names a transform
 * (its source text, compiled once), and decoded by packedChunks' own source (text values as slices of the
 * batch's text decoded once, bound as text). Kept as
 * source text (started from a Blob) so it works the same from the sources and in the single-file
 * executable, as the isolated readers do.
 */
const workerSource = `
import { Database } from "bun:sqlite";
const packedChunks = ${packedChunks.toString()};
let db = null;
const refusesRow = ${sqliteRefusesRow.toString()};
const statements = new Map();
const transforms = new Map();
const transformOf = (source) => {
  let fn = transforms.get(source);
  if (!fn) {
    fn = new Function("return (" + source + ")")();
    transforms.set(source, fn);
  }
  return fn;
};
const statement = (insert, types, rows) => {
  const key = rows + "\0" + insert;
  let stmt = statements.get(key);
  if (!stmt) {
    const row = "(" + types.map(() => "?").join(", ") + ")";
    stmt = db.prepare(insert + " VALUES " + new Array(rows).fill(row).join(", "));
    if (statements.size > 50) statements.clear();
    statements.set(key, stmt);
  }
  return stmt;
};
self.onmessage = (e) => {
  const msg = e.data;
  if ("open" in msg) {
    db = new Database(msg.open, { readwrite: true });
    for (const p of msg.pragmas) db.run(p);
    return;
  }
  if ("close" in msg) {
    statements.clear();
    db?.close();
    db = null;
    self.postMessage({ id: msg.id });
    return;
  }
  try {
    const rows = msg.transform === undefined ? msg.rows : transformOf(msg.transform)(msg.rows);
    if (rows.types.length !== msg.columns) throw new Error(msg.columns + " columns named for packed rows of " + rows.types.length);
    const chunks = packedChunks(rows, ${maxInsertParams});
    const width = rows.types.length;
    let refused = 0;
    let firstRefusal = null;
    db.run("BEGIN IMMEDIATE");
    try {
      for (const c of chunks) {
        try {
          statement(msg.insert, rows.types, c.rows).run(...c.params);
        } catch (err) {
          // a row refused for its values (a constraint, a type): only that statement is undone, so the
          // chunk's rows are written one by one, and the refused ones left out
          if (!refusesRow(err) || !db.inTransaction) throw err;
          for (let r = 0; r < c.rows; r++) {
            try {
              statement(msg.insert, rows.types, 1).run(...c.params.slice(r * width, (r + 1) * width));
            } catch (rowErr) {
              if (!refusesRow(rowErr) || !db.inTransaction) throw rowErr;
              refused++;
              firstRefusal ??= rowErr;
            }
          }
        }
      }
      db.run("COMMIT");
    } catch (err) {
      if (db.inTransaction) db.run("ROLLBACK");
      throw err;
    }
    if (refused > 0) self.postMessage({ id: msg.id, refused, error: String(firstRefusal?.message ?? firstRefusal) });
    else self.postMessage({ id: msg.id });
  } catch (err) {
    self.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
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
  /** How many rows were sent. */
  count: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * BackgroundWriter runs write transactions on a connection of its own in a worker thread, so that the
 * main thread (which runs bun:sqlite synchronously) never stops for them: the writes of request logs,
 * whose file I/O would otherwise stall every request in flight. Jobs run one at a time, in order; the
 * worker starts with the first job and stops after a minute without one.
 */
export class BackgroundWriter {
  readonly #path: string;
  readonly #pragmas: readonly string[];
  #worker: Worker | null = null;
  readonly #jobs = new Map<number, Job>();
  #nextId = 0;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Called once no job is left. */
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(path: string, pragmas: readonly string[]) {
    this.#path = path;
    this.#pragmas = pragmas;
  }

  /**
   * insert inserts packed rows in one transaction (a row refused for its values is left out, the others
   * written, and the promise rejected with a RowsRefusedError; any other failure rolls it all back), with
   * INSERTs that start with `insert` (`INSERT INTO table (columns)`, quoted, naming `columns` columns), of the
   * rows or of `transform(rows)`, made on the worker. The rows' buffers go to the
   * worker as they are: the caller can't read them afterwards.
   */
  insert(insert: string, columns: number, rows: PackedRows, transform?: PackedTransform): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the database is closed"));
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#worker ??= this.#spawn();
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#jobs.set(id, { count: rows.count, resolve, reject });
      const request: Extract<WriterRequest, { insert: string }> = { id, insert, columns, rows };
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
    w.postMessage({ open: this.#path, pragmas: this.#pragmas } satisfies WriterRequest);
    w.onmessage = (e: MessageEvent<WriterResponse>) => this.#onResult(e.data);
    w.onerror = (e) => this.#onCrash(new Error(`background writer failed: ${e.message}`));
    // the worker must not keep the process alive on its own
    w.unref();
    return w;
  }

  #onResult(msg: WriterResponse): void {
    const job = this.#jobs.get(msg.id);
    if (!job) return;
    this.#jobs.delete(msg.id);
    if (msg.refused !== undefined) {
      job.reject(new RowsRefusedError(msg.refused, job.count, { cause: new Error(msg.error) }));
    } else if (msg.error !== undefined) job.reject(new Error(msg.error));
    else job.resolve();
    if (this.#jobs.size > 0) return;
    for (const done of this.#drained.splice(0)) done();
    if (!this.#closed) {
      this.#idleTimer = setTimeout(() => void this.#stop(), 60_000);
      this.#idleTimer.unref?.();
    }
  }

  #onCrash(err: Error): void {
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    this.#worker?.terminate();
    this.#worker = null;
    for (const job of jobs) job.reject(err);
    for (const done of this.#drained.splice(0)) done();
  }

  /** #stop closes the worker's connection (so its locks and WAL are released properly), then the worker. */
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
      this.#jobs.set(id, { count: 0, resolve: done, reject: done });
      worker.postMessage({ id, close: true } satisfies WriterRequest);
    });
    this.#jobs.delete(id);
    worker.terminate();
  }
}
