import packageJson from "../../package.json" with { type: "json" };
import type { App } from "../core/app.ts";
import { BaseApp } from "../core/base-app.ts";
import type { Migration } from "../core/migrations-runner.ts";
import type { MigrationDefinition } from "../plugins/migratecmd/api.ts";
import { appOptionsFromFlags } from "./app-from-flags.ts";
import { type AppFlags, appFlagSpecs, appFlagsOf, type FlagDefaults, runCli, withDefaults } from "./cli.ts";
import { Flags } from "./command.ts";
import { onProcessStopSignal, processIO } from "./process-io.ts";

/**
 * Satchel as a library: a program makes the app with createApp, binds its hooks, routes and jobs in code,
 * then runs the command line with `app.start()`, as a Go program does with PocketBase. The app is made at
 * once, so its data directory and the other app flags are read from the command line ahead of the rest.
 */

/** What a program chooses about its app. Each is only a default: the matching flag overrides it. */
export interface CreateAppOptions {
  /** The data directory (`--dir`; default "satchel_data" in the working directory). */
  dataDir?: string;
  /** Dev mode: every log printed, hook and migration files watched (`--dev`). */
  dev?: boolean;
  /** How long a request's SELECT queries may run, in seconds (`--queryTimeout`; default 30). */
  queryTimeout?: number;
  /** The environment variable holding the settings encryption key (`--encryptionEnv`). */
  encryptionEnv?: string;
  /** How long in seconds a hook handler may hold its chain before its request fails (`--hookTimeout`; 0: no limit). */
  hookTimeout?: number;
  /** The command line (default `process.argv.slice(2)`, e.g. `serve --http=0.0.0.0:8090`). */
  args?: readonly string[];
  /** What `--version` prints (default Satchel's version). */
  version?: string;
  /**
   * The program's migrations, by name (`{ "1_posts": migrate(up, down) }`), applied in name order at every
   * start after Satchel's own, each once and in its own transaction; they live in the executable, so
   * `migrate down` doesn't revert them (migration files in satchel_migrations/ load as well).
   */
  migrations?: Readonly<Record<string, MigrationDefinition>>;
}

/** The app of a program embedding Satchel. */
export interface SatchelApp extends App {
  /**
   * start runs the command line (`serve`, `superuser`, `migrate`, `typegen`; `--help` lists them) on this
   * app and resolves with the exit code once the command ends (for `serve`: after SIGINT or SIGTERM).
   */
  start(): Promise<number>;
}

/** readAppFlags picks the app's flags out of a command line, leaving the rest (and its errors) to the CLI. */
export function readAppFlags(args: readonly string[], defaults: FlagDefaults): AppFlags {
  const specs = withDefaults(appFlagSpecs, defaults);
  const flags = new Flags(specs);
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? "";
    if (token === "--") break;
    if (!token.startsWith("--")) continue;
    const eq = token.indexOf("=");
    const spec = specs.find((s) => s.name === token.slice(2, eq >= 0 ? eq : undefined));
    if (!spec) continue;
    let raw: string | true = true;
    if (eq >= 0) raw = token.slice(eq + 1);
    else if (spec.kind !== "boolean") raw = args[++i] ?? "";
    try {
      flags.assign(spec, raw);
    } catch {
      // a bad value: the command line reports it when it parses the flags
    }
  }
  return appFlagsOf(flags);
}

class LibraryApp extends BaseApp implements SatchelApp {
  protected readonly cliArgs: readonly string[];
  protected readonly flagDefaults: FlagDefaults;
  protected readonly version: string;

  constructor(args: readonly string[], defaults: FlagDefaults, version: string, migrations: readonly Migration[]) {
    const options = appOptionsFromFlags(readAppFlags(args, defaults));
    super({ ...options, migrations: [...options.migrations, ...migrations] });
    this.cliArgs = args;
    this.flagDefaults = defaults;
    this.version = version;
  }

  start(): Promise<number> {
    return runCli(this.cliArgs, {
      version: this.version,
      io: processIO,
      makeApp: async () => this,
      onStopSignal: onProcessStopSignal,
      flagDefaults: this.flagDefaults,
    });
  }
}

/**
 * createApp makes the app of a program embedding Satchel, on SQLite, not yet started: bind hooks
 * (`app.onRecordCreate(...)`), routes (`app.onServe` with `e.router`) and jobs (`app.cron().add(...)`), then
 * `process.exit(await app.start())`. Hook and migration files beside the data directory load as well.
 */
export function createApp(options: CreateAppOptions = {}): SatchelApp {
  const defaults: FlagDefaults = {
    ...(options.dataDir !== undefined ? { dir: options.dataDir } : {}),
    ...(options.dev !== undefined ? { dev: options.dev } : {}),
    ...(options.queryTimeout !== undefined ? { queryTimeout: options.queryTimeout } : {}),
    ...(options.encryptionEnv !== undefined ? { encryptionEnv: options.encryptionEnv } : {}),
    ...(options.hookTimeout !== undefined ? { hookTimeout: options.hookTimeout } : {}),
  };
  const migrations = Object.entries(options.migrations ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([file, { up, down }]): Migration => ({
        file,
        up: async (txApp) => up(txApp),
        ...(down ? { down: async (txApp: App) => down(txApp) } : {}),
      }),
    );
  const args = options.args ?? process.argv.slice(2);
  return new LibraryApp(args, defaults, options.version ?? packageJson.version, migrations);
}
