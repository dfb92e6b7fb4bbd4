import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { tempDirName } from "../core/base-backup.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { BackupUploadForm } from "../forms/backup-upload.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { receiveMultipartFile } from "../tools/router/multipart-file.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import { validationFailedMessage } from "./record-auth-helpers.ts";

/**
 * The largest backup an upload may carry (the whole multipart body): PocketBase sets no limit of its own;
 * ours matches the server's request body limit (`satchel serve`). A larger backup can be copied into the
 * backups folder (or bucket) directly.
 */
export const maxBackupUploadBytes = 1 << 30;

/**
 * backupUpload is `POST /api/backups/upload` (multipart `file`): the body is streamed to a scratch file
 * in the data directory, never held in memory, then checked (a zip, a free name) and stored among the
 * backups under the name the client gave it (204).
 */
export async function backupUpload(e: RequestEvent): Promise<Response> {
  const scratch = join(e.app.dataDir, tempDirName);
  const path = join(scratch, `pb_upload_${pseudorandomString(10)}`);
  try {
    await mkdir(scratch, { recursive: true });
    const received = await receiveMultipartFile(e.request, "file", path, maxBackupUploadBytes);
    const form = new BackupUploadForm(e.app);
    form.file = received && { name: received.name, path };
    const invalid = await form.validate();
    if (invalid) throw badRequest(validationFailedMessage, new ValidationErrors({ file: invalid }));
    await form.submit().catch((err: unknown) => {
      throw badRequest("Failed to upload backup.", err);
    });
    return e.noContent();
  } finally {
    await rm(path, { force: true });
  }
}
