import type { App } from "./app.ts";
import { authOriginsCollectionName, deleteAllAuthOriginsByRecord } from "./auth-origin-query.ts";
import { bindAfterPasswordChange, bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerAuthOriginHooks binds the system rules of `_authOrigins`: rows point at an existing auth record
 * and go away with it, and a password change forgets the known login origins (a failure there is only
 * logged: it must not undo the password change).
 */
export function registerAuthOriginHooks(app: App): void {
  bindRecordRefHooks(app, authOriginsCollectionName);

  bindAfterPasswordChange(app, "pbAuthOriginsPasswordChange", (e) =>
    deleteAllAuthOriginsByRecord(e.app, e.record).catch((err: unknown) =>
      e.app.logger().warn("failed to delete all previous auth origin fingerprints", {
        error: String(err),
        recordId: e.record.id,
        collectionId: e.record.collection.id,
      }),
    ),
  );
}
