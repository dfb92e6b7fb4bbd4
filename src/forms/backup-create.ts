import type { App } from "../core/app.ts";
import { length, match, ValidationError, type ValidationErrors, validate } from "../tools/validation/validation.ts";

/** The names a backup may be created under (generated ones, `@auto_pb_backup_...`, are the app's own). */
export const backupNamePattern = /^[a-z0-9_-]+\.zip$/;

/**
 * BackupCreateForm is `POST /api/backups {name}`: an optional name of 1 to 150 characters of
 * `[a-z0-9_-]` ending in `.zip`, not taken yet (PocketBase's rules and messages).
 */
export class BackupCreateForm {
  name = "";

  constructor(readonly app: App) {}

  async validate(): Promise<ValidationError | ValidationErrors | null> {
    const invalid = validate(this.name, length(1, 150), match(backupNamePattern));
    if (invalid || this.name === "") return invalid;
    const exists = await this.app
      .backupsFilesystem()
      .exists(this.name)
      .catch(() => true);
    if (exists) {
      return new ValidationError("validation_backup_name_exists", "The backup file name is invalid or already exists.");
    }
    return null;
  }
}
