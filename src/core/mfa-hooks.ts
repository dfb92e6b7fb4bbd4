import type { App } from "./app.ts";
import { deleteAllMfasByRecord, mfasCollectionName } from "./mfa-query.ts";
import { bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerMfaHooks binds the system rules of `_mfas`: rows point at an existing auth record and go away with
 * it, and a password change deletes the record's pending MFA sessions.
 */
export function registerMfaHooks(app: App): void {
  bindRecordRefHooks(app, mfasCollectionName);

  app.onRecordUpdate().bind({
    id: "pbMfasPasswordChange",
    priority: 99,
    func: async (e) => {
      if (e.record.collection.type !== "auth") return e.next();
      const hashBefore = e.record.original().getString("password:hash");
      await e.next();
      if (hashBefore === e.record.getString("password:hash")) return;
      try {
        await deleteAllMfasByRecord(e.app, e.record);
      } catch (err) {
        throw new Error(
          `[${e.record.collection.name}] failed to delete all previous MFAs for record ${JSON.stringify(e.record.id)}: ${String(err)}`,
        );
      }
    },
  });
}
