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

/**
 * Watched is a hook run with a timeout: check fails it once its current handler is late (true when it did).
 * The watch links the runs it watches through their own fields (no Set, no allocation), and a run leaves
 * it as soon as it settles, so nothing it holds (its event, its record) outlives it: runs kept even a tick
 * would carry many requests' objects into the old generation.
 */
export interface Watched {
  watchPrev: Watched | null;
  watchNext: Watched | null;
  check(now: number): boolean;
}

/** How often the runs being watched are checked, and the resolution of `clock()`. */
export const tickMs = 100;
let head: Watched | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
let ticks = 0;

/**
 * clock counts the ticks since the module loaded: a handler's hold is timed in ticks, so timing one costs a
 * read of a number, not a call for the time (a hook chain takes several holds per request).
 */
export function clock(): number {
  return ticks;
}

function tick(): void {
  ticks++;
  if (head === null) {
    if (ticker) clearInterval(ticker);
    ticker = null;
    return;
  }
  const now = ticks * tickMs;
  for (let run: Watched | null = head; run !== null; ) {
    const next: Watched | null = run.watchNext;
    if (run.check(now)) unwatch(run);
    run = next;
  }
}

/**
 * watch checks a run every 100 ms until unwatch. One timer serves every run, and only while some run is
 * watched; it never keeps the process alive.
 */
export function watch(run: Watched): void {
  run.watchPrev = null;
  run.watchNext = head;
  if (head) head.watchPrev = run;
  head = run;
  if (ticker === null) {
    ticker = setInterval(tick, tickMs);
    ticker.unref?.();
  }
}

/** unwatch stops watching a run (a run not watched is left alone). */
export function unwatch(run: Watched): void {
  if (run.watchPrev) run.watchPrev.watchNext = run.watchNext;
  else if (head === run) head = run.watchNext;
  else return;
  if (run.watchNext) run.watchNext.watchPrev = run.watchPrev;
  run.watchPrev = null;
  run.watchNext = null;
}

/**
 * BatchWatch times the handlers of a hook fired many times in a row within one operation (see
 * Hook.triggerNested: onRecordEnrich, once per record sent), as one: the time between `resume()` and
 * `pause()` counts against the timeout, and past it the promise given to `guard` fails with a
 * HookTimeoutError naming the hook and its handlers. One watch instead of one per firing.
 */
export class BatchWatch implements Watched {
  watchPrev: Watched | null = null;
  watchNext: Watched | null = null;
  #ended = false;
  #heldTicks = 0;
  #since: number | null = null;
  #fail: ((err: Error) => void) | null = null;

  constructor(
    readonly hookName: string,
    readonly handlerIds: string,
    readonly timeoutMs: number,
  ) {}

  guard<T>(work: () => Promise<T>): Promise<T> {
    this.resume();
    const result = work();
    // work done synchronously (handlers that returned without waiting) has nothing left to time
    if (Bun.peek.status(result) !== "pending") {
      this.#ended = true;
      return result;
    }
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.#fail = reject;
    watch(this);
    result.then(
      (v) => {
        this.#ended = true;
        unwatch(this);
        resolve(v);
      },
      (err: unknown) => {
        this.#ended = true;
        unwatch(this);
        reject(err);
      },
    );
    return promise;
  }

  pause(): void {
    if (this.#since === null) return;
    this.#heldTicks += clock() - this.#since;
    this.#since = null;
  }

  resume(): void {
    this.#since = clock();
  }

  check(): boolean {
    const ticks = this.#heldTicks + (this.#since === null ? 0 : clock() - this.#since);
    // a tick crossed may have come right after resume(): only the ticks after the first count surely
    if (this.#ended || (ticks - 1) * tickMs < this.timeoutMs) return false;
    this.#fail?.(new HookTimeoutError(this.hookName, this.handlerIds, this.timeoutMs));
    return true;
  }
}
