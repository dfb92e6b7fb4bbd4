import type { Collection } from "./collection-model.ts";

/**
 * CollectionsMemo keeps one value built from the collections (and from an `extra` key of whatever else it
 * depends on) until they change. The collections cache is replaced, never mutated, when a collection is
 * saved or deleted, so comparing the cached objects one by one tells a changed schema at once: the value
 * is never stale.
 */
export class CollectionsMemo<T> {
  #collections: readonly Collection[] | null = null;
  #extra = "";
  #value: T | undefined;

  /** get returns the kept value, or builds (and keeps) a new one when the collections or `extra` changed. */
  get(collections: readonly Collection[], extra: string, build: () => T): T {
    if (this.#value !== undefined && this.#extra === extra && sameObjects(this.#collections, collections)) {
      return this.#value;
    }
    const value = build();
    this.#collections = collections;
    this.#extra = extra;
    this.#value = value;
    return value;
  }
}

function sameObjects(a: readonly Collection[] | null, b: readonly Collection[]): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
