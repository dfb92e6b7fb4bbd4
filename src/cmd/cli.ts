import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import { defaultExpandLimits } from "../core/expand-limits.ts";
import { registerMigrations } from "../plugins/migratecmd/migratecmd.ts";
import { type CliIO, type Command, CommandError, type CommandInput, errorMessage, execute } from "./command.ts";
import { migrateCommand, migrateConfig, migrateFlags } from "./migrate-command.ts";
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
}

export interface CliContext {
  version: string;
  io: CliIO;
  /** Builds the app for a data directory (not bootstrapped). */
  makeApp(flags: AppFlags): Promise<BaseApp & App>;
  /** Calls listener on every stop request (SIGINT, SIGTERM) until the returned function is called. */
  onStopSignal(listener: (signal: string) => void): () => void;
}

/** rootCommand is the `satchel` command tree. */
export function rootCommand(ctx: CliContext): Command {
  const appFor = (input: CommandInput) =>
    ctx.makeApp({
      dir: input.flags.string("dir"),
      dev: input.flags.boolean("dev"),
      queryTimeout: input.flags.int("queryTimeout"),
      maxExpandRecords: input.flags.int("maxExpandRecords"),
      maxExpandMiB: input.flags.int("maxExpandMiB"),
      encryptionEnv: input.flags.string("encryptionEnv"),
    });
  // every command's app carries the plugins: migration files applied at start, automigrate
  const appWithPlugins = async (input: CommandInput) => {
    const app = await appFor(input);
    await registerMigrations(app, migrateConfig(input));
    return app;
  };
  const withApp: WithApp = async (input, fn) => {
    const app = await appWithPlugins(input);
    try {
      try {
        await app.bootstrap();
      } catch (err) {
        const dir = JSON.stringify(input.flags.string("dir"));
        throw new CommandError(`failed to open the data directory ${dir}: ${errorMessage(err)}`);
      }
      return await fn(app);
    } finally {
      await app.terminate();
    }
  };
  return {
    name: "satchel",
    summary: "Satchel CLI: a PocketBase-compatible realtime backend in one file",
    persistentFlags: [
      { name: "dir", kind: "string", default: "satchel_data", usage: "the Satchel data directory" },
      {
        name: "encryptionEnv",
        kind: "string",
        usage:
          "the env variable whose value of 32 characters will be used \nas encryption key for the app settings (default none)",
      },
      { name: "dev", kind: "boolean", usage: "enable dev mode, aka. printing logs to the console" },
      { name: "queryTimeout", kind: "int", default: "30", usage: "the default SELECT queries timeout in seconds" },
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
      ...migrateFlags,
      { name: "version", short: "v", kind: "boolean", usage: "version for satchel" },
    ],
    commands: [
      serveCommand({ makeApp: appWithPlugins, onStopSignal: ctx.onStopSignal }),
      superuserCommand(withApp),
      migrateCommand(withApp),
      typegenCommand(withApp),
    ],
  };
}

/** runCli runs one command line and returns the process exit code. */
export function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  return execute(rootCommand(ctx), argv, { io: ctx.io, version: ctx.version });
}
