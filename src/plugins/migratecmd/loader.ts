import { resolve } from "node:path";
import type { Migration } from "../../core/migrations-runner.ts";
import { importBundledDefaults } from "../../tools/bundle/import-bundled.ts";
import * as api from "./api.ts";
import { listMigrationFiles } from "./files.ts";

/** The module specifier migration files import Satchel's migration API by. */
export const apiModule = "satchel/migrate";

/** Where the loaded bundles find the running app's API (the bundles are built apart from Satchel's code). */
const apiGlobal = Symbol.for("satchel.migrate");

/** MigrationLoadError is a migration file that could not be read, bundled or evaluated. */
export class MigrationLoadError extends Error {}

/**
 * loadMigrations reads the migration files of a directory, in name order. They are bundled together (so a
 * file may import its own helpers and packages from the directory's node_modules), then each bundle is
 * imported and its default export checked. Any failure names the file.
 */
export async function loadMigrations(migrationsDir: string): Promise<Migration[]> {
  const dir = resolve(migrationsDir);
  const files = await listMigrationFiles(dir);
  if (files.length === 0) return [];
  const loaded = await importBundledDefaults(
    dir,
    files,
    { specifier: apiModule, globalKey: apiGlobal, exports: api },
    {
      failed: (file, detail) =>
        new MigrationLoadError(
          file ? `failed to load migration ${file}: ${detail}` : `failed to load the migrations of ${dir}: ${detail}`,
        ),
      sameName: (first, second) => new MigrationLoadError(`migration files ${first} and ${second} have the same name`),
    },
  );
  return loaded.map(({ file, exported }): Migration => {
    if (!(exported instanceof api.MigrationDefinition)) {
      throw new MigrationLoadError(
        `failed to load migration ${file}: it must \`export default migrate(up, down)\` (migrate from "${apiModule}")`,
      );
    }
    const { up, down } = exported;
    return {
      file,
      up: async (txApp) => up(txApp),
      ...(down ? { down: async (txApp) => down(txApp) } : {}),
    };
  });
}
