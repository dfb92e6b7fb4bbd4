import { ident, sql } from "../db/sql.ts";
import { badRequest } from "../tools/router/api-error.ts";
import type { App } from "./app.ts";
import type { CollectionEvent, RecordEvent } from "./events.ts";

export const superusersCollectionName = "_superusers";
export const installerEmail = "__pbinstaller@example.com";

/**
 * registerSuperuserHooks binds the system rules of `_superusers`: always verified, the last one can't be
 * deleted, creating a real superuser removes the installer placeholder, whose password can't be reset.
 */
export function registerSuperuserHooks(app: App): void {
  app.onRecordDelete(superusersCollectionName).bind({
    id: "pbSuperusersRecordDelete",
    priority: -99,
    func: async (e) => {
      const row = await e.app.db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${ident(superusersCollectionName)}`);
      if (Number(row?.n ?? 0) <= 1) throw badRequest("You can't delete the only existing superuser.");
      await e.next();
    },
  });

  const onSave = async (e: RecordEvent) => {
    e.record.set("verified", true);
    await e.next();
    if (e.type === "create" && e.record.email() !== installerEmail) {
      const installer = await e.app.findAuthRecordByEmail(superusersCollectionName, installerEmail);
      if (installer) {
        await e.app
          .delete(installer)
          .catch((err) => e.app.logger().warn("failed to delete the installer superuser", { error: String(err) }));
      }
    }
  };
  app
    .onRecordCreateExecute(superusersCollectionName)
    .bind({ id: "pbSuperusersRecordSaveExec", priority: -99, func: onSave });
  app
    .onRecordUpdateExecute(superusersCollectionName)
    .bind({ id: "pbSuperusersRecordSaveExec", priority: -99, func: onSave });

  // the installer placeholder has no mailbox: its password is never reset
  app.onMailerRecordPasswordResetSend(superusersCollectionName).bind({
    id: "pbSuperusersInstallerPasswordReset",
    func: async (e) => {
      if (e.record.email() === installerEmail) throw new Error("cannot reset the password for the installer superuser");
      await e.next();
    },
  });

  const onCollectionSave = async (e: CollectionEvent) => {
    const c = e.collection;
    c.name = superusersCollectionName;
    c.auth.oauth2.enabled = false;
    c.auth.oauth2.providers = [];
    c.auth.passwordAuth.enabled = true;
    if (c.auth.otp.enabled) c.auth.mfa.enabled = true;
    await e.next();
  };
  app
    .onCollectionCreateExecute(superusersCollectionName)
    .bind({ id: "pbSuperusersCollectionSaveExec", priority: 99, func: onCollectionSave });
  app
    .onCollectionUpdateExecute(superusersCollectionName)
    .bind({ id: "pbSuperusersCollectionSaveExec", priority: 99, func: onCollectionSave });
}
