import type { App } from "./app.ts";
import { deleteAllOtpsByRecord, otpsCollectionName } from "./otp-query.ts";
import { bindRecordRefHooks } from "./record-ref-hooks.ts";

/**
 * registerOtpHooks binds the system rules of `_otps`: rows point at an existing auth record and go away with
 * it, and a new token key (password or email change) deletes the record's pending OTPs, so that an OTP sent
 * before the change can't be used after it.
 */
export function registerOtpHooks(app: App): void {
  bindRecordRefHooks(app, otpsCollectionName);

  app.onRecordUpdateExecute().bind({
    id: "pbOtpsTokenKeyChange",
    priority: 99,
    func: async (e) => {
      if (e.record.collection.type !== "auth") return e.next();
      const before = e.record.original();
      await e.next();
      if (before.isNew() || before.tokenKey() === e.record.tokenKey()) return;
      try {
        await deleteAllOtpsByRecord(e.app, e.record);
      } catch (err) {
        throw new Error(
          `[${e.record.collection.name}] failed to delete all previous OTPs for record ${JSON.stringify(e.record.id)}: ${String(err)}`,
        );
      }
    },
  });
}
