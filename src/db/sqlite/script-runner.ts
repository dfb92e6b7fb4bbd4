import type { Subprocess } from "bun";
import { spawnSqliteChild } from "./child-process.ts";
import type { AsyncLock } from "./lock.ts";
import { executeScript, type ScriptReply, type ScriptRequest } from "./script-executor.ts";

/** Parent to child: the script to run first, then the news that the writer lock is held. */
type ToChild = { path: string; pragmas: readonly string[]; request: ScriptRequest } | { locked: true };
/** Child to parent: a request for the writer lock, or the result. */
type FromChild = { lock: true } | { reply: ScriptReply };

/**
 * The child's program, run by the same executable (`BUN_BE_BUN=1` makes a compiled one behave as bun): it
 * opens the database, runs executeScript (its source is embedded) and answers over the IPC channel. Then it
 * waits to be killed, so that its exit always means it is gone (and never races its answer).
 */
const childSource = `
import { Database } from "bun:sqlite";
const executeScript = ${executeScript.toString()};
process.once("message", async ({ path, pragmas, request }) => {
  let reply;
  let db = null;
  try {
    db = new Database(path, { readwrite: true });
    for (const p of pragmas) db.run(p);
    let locked = false;
    const lockWriter = () =>
      locked
        ? Promise.resolve()
        : new Promise((resolve) => {
            process.once("message", () => {
              locked = true;
              resolve();
            });
            process.send({ lock: true });
          });
    reply = await executeScript(db, request, lockWriter);
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err), errno: null };
  }
  db?.close();
  process.send({ reply });
});
`;

// the script's own connection has the server's pragmas, but big sorts go to temporary files rather than
// memory (bun's SQLite keeps no memory statistics, so a heap limit would not hold)
const childPragmas = ["PRAGMA temp_store = FILE"];

/** ScriptTimeout is a script stopped at the time limit (or never started before it). */
class ScriptTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`the script ran past the ${timeoutMs / 1000}s time limit and was stopped`);
  }
}

export interface ScriptRunnerOptions {
  /** How long a script may take, waiting for its turn and for the writer lock included. */
  timeoutMs: number;
  /** The most scripts running at once; more wait for their turn. */
  maxProcesses: number;
  /** The connection pragmas of the server's own connections. */
  pragmas: readonly string[];
}

/**
 * ScriptRunner runs scripts (the SQL console's) in a child process with its own connection, so that
 * nothing a script does can stall or crash the server: at the time limit the process is killed, which stops
 * even a statement that never returns (a worker thread can't be stopped in the middle of one), and the
 * operating system releases its file locks, so SQLite rolls back whatever it had not committed. Before its
 * first write the child takes the driver's writer lock, held until it has exited: in-process writes wait
 * rather than fail on a busy database, and reads go on beside it. The child runs at a lower CPU priority.
 */
export class ScriptRunner {
  readonly #path: string;
  readonly #lock: AsyncLock;
  readonly #options: ScriptRunnerOptions;
  readonly #children = new Set<Subprocess>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(path: string, lock: AsyncLock, options: ScriptRunnerOptions) {
    this.#path = path;
    this.#lock = lock;
    this.#options = options;
  }

  async run(request: ScriptRequest): Promise<ScriptReply> {
    const deadline = performance.now() + this.#options.timeoutMs;
    await this.#turn(deadline);
    try {
      return await this.#runChild(request, deadline);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  /** close kills the running scripts. */
  close(): void {
    for (const child of this.#children) child.kill("SIGKILL");
  }

  /** #turn waits until fewer than maxProcesses scripts run (failing at the deadline). */
  #turn(deadline: number): Promise<void> {
    if (this.#running < this.#options.maxProcesses) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const go = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(go), 1);
        reject(new ScriptTimeout(this.#options.timeoutMs));
      }, deadline - performance.now());
      this.#waiting.push(go);
    });
  }

  #runChild(request: ScriptRequest, deadline: number): Promise<ScriptReply> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let releaseLock: (() => void) | null = null;
      // the answer waits for the child to be gone, and with it its locks on the database
      const settle = (answer: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        void child.exited.then(() => {
          this.#children.delete(child);
          releaseLock?.();
          answer();
        });
      };
      const child = spawnSqliteChild<FromChild>(childSource, (message) => {
        if ("reply" in message) {
          settle(() => resolve(message.reply));
          return;
        }
        void this.#lock.with(
          () =>
            new Promise<void>((release) => {
              if (settled) return release();
              releaseLock = release;
              child.send({ locked: true } satisfies ToChild);
            }),
        );
      });
      this.#children.add(child);
      const timer = setTimeout(
        () => settle(() => reject(new ScriptTimeout(this.#options.timeoutMs))),
        deadline - performance.now(),
      );
      void child.exited.then(async (code) => {
        const stderr = (await new Response(child.stderr).text()).trim().slice(-500);
        settle(() => reject(new Error(`the script's process ended (${code ?? child.signalCode}) ${stderr}`.trim())));
      });
      const pragmas = [...this.#options.pragmas, ...childPragmas];
      child.send({ path: this.#path, pragmas, request } satisfies ToChild);
    });
  }
}

// sqlite3_errstr's words for the primary result codes
const resultCodeTexts = new Map([
  [0, "not an error"],
  [1, "SQL logic error"],
  [3, "access permission denied"],
  [4, "query aborted"],
  [5, "database is locked"],
  [6, "database table is locked"],
  [7, "out of memory"],
  [8, "attempt to write a readonly database"],
  [9, "interrupted"],
  [10, "disk I/O error"],
  [11, "database disk image is malformed"],
  [12, "unknown operation"],
  [13, "database or disk is full"],
  [14, "unable to open database file"],
  [15, "locking protocol"],
  [17, "database schema has changed"],
  [18, "string or blob too big"],
  [19, "constraint failed"],
  [20, "datatype mismatch"],
  [21, "bad parameter or other API misuse"],
  [23, "authorization denied"],
  [25, "column index out of range"],
  [26, "file is not a database"],
  [27, "notification message"],
  [28, "warning message"],
]);

function resultCodeText(code: number): string {
  if (code === 516) return "abort due to ROLLBACK";
  if (code === 100) return "another row available";
  if (code === 101) return "no more rows available";
  return resultCodeTexts.get(code & 0xff) ?? "unknown error";
}

/**
 * scriptErrorText words a failure as PocketBase's SQLite driver (modernc) does: the result code's text,
 * SQLite's message when it says more, and the extended code, e.g.
 * `constraint failed: NOT NULL constraint failed: t.a (1299)`. Errors that aren't SQLite's keep their text.
 */
export function scriptErrorText(message: string, errno: number | null): string {
  if (errno === null) return message;
  const text = resultCodeText(errno);
  const busy = errno === 5 ? " (SQLITE_BUSY)" : "";
  return message === text ? `${text} (${errno})${busy}` : `${text}: ${message} (${errno})${busy}`;
}
