import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import { defaultExpandLimits } from "../core/expand-limits.ts";
import { registerHooks } from "../plugins/hooks/hooks.ts";
import { registerMigrations } from "../plugins/migratecmd/migratecmd.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { joinServingCluster } from "./cluster-join.ts";
import {
  type CliIO,
  type Command,
  CommandError,
  type CommandInput,
  errorMessage,
  execute,
  type FlagSpec,
  type Flags,
} from "./command.ts";
import { hooksConfig, hooksFlags } from "./hooks-flags.ts";
import { migrateCommand, migrateConfig, migrateFlags } from "./migrate-command.ts";
import { migrateDataCommand } from "./migrate-data-command.ts";
import { databaseUrlEnv } from "./open-database.ts";
import { serveCommand } from "./serve-command.ts";
import { superuserCommand, type WithApp } from "./superuser-command.ts";
import { typegenCommand } from "./typegen-command.ts";

export type { CliIO } from "./command.ts";

/** What the command line chooses about the app. */
export interface AppFlags {
  dir: string;
  dev: boolean;
  /** How long a request's SELECTs may run together, in seconds (0 or less: PocketBase's 30). */
  queryTimeout: number;
  /** The most expanded records in one response (0 or less: the default). */
  maxExpandRecords: number;
  /** The most MiB of expanded records in one response (0 or less: the default). */
  maxExpandMiB: number;
  /** The environment variable holding the settings encryption key ("" for none). */
  encryptionEnv: string;
  /** How long (seconds) a hook handler may hold its chain before its request fails (0: no limit). */
  hookTimeout: number;
  /** The PostgreSQL database's URL (`--db`, else SATCHEL_DATABASE_URL), or "" for SQLite in the data directory. */
  db: string;
  /** The bus to the other processes of the cluster (a worker of `serve --workers`; none when alone). */
  bus?: ClusterBus;
}

export interface CliContext {
  version: string;
  io: CliIO;
  /** Builds the app for a data directory (not bootstrapped). */
  makeApp(flags: AppFlags): Promise<BaseApp & App>;
  /** Calls listener on every stop request (SIGINT, SIGTERM) until the returned function is called. */
  onStopSignal(listener: (signal: string) => void): () => void;
  /** The command line starting this program again with the same arguments (`serve --workers`; absent: no workers). */
  workerCommand?: readonly string[];
  /** Other defaults for the app's flags than Satchel's own (the command line still overrides them). */
  flagDefaults?: FlagDefaults;
}

/** Defaults a program embedding Satchel may give the app's flags. */
export type FlagDefaults = Partial<Omit<AppFlags, "bus">>;

/** The flags every command has that choose about the app (AppFlags). */
export const appFlagSpecs: readonly FlagSpec[] = [
  { name: "dir", kind: "string", default: "satchel_data", usage: "the Satchel data directory" },
  {
    name: "encryptionEnv",
    kind: "string",
    usage:
      "the env variable whose value of 32 characters will be used \nas encryption key for the app settings (default none)",
  },
  {
    name: "db",
    kind: "string",
    usage: `a postgres://user:pass@host:port/database URL: keep the data in PostgreSQL \ninstead of SQLite files in --dir (default $${databaseUrlEnv}, else SQLite)`,
  },
  { name: "dev", kind: "boolean", usage: "enable dev mode, aka. printing logs to the console" },
  { name: "queryTimeout", kind: "int", default: "30", usage: "the default SELECT queries timeout in seconds" },
  {
    name: "hookTimeout",
    kind: "int",
    default: "30",
    usage: "how long in seconds a hook handler may hold its chain before its request fails (0: no limit)",
  },
  {
    name: "maxExpandRecords",
    kind: "int",
    default: String(defaultExpandLimits.maxRecords),
    usage: "the most expanded records in one response",
  },
  {
    name: "maxExpandMiB",
    kind: "int",
    default: String(defaultExpandLimits.maxBytes / 1048576),
    usage: "the most MiB of expanded records in one response",
  },
];

/** appFlagsOf reads AppFlags from parsed flags. */
export function appFlagsOf(flags: Flags): AppFlags {
  return {
    dir: flags.string("dir"),
    dev: flags.boolean("dev"),
    queryTimeout: flags.int("queryTimeout"),
    maxExpandRecords: flags.int("maxExpandRecords"),
    maxExpandMiB: flags.int("maxExpandMiB"),
    encryptionEnv: flags.string("encryptionEnv"),
    hookTimeout: flags.int("hookTimeout"),
    db: flags.string("db") || (process.env[databaseUrlEnv] ?? ""),
  };
}

/** withDefaults gives flags other defaults (a program embedding Satchel chooses its own). */
export function withDefaults(specs: readonly FlagSpec[], defaults: FlagDefaults | undefined): FlagSpec[] {
  return specs.map((spec) => {
    const value = defaults?.[spec.name as keyof FlagDefaults];
    return value === undefined ? spec : { ...spec, default: typeof value === "number" ? String(value) : value };
  });
}

/** rootCommand is the `satchel` command tree. */
export function rootCommand(ctx: CliContext): Command {
  const appFor = (input: CommandInput, bus?: ClusterBus) =>
    ctx.makeApp({ ...appFlagsOf(input.flags), ...(bus ? { bus } : {}) });
  // every command's app carries the plugins: migration files applied at start, automigrate, hook files
  const appWithPlugins = async (input: CommandInput, bus?: ClusterBus) => {
    const app = await appFor(input, bus);
    await registerMigrations(app, migrateConfig(input));
    await registerHooks(app, hooksConfig(input));
    return app;
  };
  // a command's app joins the processes serving the same data, if any: they learn what it changes
  const withApp: WithApp = async (input, fn) => {
    const { db, dir } = appFlagsOf(input.flags);
    const bus = await joinServingCluster(db, dir, (m) => ctx.io.err(`${m}\n`)).catch((err: unknown) => {
      throw new CommandError(`failed to join the cluster on this database: ${errorMessage(err)}`);
    });
    try {
      const app = await appWithPlugins(input, bus ?? undefined);
      try {
        try {
          await app.bootstrap();
        } catch (err) {
          throw new CommandError(`failed to open the data directory ${JSON.stringify(dir)}: ${errorMessage(err)}`);
        }
        return await fn(app);
      } finally {
        await app.terminate();
      }
    } finally {
      await bus?.close();
    }
  };
  return {
    name: "satchel",
    summary: "Satchel CLI: a PocketBase-compatible realtime backend in one file",
    persistentFlags: [
      ...withDefaults(appFlagSpecs, ctx.flagDefaults),
      ...migrateFlags,
      ...hooksFlags,
      { name: "version", short: "v", kind: "boolean", usage: "version for satchel" },
    ],
    commands: [
      serveCommand({
        makeApp: appWithPlugins,
        onStopSignal: ctx.onStopSignal,
        ...(ctx.workerCommand ? { workerCommand: ctx.workerCommand } : {}),
      }),
      superuserCommand(withApp),
      migrateCommand(withApp),
      migrateDataCommand(),
      typegenCommand(withApp),
    ],
  };
}

/** runCli runs one command line and returns the process exit code. */
export function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  return execute(rootCommand(ctx), argv, { io: ctx.io, version: ctx.version });
}
