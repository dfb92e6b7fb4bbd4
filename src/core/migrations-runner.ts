import { ident, sql } from "../db/sql.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { migrationsTableSql } from "./system-tables.ts";

/** A migration: `up` runs once, inside a transaction, and is recorded under `file` in `_migrations`. */
export interface Migration {
  file: string;
  up(txApp: App): Promise<void>;
  /** Undoes up (`migrate down`); without it, reverting only forgets the migration. */
  down?(txApp: App): Promise<void>;
  /** Whether to run an applied migration again (the aux tables, when `auxiliary.db` was deleted). */
  reapplyIf?(app: App): Promise<boolean>;
}

const migrationsTable = ident("_migrations");

/**
 * runMigrations applies the migrations not yet recorded in `_migrations`, in order, each in its own
 * transaction. Names follow PocketBase's, so an existing PocketBase data directory counts as migrated.
 */
export async function runMigrations(app: App, migrations: readonly Migration[]): Promise<string[]> {
  await app.db.exec(migrationsTableSql(app.db.dialect));
  const rows = await app.db.all<{ file: string }>(sql`SELECT file FROM ${migrationsTable}`);
  const applied = new Set(rows.map((r) => r.file));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.file) && !(await m.reapplyIf?.(app))) continue;
    await app.runInTransaction(async (txApp) => {
      await m.up(txApp);
      const micros = Date.now() * 1000;
      if (applied.has(m.file)) {
        await txApp.db.run(sql`UPDATE ${migrationsTable} SET applied = ${micros} WHERE file = ${m.file}`);
      } else {
        await txApp.db.run(sql`INSERT INTO ${migrationsTable} (file, applied) VALUES (${m.file}, ${micros})`);
      }
    });
    ran.push(m.file);
  }
  return ran;
}

/**
 * checkSystemMigrationsKnown fails when the database records system migrations (PocketBase names them
 * `<time>_<name>.go`) that aren't in the list: a newer version migrated it, and this one would run on a
 * schema it doesn't know.
 */
export async function checkSystemMigrationsKnown(app: App, migrations: readonly Migration[]): Promise<void> {
  await ensureMigrationsTable(app);
  const known = new Set(migrations.map((m) => m.file));
  const rows = await app.db.all<{ file: string }>(sql`SELECT file FROM ${migrationsTable}`);
  const unknown = rows.map((r) => r.file).filter((f) => f.endsWith(".go") && !known.has(f));
  if (unknown.length === 0) return;
  throw new Error(
    `the database was migrated by a newer version of Satchel (system migration ${unknown.sort().join(", ")} unknown to this one): run the same version on every node`,
  );
}

/** An applied migration as `_migrations` records it (applied: Unix time, in seconds or microseconds). */
interface AppliedRow {
  file: string;
  applied: number | string;
}

async function ensureMigrationsTable(app: App): Promise<void> {
  await app.db.exec(migrationsTableSql(app.db.dialect));
}

/** recordAppliedMigration stores a migration as applied now (in microseconds, as PocketBase does). */
export async function recordAppliedMigration(app: App, file: string): Promise<void> {
  await app.db.run(sql`INSERT INTO ${migrationsTable} (file, applied) VALUES (${file}, ${Date.now() * 1000})`);
}

/**
 * applyMigrations applies the migrations not yet recorded, in order, all in one transaction: when one
 * throws, none of them stays applied and the error names its file.
 */
export async function applyMigrations(app: App, migrations: readonly Migration[]): Promise<string[]> {
  await ensureMigrationsTable(app);
  const rows = await app.db.all<{ file: string }>(sql`SELECT file FROM ${migrationsTable}`);
  const applied = new Set(rows.map((r) => r.file));
  const pending = migrations.filter((m) => !applied.has(m.file));
  if (pending.length === 0) return [];
  await app.runInTransaction(async (txApp) => {
    for (const m of pending) {
      try {
        await m.up(txApp);
      } catch (err) {
        throw new MigrationError(`failed to apply migration ${m.file}`, err);
      }
      await recordAppliedMigration(txApp, m.file);
    }
  });
  return pending.map((m) => m.file);
}

/**
 * lastAppliedMigrations lists up to `limit` of the given migrations that are recorded as applied, the most
 * recently applied first (seconds and microseconds compared alike, ties by file name).
 */
export async function lastAppliedMigrations(
  app: App,
  migrations: readonly Migration[],
  limit: number,
): Promise<string[]> {
  await ensureMigrationsTable(app);
  const known = new Set(migrations.map((m) => m.file));
  const rows = await app.db.all<AppliedRow>(sql`SELECT file, applied FROM ${migrationsTable}`);
  const key = (r: AppliedRow) => String(r.applied).padEnd(16, "0").slice(0, 16);
  return rows
    .filter((r) => known.has(r.file))
    .sort((a, b) => key(b).localeCompare(key(a)) || b.file.localeCompare(a.file))
    .slice(0, Math.max(0, limit))
    .map((r) => r.file);
}

/**
 * revertMigrations reverts the last `count` applied migrations of the list, the most recent first, all in
 * one transaction, and forgets them.
 */
export async function revertMigrations(app: App, migrations: readonly Migration[], count: number): Promise<string[]> {
  const files = await lastAppliedMigrations(app, migrations, count);
  if (files.length === 0) return [];
  const byFile = new Map(migrations.map((m) => [m.file, m]));
  await app.runInTransaction(async (txApp) => {
    for (const file of files) {
      try {
        await byFile.get(file)?.down?.(txApp);
      } catch (err) {
        throw new MigrationError(`failed to revert migration ${file}`, err);
      }
      await txApp.db.run(sql`DELETE FROM ${migrationsTable} WHERE file = ${file}`);
    }
  });
  return files;
}

/** forgetAppliedMigrations deletes the `_migrations` rows the predicate picks and returns their files. */
export async function forgetAppliedMigrations(app: App, pick: (file: string) => boolean): Promise<string[]> {
  await ensureMigrationsTable(app);
  const rows = await app.db.all<{ file: string }>(sql`SELECT file FROM ${migrationsTable}`);
  const files = rows.map((r) => r.file).filter(pick);
  if (files.length === 0) return [];
  await app.runInTransaction(async (txApp) => {
    for (const file of files) await txApp.db.run(sql`DELETE FROM ${migrationsTable} WHERE file = ${file}`);
  });
  return files;
}

/** MigrationError is a migration that failed: the message names its file, `cause` is what it threw. */
export class MigrationError extends Error {
  constructor(context: string, cause: unknown) {
    super(`${context}: ${describeCause(cause)}`, { cause });
  }
}

/** describeCause is an error's message; validation errors list each key's message, as Go's ozzo prints them. */
function describeCause(err: unknown): string {
  if (err instanceof ValidationErrors) return `${validationText(err)}.`;
  return err instanceof Error ? err.message : String(err);
}

function validationText(errs: ValidationErrors): string {
  return Object.keys(errs.errors)
    .sort()
    .map((k) => {
      const e = errs.errors[k];
      return `${k}: ${e instanceof ValidationErrors ? `(${validationText(e)}.)` : e?.message}`;
    })
    .join("; ");
}
