/** Filesystem is where record files live: the local data directory or an S3-compatible bucket. */
export interface Filesystem {
  /** upload writes data under key (a `/`-separated path), replacing what was there. */
  upload(key: string, data: Uint8Array): Promise<void>;
  /** read returns the bytes under key, or null when there is none. */
  read(key: string): Promise<Uint8Array | null>;
  exists(key: string): Promise<boolean>;
  /** delete removes one object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** deletePrefix removes every object under a `/`-ended prefix. */
  deletePrefix(prefix: string): Promise<void>;
}
