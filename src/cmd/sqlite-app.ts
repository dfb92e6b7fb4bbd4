import type { App } from "../core/app.ts";
import { type AppOptions, type BaseApp, createApp } from "../core/base-app.ts";
import { SqliteDriver } from "../db/sqlite/driver.ts";
import { systemMigrations } from "../migrations/index.ts";
import type { AppFlags } from "./cli.ts";

/** sqliteAppOptions describes the app the command line's flags choose, on SQLite. */
export function sqliteAppOptions(flags: AppFlags): AppOptions {
  const { queryTimeout, maxExpandRecords, maxExpandMiB } = flags;
  return {
    dataDir: flags.dir,
    isDev: flags.dev,
    openDatabase: (path) => new SqliteDriver(path, queryTimeout > 0 ? { queryTimeoutMs: queryTimeout * 1000 } : {}),
    migrations: systemMigrations,
    expandLimits: {
      ...(maxExpandRecords > 0 ? { maxRecords: maxExpandRecords } : {}),
      ...(maxExpandMiB > 0 ? { maxBytes: maxExpandMiB * 1048576 } : {}),
    },
    encryptionEnv: flags.encryptionEnv,
    hookTimeout: Math.max(0, flags.hookTimeout) * 1000,
    ...(flags.bus ? { bus: flags.bus } : {}),
  };
}

/** makeSqliteApp builds the app the command line's flags describe, on SQLite (not yet bootstrapped). */
export function makeSqliteApp(flags: AppFlags): BaseApp & App {
  return createApp(sqliteAppOptions(flags));
}
