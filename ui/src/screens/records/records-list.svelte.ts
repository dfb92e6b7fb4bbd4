import type PocketBase from "pocketbase";
import type { RecordSubscription } from "pocketbase";
import { SvelteSet } from "svelte/reactivity";
import { errorMessage, isAbort } from "../../api/errors.ts";
import type { CollectionModel, RecordJSON } from "../../api/wire.ts";

/** What the table shows: the filter as sent to the server, the sort, and the page. */
export interface ListQuery {
  filter: string;
  sort: string;
  page: number;
  perPage: number;
}

/** The sort of a table nobody sorted: newest first (views have no row order of their own). */
export function defaultSort(collection: CollectionModel): string {
  return collection.type === "view" ? "" : "-@rowid";
}

/** A record that just came through the realtime API stays highlighted this long. */
const highlightMs = 2500;

let instances = 0;

/**
 * RecordsList is one page of a collection's records as the table shows it, kept up to date through the
 * realtime API while it is open: records created, changed or deleted by anyone appear, change or go
 * away without a reload. It lists through the client it is given (a user's, for "view as").
 */
export class RecordsList {
  items = $state<RecordJSON[]>([]);
  totalItems = $state(0);
  totalPages = $state(0);
  loading = $state(false);
  loaded = $state(false);
  /** The server's refusal of the last list request ("" when it worked). */
  error = $state("");
  /** Whether realtime updates are flowing. */
  live = $state(false);
  /** The ids of the records the realtime API just added or changed. */
  highlighted = new SvelteSet<string>();
  /** The checked rows, by id. */
  selected = new SvelteSet<string>();
  /** A short message for screen readers about what changed live. */
  announcement = $state("");

