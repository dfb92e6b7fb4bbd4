import { parseArgs } from "node:util";
import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import { serve } from "./serve.ts";
import { CommandError, createSuperuser, deleteSuperuser, updateSuperuser, upsertSuperuser } from "./superuser.ts";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  version: string;
  io: CliIO;
  /** Builds the app for a data directory (not bootstrapped). */
  makeApp(dir: string, dev: boolean): BaseApp & App;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>;
}

const globalFlags = {
  dir: { type: "string", default: "satchel_data" },
  dev: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "v", default: false },
} as const;

const rootHelp = `Satchel: a PocketBase-compatible realtime backend in one file.

Usage:
  satchel [command]

Commands:
  serve       Starts the web server (default to 127.0.0.1:8090 if no --http flag is set)
  superuser   Manages superusers

Flags:
      --dir string   the data directory (default "satchel_data")
      --dev          enable dev mode (prints logs to the console)
  -h, --help         help for satchel
  -v, --version      version for satchel

Use "satchel [command] --help" for more information about a command.
`;

const serveHelp = `Starts the web server (default to 127.0.0.1:8090 if no --http flag is set)

Usage:
  satchel serve [flags]

Flags:
      --http string      TCP address to listen for the HTTP server (default "127.0.0.1:8090")
      --origins string   CORS allowed domain origins list, comma separated (default "*")
      --dir string       the data directory (default "satchel_data")
      --dev              enable dev mode (prints logs to the console)
  -h, --help             help for serve
`;

const superuserHelp = `Manages superusers

Usage:
  satchel superuser [command]

Commands:
  upsert EMAIL PASSWORD   Creates, or updates the password of, a superuser
  create EMAIL PASSWORD   Creates a new superuser
  update EMAIL PASSWORD   Changes the password of an existing superuser
  delete EMAIL            Deletes an existing superuser

Flags:
      --dir string   the data directory (default "satchel_data")
  -h, --help         help for superuser
`;

/** runCli runs one command line and returns the process exit code. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "";
  const rest = command ? argv.slice(1) : argv;
  try {
    switch (command) {
      case "":
        return rootCommand(rest, ctx);
      case "serve":
        return await serveCommand(rest, ctx);
      case "superuser":
        return await superuserCommand(rest, ctx);
      default:
        io.err(`Error: unknown command "${command}" for "satchel"\nRun 'satchel --help' for usage.\n`);
        return 1;
    }
  } catch (err) {
    if (
      err instanceof CommandError ||
      (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function rootCommand(args: string[], ctx: CliContext): number {
  const { values } = parseArgs({ args, options: globalFlags, allowPositionals: false });
  if (values.version) {
    ctx.io.out(`satchel version ${ctx.version}\n`);
    return 0;
  }
  ctx.io.out(rootHelp);
  return 0;
}

async function serveCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...globalFlags,
      http: { type: "string", default: "127.0.0.1:8090" },
      origins: { type: "string", default: "*" },
    },
    allowPositionals: true,
  });
  if (values.help || values.version) {
    ctx.io.out(values.help ? serveHelp : `satchel version ${ctx.version}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new CommandError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const app = ctx.makeApp(values.dir, values.dev);
  const origins = values.origins
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  let running: Awaited<ReturnType<typeof serve>>;
  try {
    running = await serve(app, { http: values.http, origins });
  } catch (err) {
    await app.terminate().catch(() => {});
    const message = err instanceof Error ? err.message : String(err);
    throw new CommandError(`failed to start the server: ${message}`);
  }
  ctx.io.out(
    `Server started at ${running.url}\n├─ REST API:  ${running.url}/api/\n└─ Dashboard: ${running.url}/_/ (not included in this build yet)\n`,
  );
  const signal = await ctx.stopSignal();
  ctx.io.out(`Received ${signal}, shutting down...\n`);
  await running.stop();
  return 0;
}

async function superuserCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: globalFlags, allowPositionals: true });
  const [sub, email = "", password = ""] = positionals;
  if (values.help || values.version || !sub) {
    ctx.io.out(values.version ? `satchel version ${ctx.version}\n` : superuserHelp);
    return 0;
  }
  const needsPassword = sub !== "delete";
  const expected = needsPassword ? 3 : 2;
  if (!["upsert", "create", "update", "delete"].includes(sub))
    throw new CommandError(`unknown command "${sub}" for "satchel superuser"`);
  if (positionals.length !== expected) {
    throw new CommandError(
      `"satchel superuser ${sub}" takes ${needsPassword ? "EMAIL PASSWORD" : "EMAIL"} (${expected - 1} arguments), got ${positionals.length - 1}`,
    );
  }
  const app = ctx.makeApp(values.dir, values.dev);
  await app.bootstrap();
  try {
    switch (sub) {
      case "upsert":
        await upsertSuperuser(app, email, password);
        break;
      case "create":
        await createSuperuser(app, email, password);
        break;
      case "update":
        await updateSuperuser(app, email, password);
        break;
      case "delete":
        await deleteSuperuser(app, email);
        ctx.io.out(`Successfully deleted superuser "${email}"!\n`);
        return 0;
    }
    ctx.io.out(`Successfully saved superuser "${email}"!\n`);
    return 0;
  } finally {
    await app.terminate();
  }
}
