import type { PublicSettings } from "../../api/wire.ts";

/**
 * An S3 configuration as a settings screen edits it: the server never sends the secret, so it is in the
 * draft only once typed (saving without it keeps the stored one).
 */
export type S3Draft = PublicSettings["s3"] & { secret?: string };

/** The S3 buckets the server can test: the record files' and the backups'. */
export type S3Filesystem = "storage" | "backups";
