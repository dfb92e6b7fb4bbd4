import type { App } from "../core/app.ts";
import type { Migration } from "../core/migrations-runner.ts";

/**
 * PocketBase's upgrade of a data directory made before v0.23 (admins, the old collection schema and
 * settings) into the v0.23 layout. Satchel doesn't convert such a directory: it stops with a way forward.
 * A directory that already has the v0.23 tables (every new one, PocketBase's or ours) passes unchanged.
 */
export const v023Migration: Migration = {
  file: "1717233556_v0.23_migrate.go",
  async up(app: App): Promise<void> {
    if ((await app.hasTable("_mfas")) && (await app.hasTable("_authOrigins"))) return;
    throw new Error(
      "the data directory was made by PocketBase before v0.23: start PocketBase v0.23 or later on it once to upgrade it, then open it with Satchel",
    );
  },
};
