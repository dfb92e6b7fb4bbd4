import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dirFiles } from "../../tools/filesystem/dir-files.ts";

/** isMigrationFile tells the files of a migrations directory that are migrations (.ts and .js, not .d.ts). */
export function isMigrationFile(name: string): boolean {
  return /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts");
}

/** listMigrationFiles returns the migration files of a directory in name order (none when it doesn't exist). */
export function listMigrationFiles(dir: string): Promise<string[]> {
  return dirFiles(dir, isMigrationFile);
}

/** A timestamp prefix as PocketBase writes it: Unix seconds, ten digits until the year 2286. */
const timestampPrefix = /^(\d{10})_/;

/**
 * newMigrationFileName names a new migration `<unix seconds>_<action>.ts`, later than every timestamped
 * file already in the directory, so that files made within one second still run in the order they were made.
 */
export async function newMigrationFileName(dir: string, action: string): Promise<string> {
  let seconds = Math.floor(Date.now() / 1000);
  for (const file of await listMigrationFiles(dir)) {
    const m = timestampPrefix.exec(file);
    if (m) seconds = Math.max(seconds, Number(m[1]) + 1);
  }
  return `${seconds}_${action}.ts`;
}

/** writeNewMigration writes a new file (never over an existing one) and returns its path. */
export async function writeNewMigration(dir: string, file: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  try {
    await writeFile(path, content, { flag: "wx" });
  } catch (err) {
    // a partly written file must not stay behind to run at the next start
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") await rm(path, { force: true });
    throw err;
  }
  return path;
}

/**
 * actionName is a collection's name for a file name; a trailing "test" or "spec" gets an "_" so that test
 * runners (`*_test.ts`, `*_spec.ts`) never pick a migration up.
 */
export function actionName(action: string, collectionName: string): string {
  return /(test|spec)$/i.test(collectionName) ? `${action}_${collectionName}_` : `${action}_${collectionName}`;
}
