import type { App } from "./app.ts";
import type { RecordModel } from "./record-model.ts";
import { newRecordRef } from "./record-ref-hooks.ts";
import { createdMoreThanAgo, deleteAllByRecordRef, deleteCreatedBefore } from "./record-ref-query.ts";

/** The system collection of pending multi-factor logins: `collectionRef`, `recordRef`, `method`. */
export const mfasCollectionName = "_mfas";

/** newMfa builds (unsaved) an MFA session opened by a first successful authentication with `method`. */
export function newMfa(app: App, authRecord: RecordModel, method: string): RecordModel {
  const mfa = newRecordRef(app, mfasCollectionName, authRecord);
  mfa.set("method", method);
  return mfa;
}

/** findMfaById returns the MFA session with that id, or null. */
export function findMfaById(app: App, id: string): Promise<RecordModel | null> {
  return app.findRecordById(mfasCollectionName, id);
}

/** deleteAllMfasByRecord deletes every MFA session of an auth record. */
export function deleteAllMfasByRecord(app: App, authRecord: RecordModel): Promise<void> {
  return deleteAllByRecordRef(app, mfasCollectionName, authRecord);
}

/** deleteExpiredMfas deletes the MFA sessions older than their collection's `mfa.duration`. */
export function deleteExpiredMfas(app: App): Promise<void> {
  return deleteCreatedBefore(app, mfasCollectionName, (c) => c.auth.mfa.duration);
}

/** mfaHasExpired tells whether an MFA session was opened more than `durationSeconds` ago. */
export function mfaHasExpired(mfa: RecordModel, durationSeconds: number): boolean {
  return createdMoreThanAgo(mfa, durationSeconds);
}
