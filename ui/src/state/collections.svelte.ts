import { pb } from "../api/client.ts";
import type { CollectionModel } from "../api/wire.ts";

/** The order collections are listed in: by name, the way the sidebar and pickers show them. */
function byName(a: CollectionModel, b: CollectionModel): number {
  return a.name.localeCompare(b.name);
}

/**
 * Every collection of the server, as the dashboard's screens share them: the collections sidebar, the
 * collection editor, the filter editor's autocomplete and the records screens read `collections.list`.
 * Screens that change collections hand the server's answer to `upsert()` / `remove()`, or `load()` again
 * after an import.
 */
class Collections {
  list = $state<CollectionModel[]>([]);
  loaded = $state(false);
  loading = $state(false);
  #inFlight: Promise<CollectionModel[]> | null = null;

  /** load reads every collection from the server (callers share a read on its way). */
  load(): Promise<CollectionModel[]> {
    this.loading = true;
    this.#inFlight ??= pb.collections
      .getFullList<CollectionModel>({ requestKey: null })
      .then((items) => {
        this.list = items.sort(byName);
        this.loaded = true;
        return items;
      })
      .finally(() => {
        this.#inFlight = null;
        this.loading = false;
      });
    return this.#inFlight;
  }

  /** ensureLoaded loads the collections unless they already are. */
  ensureLoaded(): Promise<CollectionModel[]> {
    return this.loaded ? Promise.resolve(this.list) : this.load();
  }

  /** find is the collection with this name or id (names are matched case-insensitively, as the server does). */
  find(nameOrId: string): CollectionModel | undefined {
    const lower = nameOrId.toLowerCase();
    return this.list.find((c) => c.id === nameOrId) ?? this.list.find((c) => c.name.toLowerCase() === lower);
  }

  /** upsert puts a saved collection in the list (replacing the one with its id). */
  upsert(collection: CollectionModel): void {
    this.list = [...this.list.filter((c) => c.id !== collection.id), collection].sort(byName);
  }

  /** remove takes a deleted collection out of the list. */
  remove(id: string): void {
    this.list = this.list.filter((c) => c.id !== id);
  }

  /** reset forgets the collections (on sign-out). */
  reset(): void {
    this.list = [];
    this.loaded = false;
  }
}

export const collections = new Collections();
