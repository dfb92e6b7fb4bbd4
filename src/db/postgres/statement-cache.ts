/**
 * StatementCache decides which statement texts run as named prepared statements. postgres.js keeps every
 * statement it prepares on each pooled connection until the connection closes, so preparing every text
 * (client filters make new ones without end) would grow the server's memory without bound. A text is
 * prepared from its second run while it is among the `capacity` most recently used; one-off texts run as
 * unnamed statements (same round trips, planned each time).
 *
 * Connections are recycled (the driver's `maxLifetimeSeconds`, the `windowMs` here), which drops what they
 * prepared, but a client sending each of many filters twice would still have every one prepared on every
 * connection it reached meanwhile. So at most `admissions` texts are admitted to run prepared in a window: past
 * that, a new text runs unnamed until the window has passed. A connection, living at most a window, then holds
 * at most three windows' admissions whatever the traffic.
 */
export class StatementCache {
  readonly #seen = new Map<string, number>();
  readonly #admitted = new Set<string>();
  #windowEnds: number;

  constructor(
    readonly capacity: number,
    readonly admissions = capacity,
    readonly windowMs = 600_000,
    readonly now: () => number = Date.now,
  ) {
    this.#windowEnds = now() + windowMs;
  }

  /** prepare records a run of text and says whether to run it prepared. */
  prepare(text: string): boolean {
    const runs = this.#seen.get(text);
    if (runs === undefined) {
      this.#seen.set(text, 1);
      if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value as string);
      return false;
    }
    // re-insert to mark it most recently used
    this.#seen.delete(text);
    this.#seen.set(text, runs + 1);
    if (this.#admitted.has(text)) return true;
    if (this.#admitted.size >= this.admissions) {
      // the clock is read only when the window's admissions are spent
      if (this.now() < this.#windowEnds) return false;
      this.#admitted.clear();
      this.#windowEnds = this.now() + this.windowMs;
    }
    this.#admitted.add(text);
    return true;
  }

  clear(): void {
    this.#seen.clear();
    this.#admitted.clear();
  }
}
