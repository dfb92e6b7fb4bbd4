/**
 * Which engine the app's databases live on: SQLite files in the data directory (the default), or one
 * PostgreSQL database named by `--db` / SATCHEL_DATABASE_URL, where the app's tables live in the URL's
 * schema (`?schema=`, else the user's current schema, usually `public`) and the logs in a schema of their
 * own beside it (`<schema>_logs`, or `satchel_logs`). Files stay in the data directory's storage (or S3).
 */
import { basename } from "node:path";
import type { Driver } from "../db/driver.ts";
import { openPostgres } from "../db/postgres/driver.ts";
import { SqliteDriver } from "../db/sqlite/driver.ts";

/** The environment variable naming the PostgreSQL database when `--db` is left out. */
export const databaseUrlEnv = "SATCHEL_DATABASE_URL";

export interface DatabaseChoice {
  /** A postgres:// URL, or "" for SQLite files in the data directory. */
  url: string;
  /** How long a request's reads may take together, in milliseconds (undefined: the driver's default). */
  queryTimeoutMs?: number;
  /** How long a SQL console script may run, in milliseconds (undefined: the driver's default). */
  scriptTimeoutMs?: number;
}

/** The file name the app opens for its logs database (the other one is data.db). */
const auxiliaryFile = "auxiliary.db";

/** logsSchema names the schema of the logs beside the app's own schema. */
export function logsSchema(schema: string | null): string {
  return schema === null ? "satchel_logs" : `${schema}_logs`;
}

/**
 * databaseOpener returns the app's `openDatabase`: it gets the path of `data.db` or `auxiliary.db` in the
 * data directory and opens that file on SQLite, or the matching schema on PostgreSQL.
 */
export function databaseOpener(choice: DatabaseChoice): (path: string) => Driver | Promise<Driver> {
  const timeout = {
    ...(choice.queryTimeoutMs !== undefined ? { queryTimeoutMs: choice.queryTimeoutMs } : {}),
    ...(choice.scriptTimeoutMs !== undefined ? { scriptTimeoutMs: choice.scriptTimeoutMs } : {}),
  };
  if (choice.url === "") return (path) => new SqliteDriver(path, timeout);
  let schema: string | null = null;
  try {
    schema = new URL(choice.url).searchParams.get("schema") || null;
  } catch {
    // openPostgres words the bad URL
  }
  return (path) =>
    basename(path) === auxiliaryFile
      ? openPostgres(choice.url, { ...timeout, schema: logsSchema(schema), ownerTable: "_logs" })
      : openPostgres(choice.url, { ...timeout, ownerTable: "_migrations" });
}

/** openBackupFile opens a database file of a backup (SQLite, as PocketBase writes them), whatever the app's engine. */
export function openBackupFile(path: string): Driver {
  return new SqliteDriver(path);
}
