import type { App } from "../core/app.ts";
import { defaultAuthAlertTemplate } from "../core/collection-auth-templates.ts";
import { saveCollection } from "../core/collection-save.ts";
import type { Migration } from "../core/migrations-runner.ts";

/** The login alert body PocketBase shipped as its default before v0.33 (without the `{ALERT_INFO}` line). */
const previousDefaultBody =
  "<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location.</p>\n<p>If this was you, you may disregard this email.</p>\n<p><strong>If this wasn't you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";

/** PocketBase v0.33: auth collections still on the previous default login alert get the current default. */
export const updateDefaultAuthAlertTemplatesMigration: Migration = {
  file: "1763020353_update_default_auth_alert_templates.go",
  async up(app: App): Promise<void> {
    for (const collection of app.findAllCollections("auth")) {
      if (collection.auth.authAlert.emailTemplate.body !== previousDefaultBody) continue;
      const next = collection.clone();
      next.auth.authAlert.emailTemplate.body = defaultAuthAlertTemplate.body;
      await saveCollection(app, next, false);
    }
  },
};
