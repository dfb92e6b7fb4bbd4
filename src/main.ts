import packageJson from "../package.json" with { type: "json" };
import { runCli } from "./cmd/cli.ts";

const stopSignals = ["SIGINT", "SIGTERM"] as const;

/** The executable: build an app on SQLite for the chosen data directory and run the command line. */
const code = await runCli(process.argv.slice(2), {
  version: packageJson.version,
  io: {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    readLine: async () => {
      for await (const line of console) return line;
      return null;
    },
  },
  // loaded on demand: `--help`, `--version` and usage errors answer without loading the app
  makeApp: async ({ dir, dev, queryTimeout, maxExpandRecords, maxExpandMiB, encryptionEnv }) => {
    const [{ createApp }, { SqliteDriver }, { systemMigrations }] = await Promise.all([
      import("./core/base-app.ts"),
      import("./db/sqlite/driver.ts"),
      import("./migrations/index.ts"),
    ]);
    return createApp({
      dataDir: dir,
      isDev: dev,
      openDatabase: (path) => new SqliteDriver(path, queryTimeout > 0 ? { queryTimeoutMs: queryTimeout * 1000 } : {}),
      migrations: systemMigrations,
      expandLimits: {
        ...(maxExpandRecords > 0 ? { maxRecords: maxExpandRecords } : {}),
        ...(maxExpandMiB > 0 ? { maxBytes: maxExpandMiB * 1048576 } : {}),
      },
      encryptionEnv,
    });
  },
  onStopSignal: (listener) => {
    for (const s of stopSignals) process.on(s, listener);
    return () => {
      for (const s of stopSignals) process.off(s, listener);
    };
  },
});
process.exit(code);
