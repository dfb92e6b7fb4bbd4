import packageJson from "../package.json" with { type: "json" };
import { runCli } from "./cmd/cli.ts";
import { onProcessStopSignal, processIO } from "./cmd/process-io.ts";

/** The executable: build an app on the chosen engine (SQLite in the data directory, or PostgreSQL) and run the command line. */
const code = await runCli(process.argv.slice(2), {
  version: packageJson.version,
  io: processIO,
  // loaded on demand: `--help`, `--version` and usage errors answer without loading the app
  // a compiled executable's argv[1] is its own embedded entry: the arguments start after it either way
  workerCommand: [process.execPath, ...process.argv.slice(Bun.isStandaloneExecutable ? 2 : 1)],
  makeApp: async (flags) => (await import("./cmd/app-from-flags.ts")).makeAppFromFlags(flags),
  onStopSignal: onProcessStopSignal,
});
process.exit(code);
