import type { App } from "./app.ts";
import type { RecordModel } from "./record-model.ts";
import { newRecordRef } from "./record-ref-hooks.ts";
import { deleteAllByRecordRef, findAllByRecordRef } from "./record-ref-query.ts";

/** The system collection of the places an auth record logged in from: `collectionRef`, `recordRef`, `fingerprint`. */
export const authOriginsCollectionName = "_authOrigins";

/** newAuthOrigin builds (unsaved) the origin of a login, identified by its fingerprint. */
export function newAuthOrigin(app: App, authRecord: RecordModel, fingerprint: string): RecordModel {
  const origin = newRecordRef(app, authOriginsCollectionName, authRecord);
  origin.set("fingerprint", fingerprint);
  return origin;
}

/** findAllAuthOriginsByRecord lists the login origins of an auth record, newest first. */
export function findAllAuthOriginsByRecord(app: App, authRecord: RecordModel): Promise<RecordModel[]> {
  return findAllByRecordRef(app, authOriginsCollectionName, authRecord);
}

/** deleteAllAuthOriginsByRecord deletes every login origin of an auth record. */
export function deleteAllAuthOriginsByRecord(app: App, authRecord: RecordModel): Promise<void> {
  return deleteAllByRecordRef(app, authOriginsCollectionName, authRecord);
}
