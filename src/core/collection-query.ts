import type { Dialect } from "../db/dialect.ts";
import type { Queryable } from "../db/driver.ts";
import { ident, join, raw, type Sql, sql } from "../db/sql.ts";
import { buildFilter } from "../tools/search/filter-sql.ts";
import type { FieldResolver, ResolverResult } from "../tools/search/resolver-result.ts";
import { maxSortFields, randomSortKey, rowidSortKey, type SortField } from "../tools/search/sort.ts";
import { Collection, type CollectionRow, type CollectionType, collectionsTableName } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";
import type { ListResult } from "./request-event.ts";

export const collectionsTable = ident(collectionsTableName);

/** CollectionsCache is an immutable snapshot of all collections, indexed by id and lower-cased name. */
export class CollectionsCache {
  readonly #byId = new Map<string, Collection>();
  readonly #byName = new Map<string, Collection>();
  readonly all: readonly Collection[];

  constructor(collections: readonly Collection[]) {
    this.all = collections;
    for (const c of collections) {
      this.#byId.set(c.id, c);
      this.#byName.set(c.name.toLowerCase(), c);
    }
  }

  /** find matches an id exactly or a name case-insensitively. */
  find(nameOrId: string): Collection | undefined {
    return this.#byId.get(nameOrId) ?? this.#byName.get(nameOrId.toLowerCase());
  }

  ofTypes(types: readonly CollectionType[]): Collection[] {
    return types.length === 0 ? [...this.all] : this.all.filter((c) => types.includes(c.type));
  }

  /** references lists, per collection, the relation fields pointing at the given collection. */
  references(target: Collection, excludeIds: readonly string[]): Map<Collection, string[]> {
    const out = new Map<Collection, string[]>();
    for (const c of this.all) {
      if (excludeIds.includes(c.id)) continue;
      const names = c.fields
        .filter((f) => f instanceof RelationField && f.collectionId === target.id)
        .map((f) => f.name);
      if (names.length > 0) out.set(c, names);
    }
    return out;
  }
}

/** loadCollections reads every collection from `_collections`, system ones first as stored. */
export async function loadCollections(db: Pick<Queryable, "dialect" | "all">): Promise<Collection[]> {
  const order = raw(db.dialect.insertionOrder(collectionsTableName));
  const rows = await db.all<CollectionRow>(sql`SELECT * FROM ${collectionsTable} ORDER BY ${order} ASC`);
  return rows.map((r) => Collection.fromRow(r));
}

/** findStoredCollection reads one collection by id straight from the database. */
export async function findStoredCollection(db: Queryable, id: string): Promise<Collection | null> {
  const row = await db.get<CollectionRow>(sql`SELECT * FROM ${collectionsTable} WHERE id = ${id}`);
  return row ? Collection.fromRow(row) : null;
}

/** findStoredCollectionByNameOrId reads one collection by id or name (case-insensitive) from the database. */
export async function findStoredCollectionByNameOrId(db: Queryable, nameOrId: string): Promise<Collection | null> {
  const row = await db.get<CollectionRow>(
    sql`SELECT * FROM ${collectionsTable} WHERE id = ${nameOrId} OR LOWER(name) = ${nameOrId.toLowerCase()} LIMIT 1`,
  );
  return row ? Collection.fromRow(row) : null;
}

/** The `_collections` columns a collections list can be filtered and sorted by. */
export const collectionListColumns: readonly string[] = ["id", "created", "updated", "name", "system", "type"];

/** InvalidCollectionListError is a filter or sort a collections list can't run. */
export class InvalidCollectionListError extends Error {}

/** What a collections list asks for: paging, an optional filter and sort over collectionListColumns. */
export interface CollectionListOptions {
  page: number;
  perPage: number;
  skipTotal: boolean;
  sort: readonly SortField[];
  filter?: string;
}

/** CollectionsFieldResolver resolves the filter identifiers of a collections list: its own columns only. */
class CollectionsFieldResolver implements FieldResolver {
  constructor(readonly dialect: Dialect) {}

  resolve(identifier: string): ResolverResult {
    if (!collectionListColumns.includes(identifier))
      throw new Error(`failed to resolve field ${JSON.stringify(identifier)}`);
    // what the column holds, for comparisons across types as SQLite makes them (Dialect.compare)
    const type = identifier === "system" ? "bool" : "text";
    return { sql: sql`${collectionsTable}.${ident(identifier)}`, type, column: true, notNull: true };
  }
}

function collectionsWhere(db: Queryable, filter: string): Sql | null {
  if (filter === "") return null;
  try {
    return buildFilter(filter, new CollectionsFieldResolver(db.dialect));
  } catch (err) {
    throw new InvalidCollectionListError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** The ORDER BY of a collections list: the sort, ties (and an unsorted list) in the order of creation. */
function collectionsOrderBy(db: Queryable, sort: readonly SortField[]): Sql {
  const created = raw(db.dialect.insertionOrder(collectionsTableName));
  if (sort.length === 0) return created;
  if (sort.length > maxSortFields)
    throw new InvalidCollectionListError(`too many sort expressions (max ${maxSortFields})`);
  return join(
    sort
      .map((f) => {
        if (f.name === randomSortKey) return raw(db.dialect.randomOrder());
        if (f.name === rowidSortKey) return raw(`${db.dialect.insertionOrder(collectionsTableName)} ${f.direction}`);
        if (collectionListColumns.includes(f.name))
          return sql`${collectionsTable}.${ident(f.name)} ${raw(f.direction)}`;
        throw new InvalidCollectionListError(`invalid sort field ${JSON.stringify(f.name)}`);
      })
      .concat(created),
    ", ",
  );
}

/**
 * listCollections reads one page of `_collections` (in the order of creation unless sorted); the count, skipped with
 * skipTotal (giving -1), uses the same filter.
 */
export async function listCollections(db: Queryable, opts: CollectionListOptions): Promise<ListResult<Collection>> {
  const filter = collectionsWhere(db, opts.filter ?? "");
  const orderBy = collectionsOrderBy(db, opts.sort);
  const where = filter ? sql` WHERE ${filter}` : raw("");
  const order = sql` ORDER BY ${orderBy}`;
  const offset = (opts.page - 1) * opts.perPage;
  const rows = await db.all<CollectionRow>(
    sql`SELECT * FROM ${collectionsTable}${where}${order} LIMIT ${opts.perPage} OFFSET ${offset}`,
  );
  let totalItems = -1;
  let totalPages = -1;
  if (!opts.skipTotal) {
    const count = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${collectionsTable}${where}`);
    totalItems = Number(count?.n ?? 0);
    totalPages = Math.ceil(totalItems / opts.perPage);
  }
  return {
    page: opts.page,
    perPage: opts.perPage,
    totalItems,
    totalPages,
    items: rows.map((r) => Collection.fromRow(r)),
  };
}
