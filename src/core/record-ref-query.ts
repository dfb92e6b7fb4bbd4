import { ident, sql } from "../db/sql.ts";
import { formatDateTime } from "../tools/types/datetime.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RecordModel } from "./record-model.ts";

/**
 * The queries shared by the system collections that point at an auth record through `collectionRef` and
 * `recordRef` (`_otps`, `_mfas`, `_authOrigins`, `_externalAuths`). Lists come newest first.
 */

function refCollection(app: App, name: string): Collection {
  const c = app.findCachedCollectionByNameOrId(name);
  if (!c) throw new Error(`missing system collection ${name}`);
  return c;
}

/** findAllByRecordRef lists the rows of `name` that belong to an auth record, newest first. */
export async function findAllByRecordRef(app: App, name: string, authRecord: RecordModel): Promise<RecordModel[]> {
  const c = refCollection(app, name);
  const rows = await app.db.all<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(c.name)} WHERE ${ident("collectionRef")} = ${authRecord.collection.id} AND ${ident("recordRef")} = ${authRecord.id} ORDER BY ${ident("created")} DESC`,
  );
  return rows.map((row) => new RecordModel(c, row));
}

/** findAllByCollectionRef lists the rows of `name` that belong to any record of a collection, newest first. */
export async function findAllByCollectionRef(app: App, name: string, collectionId: string): Promise<RecordModel[]> {
  const c = refCollection(app, name);
  const rows = await app.db.all<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(c.name)} WHERE ${ident("collectionRef")} = ${collectionId} ORDER BY ${ident("created")} DESC`,
  );
  return rows.map((row) => new RecordModel(c, row));
}

/**
 * deleteAllByRecordRef deletes (through the hooks) every row of `name` that belongs to an auth record; the
 * failures are joined into one error after trying them all.
 */
export async function deleteAllByRecordRef(app: App, name: string, authRecord: RecordModel): Promise<void> {
  const failures: unknown[] = [];
  for (const row of await findAllByRecordRef(app, name, authRecord)) {
    await app.delete(row).catch((err: unknown) => failures.push(err));
  }
  if (failures.length > 0) throw new AggregateError(failures, `failed to delete ${failures.length} ${name} row(s)`);
}

/**
 * deleteCreatedBefore deletes (through the hooks) the rows of `name` of every auth collection that are older
 * than that collection's `maxAgeSeconds`. Collections whose feature is disabled are cleaned too, so no stale
 * row outlives a switch back on.
 */
export async function deleteCreatedBefore(
  app: App,
  name: string,
  maxAgeSeconds: (collection: Collection) => number,
): Promise<void> {
  const c = refCollection(app, name);
  for (const collection of app.findAllCollections("auth")) {
    const minValid = formatDateTime(new Date(Date.now() - maxAgeSeconds(collection) * 1000));
    const rows = await app.db.all<Record<string, unknown>>(
      sql`SELECT * FROM ${ident(c.name)} WHERE ${ident("collectionRef")} = ${collection.id} AND ${ident("created")} < ${minValid}`,
    );
    for (const row of rows) await app.delete(new RecordModel(c, row));
  }
}

/** createdMoreThanAgo tells whether a row's `created` date is more than `seconds` in the past. */
export function createdMoreThanAgo(row: RecordModel, seconds: number): boolean {
  const created = Date.parse(row.getString("created").replace(" ", "T"));
  if (Number.isNaN(created)) return true;
  return Date.now() - created > seconds * 1000;
}
