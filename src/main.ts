import packageJson from "../package.json" with { type: "json" };
import { runCli } from "./cmd/cli.ts";
import { createApp } from "./core/base-app.ts";
import { SqliteDriver } from "./db/sqlite/driver.ts";
import { systemMigrations } from "./migrations/index.ts";

/** The executable: build an app on SQLite for the chosen data directory and run the command line. */
const code = await runCli(process.argv.slice(2), {
  version: packageJson.version,
  io: {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  },
  makeApp: (dir, dev) =>
    createApp({
      dataDir: dir,
      isDev: dev,
      openDatabase: (path) => new SqliteDriver(path),
      migrations: systemMigrations,
    }),
  stopSignal: () =>
    new Promise((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    }),
});
process.exit(code);
