import { ident, sql } from "../db/sql.ts";
import type { App } from "./app.ts";
import { superusersCollectionName } from "./record-model-superusers.ts";
import { newMailClient } from "./settings-mail-client.ts";

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function alertHtml(appName: string, details: string): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8" /><meta name="viewport" content="width=device-width,initial-scale=1" /></head>
<body style="font-family: sans-serif; font-size: 14px; line-height: 20px; color: #16161a; padding: 20px 30px">
  <p>${escapeHtml(appName)} system alert occurred:</p>
  <p style="padding: 15px; background: #e4e8ec; border-radius: 5px; white-space: pre-wrap"><strong>${escapeHtml(details)}</strong></p>
  <p>For more information you could explore the logs in the dashboard of your application.</p>
</body>
</html>`;
}

/**
 * sendSystemAlertToAllSuperusers mails every superuser that something the server did on its own failed
 * (an automatic backup), as PocketBase does: subject `[<app name> system alert] <subject>`. Every superuser
 * is tried; the failures are thrown together afterwards.
 */
export async function sendSystemAlertToAllSuperusers(app: App, subject: string, details: string): Promise<void> {
  const rows = await app.db.all<{ email: string }>(
    sql`SELECT ${ident("email")} AS email FROM ${ident(superusersCollectionName)}`,
  );
  const meta = app.settings().meta;
  const client = newMailClient(app);
  const failures: unknown[] = [];
  for (const { email } of rows) {
    await client
      .send({
        from: { name: meta.senderName, address: meta.senderAddress },
        to: [{ address: email }],
        subject: `[${meta.appName} system alert] ${escapeHtml(subject)}`,
        html: alertHtml(meta.appName, details),
      })
      .catch((err: unknown) => failures.push(err));
  }
  if (failures.length > 0) throw new AggregateError(failures, "failed to send the system alerts");
}
