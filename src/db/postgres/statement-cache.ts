/**
 * StatementCache decides which statement texts run as named prepared statements. postgres.js keeps every
 * statement it prepares on each pooled connection until the connection closes, so preparing every text
 * (client filters make new ones without end) would grow the server's memory without bound. A text is
 * prepared from its second run while it is among the `capacity` most recently used; one-off texts run as
 * unnamed statements (same round trips, planned each time). Connections are also recycled after a while
 * (the driver's `maxLifetimeSeconds`), which drops what they prepared.
 */
export class StatementCache {
  readonly #seen = new Map<string, number>();

  constructor(readonly capacity: number) {}

  /** prepare records a run of text and says whether to run it prepared. */
  prepare(text: string): boolean {
    const runs = this.#seen.get(text);
    if (runs !== undefined) {
      // re-insert to mark it most recently used
      this.#seen.delete(text);
      this.#seen.set(text, runs + 1);
      return true;
    }
    this.#seen.set(text, 1);
    if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value as string);
    return false;
  }

  clear(): void {
    this.#seen.clear();
  }
}
