import type { Database, Statement } from "bun:sqlite";

/** StatementCache keeps the most recently used prepared statements of one connection, by SQL text. */
export class StatementCache {
  readonly #map = new Map<string, Statement>();

  constructor(
    readonly db: Database,
    readonly capacity: number,
  ) {}

  get(text: string): Statement {
    const hit = this.#map.get(text);
    if (hit) {
      // re-insert to mark it most recently used
      this.#map.delete(text);
      this.#map.set(text, hit);
      return hit;
    }
    const stmt = this.db.prepare(text);
    this.#map.set(text, stmt);
    if (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.get(oldest)?.finalize();
      this.#map.delete(oldest);
    }
    return stmt;
  }

  /** clear finalizes every statement (before closing or after a schema change). */
  clear(): void {
    for (const s of this.#map.values()) s.finalize();
    this.#map.clear();
  }
}
