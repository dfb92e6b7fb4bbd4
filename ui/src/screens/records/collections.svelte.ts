import { pb } from "../../api/client.ts";
import type { CollectionModel } from "../../api/wire.ts";

/** A read of the collections this recent is reused (a screen and its pickers ask at about the same time). */
const reuseMs = 2000;

/**
 * The collections, as the records screens need them: the open collection's fields, and those of the
 * collections its relations point to (their records' summaries, the relation picker).
 */
class Collections {
  list = $state<CollectionModel[]>([]);
  #inFlight: Promise<CollectionModel[]> | null = null;
  #readAt = 0;

  /** load reads every collection (sharing a read on its way or made in the last moments). */
  load(): Promise<CollectionModel[]> {
    if (this.list.length > 0 && Date.now() - this.#readAt < reuseMs) return Promise.resolve(this.list);
    this.#inFlight ??= pb.collections
      .getFullList<CollectionModel>({ requestKey: null, sort: "name" })
      .then((list) => {
        this.list = list;
        this.#readAt = Date.now();
        return list;
      })
      .finally(() => {
        this.#inFlight = null;
      });
    return this.#inFlight;
  }

  /** find is the collection with this id or name among those read. */
  find(idOrName: string): CollectionModel | undefined {
    return this.list.find((c) => c.id === idOrName || c.name === idOrName);
  }
}

export const collections = new Collections();
