/**
 * Waiting for another process's write lock without blocking the event loop. SQLite's own busy handler
 * (`busy_timeout`) sleeps in the calling thread: a server process whose writer waited that way would stop
 * answering anything, reads included, while another process (`satchel serve --workers`, the CLI) writes.
 * The writer connection has no busy timeout instead; a statement refused with SQLITE_BUSY (which did
 * nothing) is tried again from a timer, up to busyWaitMs, before the error goes to the caller.
 */

/** How long a write waits for the other processes' write lock (as the `busy_timeout` it replaces). */
export const busyWaitMs = 10_000;

/** isBusy tells SQLite's "database is locked" (SQLITE_BUSY and its extended codes) from other errors. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** The pause before each retry: at once a few times (the lock is usually held for microseconds), then longer. */
function pauseMs(attempt: number): number {
  if (attempt < 4) return 0;
  return Math.min(2 ** (attempt - 4) * 0.5, 8);
}

/** retryBusy runs fn, and again after pauses while it fails with SQLITE_BUSY, up to busyWaitMs in all. */
export async function retryBusy<T>(fn: () => T, waitMs = busyWaitMs): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    }
    const pause = pauseMs(attempt);
    if (pause === 0) await new Promise((resolve) => setImmediate(resolve));
    else await Bun.sleep(pause);
  }
}
