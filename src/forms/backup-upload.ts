import type { App } from "../core/app.ts";
import { detectMimeType, mimeTypeMatches } from "../tools/filesystem/mime.ts";
import { errRequired, ValidationError } from "../tools/validation/validation.ts";

/** A backup received from the client, already on disk. */
export interface UploadedBackup {
  /** The name the client gave the file: the backup's key. */
  name: string;
  path: string;
}

const sniffLength = 3072;

/**
 * BackupUploadForm is `POST /api/backups/upload` (multipart `file`), checked as PocketBase does: the file
 * is required, must be a zip by its content, and its name must not be taken; the backup keeps the name
 * the client gave it.
 */
export class BackupUploadForm {
  file: UploadedBackup | null = null;

  constructor(readonly app: App) {}

  async validate(): Promise<ValidationError | null> {
    const file = this.file;
    if (!file) return errRequired();
    const head = await Bun.file(file.path).slice(0, sniffLength).bytes();
    if (!mimeTypeMatches(detectMimeType(head), "application/zip")) {
      return new ValidationError(
        "validation_invalid_mime_type",
        `${JSON.stringify(file.name.slice(0, 300))} mime type must be one of: application/zip.`,
      );
    }
    const exists = await this.app
      .backupsFilesystem()
      .exists(file.name)
      .catch(() => true);
    if (exists) {
      return new ValidationError(
        "validation_backup_name_exists",
        "Backup file with the specified name already exists.",
      );
    }
    return null;
  }

  /** submit stores the file among the backups under its name. */
  async submit(): Promise<void> {
    const file = this.file;
    if (!file) throw new Error("no file to upload");
    await this.app
      .backupsFilesystem()
      .uploadFile(file.name, file.path, { contentType: "application/zip", originalName: file.name });
  }
}
