import { ident, sql } from "../db/sql.ts";
import { errRequired, ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import type { RecordEvent } from "./events.ts";
import { RecordModel } from "./record-model.ts";
import { findAllByCollectionRef, findAllByRecordRef } from "./record-ref-query.ts";

/** The priority of the record-ref system handlers (late, so user handlers wrap them). */
const recordRefHooksPriority = 99;

/**
 * bindRecordRefHooks binds the rules of a system collection whose rows point at an auth record through
 * `collectionRef` and `recordRef`: both must name an existing auth collection and record, and the rows go
 * away, in the same transaction, with the record or the collection they point at.
 */
export function bindRecordRefHooks(app: App, collectionName: string): void {
  app.onRecordValidate(collectionName).bind({
    id: `pbRecordRefValidate_${collectionName}`,
    priority: recordRefHooksPriority,
    func: async (e) => {
      const collectionId = e.record.getString("collectionRef");
      const collectionErr = checkCollectionRef(e.app, collectionId);
      if (collectionErr) throw new ValidationErrors({ collectionRef: collectionErr });
      const recordErr = await checkRecordRef(e.app, collectionId, e.record.getString("recordRef"));
      if (recordErr) throw new ValidationErrors({ recordRef: recordErr });
      await e.next();
    },
  });

  app.onCollectionDeleteExecute().bind({
    id: `pbRecordRefCollectionDelete_${collectionName}`,
    priority: recordRefHooksPriority,
    func: async (e) => {
      if (e.collection.name === collectionName || e.collection.type !== "auth") return e.next();
      const collectionId = e.collection.id;
      const outer = e.app;
      try {
        await outer.runInTransaction(async (txApp) => {
          e.app = txApp;
          await e.next();
          for (const row of await findAllByCollectionRef(txApp, collectionName, collectionId)) await txApp.delete(row);
        });
      } finally {
        e.app = outer;
      }
    },
  });

  app.onRecordDeleteExecute().bind({
    id: `pbRecordRefRecordDelete_${collectionName}`,
    priority: recordRefHooksPriority,
    func: async (e) => {
      const c = e.record.collection;
      if (c.name === collectionName || c.type !== "auth") return e.next();
      const outer = e.app;
      try {
        await outer.runInTransaction(async (txApp) => {
          e.app = txApp;
          await e.next();
          for (const row of await findAllByRecordRef(txApp, collectionName, e.record)) await txApp.delete(row);
        });
      } finally {
        e.app = outer;
      }
    },
  });
}

function checkCollectionRef(app: App, id: string): ValidationError | null {
  if (id === "") return errRequired();
  const c = app.findCachedCollectionByNameOrId(id);
  if (c?.id !== id) return new ValidationError("validation_invalid_collection_id", "Missing or invalid collection.");
  if (c.type !== "auth")
    return new ValidationError("validation_invalid_collection_type", "Invalid collection type - must be auth.");
  return null;
}

async function checkRecordRef(app: App, collectionId: string, id: string): Promise<ValidationError | null> {
  if (id === "") return errRequired();
  const c = app.findCachedCollectionByNameOrId(collectionId);
  if (!c) return new ValidationError("validation_invalid_collection", "Missing or invalid collection.");
  const row = await app.db.get(sql`SELECT 1 AS x FROM ${ident(c.name)} WHERE ${ident("id")} = ${id} LIMIT 1`);
  return row ? null : new ValidationError("validation_invalid_record", "Missing or invalid record.");
}

/** newRecordRef builds a new row of a record-ref collection pointing at an auth record. */
export function newRecordRef(app: App, collectionName: string, authRecord: RecordModel): RecordModel {
  const c = app.findCachedCollectionByNameOrId(collectionName);
  if (!c) throw new Error(`missing system collection ${collectionName}`);
  const row = new RecordModel(c);
  row.set("collectionRef", authRecord.collection.id);
  row.set("recordRef", authRecord.id);
  return row;
}

/**
 * bindAfterPasswordChange runs `fn` once an auth record's update that changed its password has been saved
 * (what a failure of `fn` means is up to it: thrown, it fails the update).
 */
export function bindAfterPasswordChange(app: App, id: string, fn: (e: RecordEvent) => Promise<void>): void {
  app.onRecordUpdate().bind({
    id,
    priority: recordRefHooksPriority,
    func: async (e) => {
      if (e.record.collection.type !== "auth") return e.next();
      const hashBefore = e.record.original().getString("password:hash");
      await e.next();
      if (hashBefore !== e.record.getString("password:hash")) await fn(e);
    },
  });
}
