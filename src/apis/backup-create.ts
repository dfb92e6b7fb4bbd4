import { BackupBusyError } from "../core/base-backup.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { BackupCreateForm } from "../forms/backup-create.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import { readForm, validationFailedMessage } from "./record-auth-helpers.ts";

/** PocketBase's answer to a backup or restore asked for while another one runs (restore adds a period). */
export const busyMessage = "Try again later - another backup/restore process has already been started";

/**
 * backupCreate is `POST /api/backups {name?}`: the backup is made before the answer (204); its name is
 * generated when left out. A 400 while another backup or restore runs.
 */
export async function backupCreate(e: RequestEvent): Promise<Response> {
  if (e.app.activeBackup() !== null) throw badRequest(busyMessage);
  const form = new BackupCreateForm(e.app);
  form.name = (await readForm(e, { name: "string" }, true)).name;
  const invalid = await form.validate();
  if (invalid) throw badRequest(validationFailedMessage, new ValidationErrors({ name: invalid }));
  try {
    await e.app.createBackup(form.name);
  } catch (err) {
    if (err instanceof BackupBusyError) throw badRequest(busyMessage, err);
    throw badRequest("Failed to create backup.", err);
  }
  return e.noContent();
}
