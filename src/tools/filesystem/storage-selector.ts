import type { Filesystem } from "./filesystem.ts";
import { LocalFilesystem } from "./local.ts";
import { S3Filesystem, type S3Options } from "./s3.ts";

/** The storage settings: S3 when enabled, else the local folder. */
export interface StorageConfig extends S3Options {
  enabled: boolean;
}

/**
 * StorageSelector gives the filesystem the settings ask for: the local folder, or an S3 bucket whose client
 * is made once per distinct configuration (and replaced when the settings change).
 */
export class StorageSelector {
  readonly local: LocalFilesystem;
  #s3: { key: string; fs: S3Filesystem } | null = null;

  constructor(localRoot: string) {
    this.local = new LocalFilesystem(localRoot);
  }

  select(config: StorageConfig): Filesystem {
    if (!config.enabled) return this.local;
    const key = JSON.stringify([
      config.bucket,
      config.region,
      config.endpoint,
      config.accessKey,
      config.secret,
      config.forcePathStyle,
    ]);
    if (this.#s3?.key !== key) this.#s3 = { key, fs: new S3Filesystem(config) };
    return this.#s3.fs;
  }
}
