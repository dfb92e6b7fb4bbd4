import type { App } from "./app.ts";
import { authOriginsCollectionName, deleteAllAuthOriginsByRecord } from "./auth-origin-query.ts";
import { bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerAuthOriginHooks binds the system rules of `_authOrigins`: rows point at an existing auth record
 * and go away with it, and a password change forgets the known login origins (a failure there is only
 * logged: it must not undo the password change).
 */
export function registerAuthOriginHooks(app: App): void {
  bindRecordRefHooks(app, authOriginsCollectionName);

  app.onRecordUpdate().bind({
    id: "pbAuthOriginsPasswordChange",
    priority: 99,
    func: async (e) => {
      if (e.record.collection.type !== "auth") return e.next();
      const hashBefore = e.record.original().getString("password:hash");
      await e.next();
      if (hashBefore === e.record.getString("password:hash")) return;
      await deleteAllAuthOriginsByRecord(e.app, e.record).catch((err: unknown) =>
        e.app.logger.warn("failed to delete all previous auth origin fingerprints", {
          error: String(err),
          recordId: e.record.id,
          collectionId: e.record.collection.id,
        }),
      );
    },
  });
}
