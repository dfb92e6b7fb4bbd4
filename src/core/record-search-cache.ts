import type { FilterGroup } from "../tools/search/filter-parser.ts";
import type { Token } from "../tools/search/filter-scanner.ts";
import { parseFilterCached } from "../tools/search/filter-sql.ts";
import type { SortField } from "../tools/search/sort.ts";
import type { Collection } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";
import type { RequestInfo } from "./request-event.ts";

/** Per collection version: a saved collection is a new object, so its old entries are dropped with it. */
const caches = new WeakMap<Collection, Map<string, unknown>>();
const maxEntriesPerCollection = 500;

/** What a filter or rule reads besides the record: request values, and whether it uses time macros. */
interface References {
  request: Set<string>;
  macros: boolean;
}

const referencesCache = new Map<string, References>();

function collectTokens(groups: readonly FilterGroup[], into: Token[]): void {
  for (const g of groups) {
    if (Array.isArray(g.item)) collectTokens(g.item, into);
    else {
      const e = g.item as { left: Token; right: Token };
      for (const t of [e.left, e.right]) {
        into.push(t);
        if (t.args) into.push(...t.args);
      }
    }
  }
}

/** references lists the `@request.<part>` roots and macros a filter text uses (parsed once per text). */
function references(text: string): References {
  let refs = referencesCache.get(text);
  if (refs) return refs;
  const tokens: Token[] = [];
  collectTokens(parseFilterCached(text), tokens);
  refs = { request: new Set(), macros: false };
  for (const t of tokens) {
    if (t.type !== "identifier" || !t.literal.startsWith("@")) continue;
    if (t.literal.startsWith("@request.")) refs.request.add(t.literal.split(".")[1]?.split(":")[0] ?? "");
    else if (!t.literal.startsWith("@collection.")) refs.macros = true;
  }
  if (referencesCache.size < 2000) referencesCache.set(text, refs);
  return refs;
}

/** readsNoRequest tells whether a rule's compiled query is the same for every request (false when malformed). */
export function readsNoRequest(rule: string): boolean {
  try {
    const refs = references(rule);
    return refs.request.size === 0 && !refs.macros;
  } catch {
    return false;
  }
}

/** The values of the request a compiled search depends on, as a key part. */
function requestKey(info: RequestInfo | null, roots: Set<string>): string {
  if (roots.size === 0) return "";
  const parts: unknown[] = [];
  for (const root of [...roots].sort()) {
    switch (root) {
      case "auth":
        // plain auth fields are read from the record, the others joined by its id
        parts.push(
          info?.auth
            ? [
                info.auth.collection.id,
                info.auth.id,
                info.auth.email(),
                info.auth.verified(),
                info.auth.getBool("emailVisibility"),
              ]
            : null,
        );
        break;
      case "query":
      case "headers":
        parts.push(info ? info[root] : null);
        break;
      case "method":
      case "context":
        parts.push(info ? info[root] : null);
        break;
      default:
        parts.push(null);
    }
  }
  return JSON.stringify(parts);
}

/**
 * joinableRules lists the list rules of the collections a client filter or sort on `base` can join into
 * (through relation fields, either way), whose conditions the compiled query then holds. Kept per collection
 * version: saving any collection replaces them all.
 */
export function joinableRules(base: Collection, collections: () => readonly Collection[]): readonly string[] {
  return cached(base, "\u0000joinableRules", () => {
    const all = collections();
    const reached = new Set<Collection>([base]);
    const queue = [base];
    for (let c = queue.pop(); c; c = queue.pop()) {
      const from = c;
      for (const other of all) {
        if (reached.has(other)) continue;
        const forward = from.fields.some((f) => f instanceof RelationField && f.collectionId === other.id);
        const back = other.fields.some((f) => f instanceof RelationField && f.collectionId === from.id);
        if (!forward && !back) continue;
        reached.add(other);
        queue.push(other);
      }
    }
    return [...reached].flatMap((c) => (c.listRule ? [c.listRule] : []));
  });
}

/**
 * searchCacheKey is the key of a compiled records query, or null when it isn't worth keeping (time macros,
 * request bodies). Rules and filters are parsed once per text anyway. joinedRules are the list rules of the
 * collections the filter may join into (joinableRules): what they read of the request is part of the key too.
 */
export function searchCacheKey(
  info: RequestInfo | null,
  superuser: boolean,
  rule: string | null | undefined,
  filter: string | undefined,
  sort: readonly SortField[] | undefined,
  joinedRules: readonly string[] = [],
): string | null {
  const texts = [!superuser && rule ? rule : "", filter ?? ""];
  const roots = new Set<string>();
  for (const text of [...texts, ...(superuser ? [] : joinedRules)]) {
    if (text === "") continue;
    let refs: References;
    try {
      refs = references(text);
    } catch {
      // malformed text: compile it for its error message
      return null;
    }
    // time macros change between requests; bodies rarely repeat and may hold whole uploads
    if (refs.macros || refs.request.has("body")) return null;
    for (const r of refs.request) roots.add(r);
  }
  const sortKey = (sort ?? []).map((f) => `${f.direction}${f.name}`).join(",");
  return `${superuser ? 1 : 0}\u0000${texts[0]}\u0000${texts[1]}\u0000${sortKey}\u0000${requestKey(info, roots)}`;
}

/** cached returns the entry for key in the collection's cache, computing and storing it when missing. */
export function cached<T>(collection: Collection, key: string, compute: () => T): T {
  let cache = caches.get(collection);
  if (!cache) {
    cache = new Map();
    caches.set(collection, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= maxEntriesPerCollection) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}
