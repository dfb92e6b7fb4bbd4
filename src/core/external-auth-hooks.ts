import { hasProvider } from "../tools/auth/registry.ts";
import { errRequired, ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { externalAuthsCollectionName, findAllExternalAuthsByRecord } from "./external-auth-query.ts";
import { refreshTokenKey } from "./record-save.ts";

/**
 * registerExternalAuthHooks binds the OAuth2 rules of `_externalAuths` (the references to the auth record
 * are checked, and cascade, as for the other record-ref system collections): a link names a known provider,
 * and a record whose email becomes verified loses the links made before, which also signs it out everywhere
 * (an account pre-registered by someone else can't keep an OAuth2 login).
 */
export function registerExternalAuthHooks(app: App): void {
  app.onRecordValidate(externalAuthsCollectionName).bind({
    id: "pbExternalAuthsRecordValidate",
    priority: 99,
    func: async (e) => {
      const provider = e.record.getString("provider");
      if (provider === "") throw new ValidationErrors({ provider: errRequired() });
      if (!hasProvider(provider))
        throw new ValidationErrors({ provider: new ValidationError("validation_in_invalid", "must be a valid value") });
      await e.next();
    },
  });

  app.onRecordUpdateExecute().bind({
    id: "pbExternalAuthsVerifiedUpgrade",
    priority: 99,
    func: async (e) => {
      const record = e.record;
      if (record.collection.type !== "auth" || record.original().verified() || !record.verified()) return e.next();
      const outer = e.app;
      try {
        await outer.runInTransaction(async (txApp) => {
          e.app = txApp;
          const links = await findAllExternalAuthsByRecord(txApp, record);
          if (links.length > 0) {
            for (const link of links) await txApp.delete(link);
            refreshTokenKey(record);
          }
          await e.next();
        });
      } finally {
        e.app = outer;
      }
    },
  });
}
