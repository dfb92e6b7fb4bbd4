import { setPriority } from "node:os";
import type { Subprocess } from "bun";

/**
 * A thread of the child that kills it when the server died without doing so (the child then has another
 * parent), even while the child's main thread is stuck in a statement.
 */
const watchdogSource = `
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, "SIGKILL");
}, 500);
`;

/** The lines every child program starts with: the watchdog, and an exit when the server closes the channel. */
const childPrelude = `
new Worker(URL.createObjectURL(new Blob([${JSON.stringify(watchdogSource)}], { type: "application/javascript" }))).unref();
process.on("disconnect", () => process.exit(0));
`;

/**
 * spawnSqliteChild starts `program` (ESM source) in a child process of the same executable, talking over an
 * IPC channel with structured-clone messages, at a lower CPU priority. Killing such a child stops whatever
 * statement it runs at once: a worker thread can't be stopped in the middle of one (its SQLite call runs on
 * after `terminate()`), and the operating system releases the child's file locks.
 */
export function spawnSqliteChild<In>(
  program: string,
  onMessage: (message: In) => void,
): Subprocess<"ignore", "ignore", "pipe"> {
  const child = Bun.spawn([process.execPath, "--no-install", "-e", `${childPrelude}${program}`], {
    // BUN_BE_BUN makes a compiled executable behave as bun; no transpiler cache left in the user's home
    env: { ...process.env, BUN_BE_BUN: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    serialization: "advanced",
    ipc: onMessage,
  });
  try {
    setPriority(child.pid, 10);
  } catch {
    // not allowed here: the child runs at the server's priority
  }
  return child;
}
