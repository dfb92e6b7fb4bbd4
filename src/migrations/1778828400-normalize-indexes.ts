import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import { saveCollection } from "../core/collection-save.ts";
import type { Migration } from "../core/migrations-runner.ts";
import { buildIndex, type IndexDef, parseIndex } from "../db/index-sql.ts";

/**
 * PocketBase v0.38.1: every index of a (non-system, non-view) collection's table is listed in the
 * collection. An index the table has but the list lacks (left over by an earlier bug, or made outside the
 * app) is dropped, then listed again unless it repeats the auth collection's unique tokenKey/email index or
 * an index already listed under another name; each collection is then re-saved, which points its indexes at
 * its table name. Saved without validation: data PocketBase accepted must open here too.
 */
export const normalizeIndexesMigration: Migration = {
  file: "1778828400_normalize_indexes.go",
  async up(app: App): Promise<void> {
    for (const collection of app.findAllCollections()) {
      if (collection.system || collection.type === "view") continue;
      const stmt = app.db.dialect.tableIndexesSql(collection.name);
      const tableIndexes = await app.db.all<{ name: string; sql: string }>(stmt.text, stmt.params);
      if (tableIndexes.length === 0 && collection.indexes.length === 0) continue;
      const next = collection.clone();
      for (const unlisted of unlistedIndexes(next, tableIndexes)) {
        const built = buildIndex(unlisted);
        if (built === "") throw new Error(`failed to rebuild the index ${unlisted.indexName} of ${collection.name}`);
        await app.db.exec(app.db.dialect.dropIndexSql(unlisted.indexName));
        if (isAuthIdentityIndex(next, unlisted) || isListedUnderAnotherName(next, unlisted, built)) continue;
        next.indexes.push(built);
      }
      await saveCollection(app, next, false);
    }
  },
};

/** unlistedIndexes are the table's indexes whose names the collection doesn't list (case-insensitively). */
function unlistedIndexes(collection: Collection, tableIndexes: { name: string; sql: string }[]): IndexDef[] {
  const listed = collection.indexes.map((raw) => parseIndex(raw).indexName.toLowerCase()).filter((n) => n !== "");
  const out: IndexDef[] = [];
  for (const row of tableIndexes) {
    const idx = parseIndex(row.sql);
    idx.schemaName = "";
    idx.tableName = collection.name;
    if (!listed.includes(idx.indexName.toLowerCase())) out.push(idx);
  }
  return out;
}

/** An auth collection always lists its own unique tokenKey and email indexes: a second one goes. */
function isAuthIdentityIndex(collection: Collection, idx: IndexDef): boolean {
  if (collection.type !== "auth" || !idx.unique || idx.columns.length !== 1) return false;
  const column = idx.columns[0]?.name.toLowerCase();
  return column === "tokenkey" || column === "email";
}

function isListedUnderAnotherName(collection: Collection, idx: IndexDef, built: string): boolean {
  return collection.indexes.some((raw) => {
    const listed = parseIndex(raw);
    return (
      buildIndex({ ...listed, indexName: idx.indexName, schemaName: idx.schemaName, tableName: idx.tableName }) ===
      built
    );
  });
}
