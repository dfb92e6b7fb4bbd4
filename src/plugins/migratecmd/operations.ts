import type { App } from "../../core/app.ts";
import {
  applyMigrations,
  forgetAppliedMigrations,
  lastAppliedMigrations,
  MigrationError,
  revertMigrations,
} from "../../core/migrations-runner.ts";
import { listMigrationFiles } from "./files.ts";
import { loadMigrations, MigrationLoadError } from "./loader.ts";
import { snapshotTemplate } from "./templates.ts";

/**
 * What `satchel migrate` does, on a bootstrapped app (its system migrations applied). Only the files of
 * the migrations directory are reverted or forgotten: system migrations (named `*.go`, as PocketBase
 * names them) never are.
 */

/** isMigrationFailure tells a migration that failed to load, apply or revert (its message names the file). */
export function isMigrationFailure(err: unknown): boolean {
  return err instanceof MigrationError || err instanceof MigrationLoadError;
}

/** applyAppMigrations applies the directory's pending migrations in name order, all or none. */
export async function applyAppMigrations(app: App, dir: string): Promise<string[]> {
  return applyMigrations(app, await loadMigrations(dir));
}

/**
 * planRevert lists the last `count` applied migrations of the directory (all of them when count < 0) and
 * returns them with the function that reverts them, most recent first, all or none.
 */
export async function planRevert(
  app: App,
  dir: string,
  count: number,
): Promise<{ files: string[]; revert(): Promise<string[]> }> {
  const migrations = await loadMigrations(dir);
  const limit = count < 0 ? migrations.length : count;
  return {
    files: await lastAppliedMigrations(app, migrations, limit),
    revert: () => revertMigrations(app, migrations, limit),
  };
}

/** collectionsSnapshot is the file of `migrate collections`: every collection, oldest first. */
export function collectionsSnapshot(app: App): string {
  const collections = app.findAllCollections().map((c, i) => ({ c, i }));
  collections.sort((a, b) => a.c.created.localeCompare(b.c.created) || a.i - b.i);
  return snapshotTemplate(collections.map(({ c }) => c));
}

/** syncHistory forgets the applied app migrations whose file is gone and returns them. */
export async function syncHistory(app: App, dir: string): Promise<string[]> {
  const files = new Set(await listMigrationFiles(dir));
  return forgetAppliedMigrations(app, (file) => !file.endsWith(".go") && !files.has(file));
}
