import type { App } from "./app.ts";
import { deleteAllMfasByRecord, mfasCollectionName } from "./mfa-query.ts";
import { bindAfterPasswordChange, bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerMfaHooks binds the system rules of `_mfas`: rows point at an existing auth record and go away with
 * it, and a password change deletes the record's pending MFA sessions.
 */
export function registerMfaHooks(app: App): void {
  bindRecordRefHooks(app, mfasCollectionName);

  bindAfterPasswordChange(app, "pbMfasPasswordChange", async (e) => {
    try {
      await deleteAllMfasByRecord(e.app, e.record);
    } catch (err) {
      throw new Error(
        `[${e.record.collection.name}] failed to delete all previous MFAs for record ${JSON.stringify(e.record.id)}: ${String(err)}`,
      );
    }
  });
}
