import type { App } from "../core/app.ts";
import { type AppOptions, type BaseApp, createApp } from "../core/base-app.ts";
import { systemMigrations } from "../migrations/index.ts";
import type { AppFlags } from "./cli.ts";
import { databaseOpener, openBackupFile } from "./open-database.ts";

/** appOptionsFromFlags describes the app the command line's flags choose (on SQLite unless `--db` names PostgreSQL). */
export function appOptionsFromFlags(flags: AppFlags): AppOptions {
  const { queryTimeout, maxExpandRecords, maxExpandMiB } = flags;
  return {
    dataDir: flags.dir,
    isDev: flags.dev,
    openDatabase: databaseOpener({
      url: flags.db,
      ...(queryTimeout > 0 ? { queryTimeoutMs: queryTimeout * 1000 } : {}),
    }),
    openBackupFile,
    migrations: systemMigrations,
    expandLimits: {
      ...(maxExpandRecords > 0 ? { maxRecords: maxExpandRecords } : {}),
      ...(maxExpandMiB > 0 ? { maxBytes: maxExpandMiB * 1048576 } : {}),
    },
    encryptionEnv: flags.encryptionEnv,
    hookTimeout: Math.max(0, flags.hookTimeout) * 1000,
    // nodes sharing a PostgreSQL database must run one schema version
    ...(flags.bus ? { bus: flags.bus, strictSchemaVersion: flags.db !== "" } : {}),
  };
}

/** makeAppFromFlags builds the app the command line's flags describe (not yet bootstrapped). */
export function makeAppFromFlags(flags: AppFlags): BaseApp & App {
  return createApp(appOptionsFromFlags(flags));
}
