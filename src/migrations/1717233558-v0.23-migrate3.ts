import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import { collectionsTable } from "../core/collection-query.ts";
import { saveCollection } from "../core/collection-save.ts";
import { RelationField } from "../core/field-relation.ts";
import { crc32Checksum } from "../core/fields-list.ts";
import type { Migration } from "../core/migrations-runner.ts";
import { ident, join, sql } from "../db/sql.ts";

const systemCollections = ["_mfas", "_otps", "_externalAuths", "_authOrigins", "_superusers"];
/** The system tables whose records point at an auth collection by id. */
const collectionRefTables = ["_mfas", "_otps", "_externalAuths", "_authOrigins"];

/**
 * From PocketBase's v0.23 release candidates: the system collections get their fixed ids (`pbc_` and the
 * crc32 of type and name) and their system fields theirs (type and the crc32 of the name). What pointed at
 * an old collection id follows it: relation fields and the `collectionRef` of the system records. (PocketBase
 * means to move both; its loop skips the relation fields, and `_externalAuths`, which we move too.)
 */
export const v023Migration3: Migration = {
  file: "1717233558_v0.23_migrate3.go",
  async up(app: App): Promise<void> {
    for (const name of systemCollections) {
      const collection = app.findCachedCollectionByNameOrId(name);
      if (!collection) continue;
      const normalized = withChecksumIds(collection);
      if (!normalized) continue;
      await storeUnderNewId(app, collection.id, normalized);
      if (normalized.id !== collection.id) await moveReferences(app, collection, normalized.id);
    }
  },
};

/** withChecksumIds returns a copy with the fixed collection and system field ids, or null when it has them. */
function withChecksumIds(collection: Collection): Collection | null {
  const next = collection.clone();
  let changed = false;
  if (next.id !== next.idChecksum()) {
    next.id = next.idChecksum();
    changed = true;
  }
  for (const field of next.fields) {
    const id = field.type + crc32Checksum(field.name);
    if (!field.system || field.id === id) continue;
    field.id = id;
    changed = true;
  }
  return changed ? next : null;
}

/** storeUnderNewId rewrites the collection's row in place (its table and indexes stay as they are). */
async function storeUnderNewId(app: App, oldId: string, next: Collection): Promise<void> {
  const row = next.dbRow();
  const sets = Object.entries(row).map(([column, value]) => sql`${ident(column)} = ${value ?? null}`);
  await app.db.run(sql`UPDATE ${collectionsTable} SET ${join(sets, ", ")} WHERE id = ${oldId}`);
  await app.reloadCachedCollections();
}

async function moveReferences(app: App, old: Collection, newId: string): Promise<void> {
  for (const [referencing] of app.findCollectionReferences(old, old.id)) {
    const current = app.findCachedCollectionByNameOrId(referencing.id);
    if (!current) continue;
    const next = current.clone();
    for (const field of next.fields) {
      if (field instanceof RelationField && field.collectionId === old.id) field.collectionId = newId;
    }
    await saveCollection(app, next, false);
  }
  for (const table of collectionRefTables) {
    if (!(await app.hasTable(table))) continue;
    await app.db.run(
      sql`UPDATE ${ident(table)} SET ${ident("collectionRef")} = ${newId} WHERE ${ident("collectionRef")} = ${old.id}`,
    );
  }
}
