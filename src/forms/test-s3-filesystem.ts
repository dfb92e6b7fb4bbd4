import type { App } from "../core/app.ts";
import { S3Filesystem } from "../tools/filesystem/s3.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import { inList, required, validateObject } from "../tools/validation/validation.ts";

/** The filesystems whose S3 settings can be tested. */
export const testS3Filesystems = ["storage", "backups"] as const;

/** TestS3Filesystem checks that the configured S3 bucket of the storage or the backups accepts writes, lists and deletes. */
export class TestS3Filesystem {
  /** "storage" (record files) or "backups". */
  filesystem = "";

  constructor(readonly app: App) {}

  validate() {
    return validateObject({ filesystem: this.filesystem }, { filesystem: [required, inList(...testS3Filesystems)] });
  }

  /**
   * submit validates the form (throwing ValidationErrors), then uploads a small object under a random prefix
   * and deletes that prefix again (which lists the bucket), throwing an Error that says which step failed.
   */
  async submit(): Promise<void> {
    this.validate().throwIfAny();
    const settings = this.app.settings();
    const config = this.filesystem === "backups" ? settings.backups.s3 : settings.s3;
    if (!config.enabled) throw new Error("S3 storage filesystem is not enabled");
    const fs = new S3Filesystem(config);
    const prefix = `pb_settings_test_${pseudorandomString(5)}`;
    const key = `${prefix}/test.txt`;
    try {
      await fs.upload(key, new TextEncoder().encode("test"));
    } catch (err) {
      throw new Error(`failed to upload a test file: [key: ${key}] ${errorMessage(err)}`);
    }
    try {
      await fs.deletePrefix(prefix);
    } catch (err) {
      throw new Error(`failed to delete a test file: ${errorMessage(err)}`);
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
