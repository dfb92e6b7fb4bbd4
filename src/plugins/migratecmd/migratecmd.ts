import type { App } from "../../core/app.ts";

/**
 * The migratecmd plugin: migration files applied at every start, and automigrate (a file for each
 * collection change made through the API or the dashboard). Migration files live in `satchel_migrations/`
 * beside the data directory (or `--migrationsDir`), written in TypeScript: `export default migrate(up, down)`
 * (see api.ts). The `satchel migrate` command is cmd/migrate-command.ts.
 */

export interface MigrateConfig {
  /** The directory of the migration files. */
  dir: string;
  /** Write a migration file for each collection change made through the API. */
  automigrate: boolean;
}

export const migrationsHandlerId = "satchelMigrations";

/**
 * registerMigrations binds the plugin to an app: pending migration files are applied when the server
 * starts (a failing one stops the start, nothing of them applied), and with automigrate every collection
 * change through the API writes its file.
 */
export async function registerMigrations(app: App, config: MigrateConfig): Promise<void> {
  app.onServe().bind({
    id: migrationsHandlerId,
    // before any other onServe handler: they may count on the schema the migrations make
    priority: -100_000,
    func: async (e) => {
      const { applyAppMigrations } = await import("./operations.ts");
      await applyAppMigrations(e.app, config.dir);
      await e.next();
    },
  });
  if (config.automigrate) {
    const { bindAutomigrate } = await import("./automigrate.ts");
    bindAutomigrate(app, config.dir);
  }
}
