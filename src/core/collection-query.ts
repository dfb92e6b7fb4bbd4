import type { Queryable } from "../db/driver.ts";
import { ident, sql } from "../db/sql.ts";
import { Collection, type CollectionRow, type CollectionType } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";

export const collectionsTable = ident("_collections");

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
export async function loadCollections(db: Queryable): Promise<Collection[]> {
  const rows = await db.all<CollectionRow>(sql`SELECT * FROM ${collectionsTable} ORDER BY rowid ASC`);
  return rows.map((r) => Collection.fromRow(r));
}

/** findStoredCollection reads one collection by id straight from the database. */
export async function findStoredCollection(db: Queryable, id: string): Promise<Collection | null> {
  const row = await db.get<CollectionRow>(sql`SELECT * FROM ${collectionsTable} WHERE id = ${id}`);
  return row ? Collection.fromRow(row) : null;
}