  readonly #requestKey = `recordsList${++instances}`;
  #query: ListQuery | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  #subscriptionKey = "";
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly client: PocketBase,
    readonly collection: CollectionModel,
  ) {}

  /** expand asks for the records each relation points to, so the table can name them. */
  get expand(): string {
    return this.collection.fields
      .filter((f) => f.type === "relation")
      .map((f) => f.name)
      .join(",");
  }

  /** fields shortens rich text to an excerpt: the table shows a line of it. */
  get fields(): string {
    const editors = this.collection.fields.filter((f) => f.type === "editor").map((f) => `${f.name}:excerpt(200,true)`);
    return editors.length > 0 ? ["*", ...editors].join(",") : "";
  }

  async load(query: ListQuery): Promise<void> {
    this.#query = query;
    this.loading = true;
    try {
      const result = await this.client.collection(this.collection.name).getList(query.page, query.perPage, {
        filter: query.filter || undefined,
        sort: query.sort || undefined,
        expand: this.expand || undefined,
        fields: this.fields || undefined,
        requestKey: this.#requestKey,
      });
      this.items = result.items;
      this.totalItems = result.totalItems;
      this.totalPages = result.totalPages;
      this.error = "";
      for (const id of this.selected) if (!result.items.some((r) => r.id === id)) this.selected.delete(id);
      this.loading = false;
      this.loaded = true;
    } catch (err) {
      if (isAbort(err)) return;
      this.items = [];
      this.totalItems = 0;
      this.totalPages = 0;
      this.error = errorMessage(err);
      this.loading = false;
      this.loaded = true;
    }
  }

  /** reload lists the current page again. */
  reload(): Promise<void> {
    return this.#query ? this.load(this.#query) : Promise.resolve();
  }

  /**
   * follow subscribes to the collection's changes that match the filter (the server checks each event
   * against the filter and the client's rules), and stops following the previous filter.
   */
  async follow(filter: string): Promise<void> {
    const key = filter;
    if (this.#unsubscribe && this.#subscriptionKey === key) return;
    await this.stopFollowing();
    this.#subscriptionKey = key;
    try {
      const unsubscribe = await this.client.collection(this.collection.name).subscribe("*", (e) => this.#apply(e), {
        filter: filter || undefined,
        expand: this.expand || undefined,
        fields: this.fields || undefined,
      });
      // the filter may have changed while subscribing
      if (this.#subscriptionKey !== key) {
        await unsubscribe().catch(() => {});
        return;
      }
      this.#unsubscribe = unsubscribe;
      this.live = true;
    } catch {
      this.live = false;
    }
  }

  async stopFollowing(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    this.#subscriptionKey = "";
    this.live = false;
    if (unsubscribe) await unsubscribe().catch(() => {});
  }

  /** dispose ends the subscription and any request on its way (the screen is closing). */
  dispose(): void {
    this.client.cancelRequest(this.#requestKey);
    void this.stopFollowing();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  /** replace puts a saved record in place of its row (the record panel saved it). */
  replace(record: RecordJSON): void {
    const i = this.items.findIndex((r) => r.id === record.id);
    if (i >= 0) this.items[i] = { ...record, expand: record.expand ?? this.items[i]?.expand };
  }

  /** remove takes deleted records out of the page. */
  remove(ids: Iterable<string>): void {
    const gone = new Set(ids);
    const before = this.items.length;
    this.items = this.items.filter((r) => !gone.has(r.id));
    const removed = before - this.items.length;
    this.totalItems = Math.max(0, this.totalItems - removed);
    for (const id of gone) this.selected.delete(id);
  }

  #apply(e: RecordSubscription<RecordJSON>): void {
    const record = e.record;
    if (e.action === "delete") {
      if (this.items.some((r) => r.id === record.id)) {
        this.remove([record.id]);
        this.#announce(`Record ${record.id} was deleted.`);
      }
      return;
    }
    const i = this.items.findIndex((r) => r.id === record.id);
    if (i >= 0) {
      this.items[i] = record;
      this.#highlight(record.id);
      this.#announce(`Record ${record.id} was updated.`);
      return;
    }
    if (e.action !== "create") return;
    this.totalItems += 1;
    this.totalPages = Math.max(1, Math.ceil(this.totalItems / (this.#query?.perPage ?? 1)));
    if (this.#insert(record)) {
      this.#highlight(record.id);
      this.#announce(`Record ${record.id} was added.`);
    }
  }

  /**
   * insert puts a new record where the page's order puts it: on top for the newest-first order of the first
   * page, else between the rows its sort value falls between (not on this page when it falls outside).
   */
  #insert(record: RecordJSON): boolean {
    const query = this.#query;
    if (!query) return false;
    const sort = query.sort.split(",")[0]?.trim() ?? "";
    const perPage = query.perPage;
    if (sort === "-@rowid" || sort === "") {
      if (query.page !== 1) return false;
      this.items = [record, ...this.items].slice(0, perPage);
      return true;
    }
    const desc = sort.startsWith("-");
    const name = sort.replace(/^[-+]/, "");
    if (name.includes(".") || name.startsWith("@")) return false;
    const key = (r: RecordJSON) => sortKey(r[name]);
    const value = key(record);
    const before = (other: RecordJSON) => (desc ? compare(value, key(other)) > 0 : compare(value, key(other)) < 0);
    let at = this.items.findIndex(before);
    if (at < 0) {
      if (this.items.length >= perPage) return false;
      at = this.items.length;
    } else if (at === 0 && query.page > 1) {
      return false;
    }
    const next = [...this.items];
    next.splice(at, 0, record);
    this.items = next.slice(0, perPage);
    return this.items.includes(record);
  }

  #highlight(id: string): void {
    this.highlighted.add(id);
    const timer = setTimeout(() => {
      this.highlighted.delete(id);
      this.#timers.delete(timer);
    }, highlightMs);
    this.#timers.add(timer);
  }

  #announce(message: string): void {
    this.announcement = message;
  }
}

type SortValue = string | number;

function sortKey(value: unknown): SortValue {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value == null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
