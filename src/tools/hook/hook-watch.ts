import { ApiError } from "../router/api-error.ts";

/**
 * HookTimeoutError is the failure of a hook whose handler kept the chain waiting past its timeout (it neither
 * called `e.next()` nor returned). It is a 500 that names the hook and the handler's id.
 */
export class HookTimeoutError extends ApiError {
  constructor(
    readonly hookName: string,
    readonly handlerId: string,
    readonly timeoutMs: number,
  ) {
    super(
      500,
      `The ${hookName || "hook"} handler ${JSON.stringify(handlerId)} did not call e.next() or return within ${formatMs(timeoutMs)}`,
    );
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Watched is a hook run with a timeout: check fails it once its current handler is late (true when it did). */
export interface Watched {
  check(now: number): boolean;
}

/** How often the runs being watched are checked. */
const tickMs = 100;
const runs = new Set<Watched>();
let ticker: ReturnType<typeof setInterval> | null = null;

function tick(): void {
  if (runs.size === 0) {
    if (ticker) clearInterval(ticker);
    ticker = null;
    return;
  }
  const now = performance.now();
  for (const run of runs) if (run.check(now)) runs.delete(run);
}

/**
 * watch checks a run every 100 ms until the returned function is called. One timer serves every run, and
 * only while some run is watched; it never keeps the process alive.
 */
export function watch(run: Watched): () => void {
  runs.add(run);
  if (ticker === null) {
    ticker = setInterval(tick, tickMs);
    ticker.unref?.();
  }
  return () => {
    runs.delete(run);
  };
}
