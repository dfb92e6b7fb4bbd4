import { join } from "node:path";
import type { MigrateConfig } from "../plugins/migratecmd/migratecmd.ts";
import { snakecase } from "../tools/inflector/inflector.ts";
import { type Command, CommandError, type CommandInput, errorMessage, type FlagSpec, UsageError } from "./command.ts";
import type { WithApp } from "./superuser-command.ts";

/**
 * `satchel migrate up | down [n] | create NAME | collections | history-sync`, as PocketBase's migratecmd
 * plugin has it (src/plugins/migratecmd/ does the work). Confirmations can be answered with `--yes`.
 */

/** The global flags of the plugin. */
export const migrateFlags: readonly FlagSpec[] = [
  {
    name: "migrationsDir",
    kind: "string",
    usage: 'the directory with the user defined migrations (default "satchel_migrations" beside the data directory)',
  },
  { name: "automigrate", kind: "boolean", usage: "enable/disable auto migrations (default true with --dev)" },
];

/** migrateConfig reads the plugin's flags: the directory beside the data directory unless given. */
export function migrateConfig(input: CommandInput): MigrateConfig {
  const { flags } = input;
  const dir = flags.string("migrationsDir") || join(flags.string("dir"), "..", "satchel_migrations");
  const automigrate = flags.isSet("automigrate") ? flags.boolean("automigrate") : flags.boolean("dev");
  return { dir, automigrate };
}

const yesFlag: FlagSpec = { name: "yes", short: "y", kind: "boolean", usage: "answer yes to the confirmation" };

const operations = () => import("../plugins/migratecmd/operations.ts");

/** reported runs a migrations step: a migration that fails is a command error naming its file, without a stack. */
async function reported<T>(fn: () => Promise<T>): Promise<T> {
  const { isMigrationFailure } = await operations();
  try {
    return await fn();
  } catch (err) {
    if (isMigrationFailure(err)) throw new CommandError(errorMessage(err));
    throw err;
  }
}

/** confirm asks a yes/no question on the terminal; the default, an empty answer and the end of input are no. */
async function confirm(input: CommandInput, question: string): Promise<boolean> {
  if (input.flags.boolean("yes")) return true;
  for (;;) {
    input.io.err(`${question} (y/N) `);
    const line = (await input.io.readLine?.()) ?? null;
    if (line === null) {
      input.io.err("\n");
      return false;
    }
    const answer = line.trim().toLowerCase();
    if (answer === "" || answer === "n" || answer === "no") return false;
    if (answer === "y" || answer === "yes") return true;
  }
}

function noArgs(input: CommandInput): void {
  if (input.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(input.args[0])}`);
}

/** revertCount reads `down`'s optional number: 1 by default, a negative one for all. */
function revertCount(args: readonly string[]): number {
  if (args.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args[1])}`);
  const raw = args[0];
  if (raw === undefined) return 1;
  const n = /^-?\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (n === 0) {
    throw new UsageError(
      `invalid number of migrations to revert ${JSON.stringify(raw)}: give a positive number, or -1 for all`,
    );
  }
  return n;
}

/** migrationName turns `create`'s NAME into the file name part (snake case), refusing what can't be one. */
function migrationName(args: readonly string[]): string {
  if (args.length === 0) throw new UsageError("missing migration file name");
  if (args.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args[1])}`);
  const name = snakecase(args[0] ?? "");
  if (!/^[a-z0-9_]+$/.test(name) || name.length > 150) {
    throw new UsageError(
      `invalid migration name ${JSON.stringify(args[0])}: use up to 150 letters (a-z), digits, spaces, "_" or "-"`,
    );
  }
  return name;
}

/** migrateCommand is `satchel migrate`; without a subcommand it runs `up`, as PocketBase's does. */
export function migrateCommand(withApp: WithApp): Command {
  const up = async (input: CommandInput) => {
    const { dir } = migrateConfig(input);
    const { applyAppMigrations } = await operations();
    const applied = await withApp(input, (app) => reported(() => applyAppMigrations(app, dir)));
    input.io.out(
      applied.length === 0 ? "No new migrations to apply.\n" : applied.map((f) => `Applied ${f}\n`).join(""),
    );
    return 0;
  };

  const createFile = async (input: CommandInput, action: string, content: (() => Promise<string>) | string) => {
    const { dir } = migrateConfig(input);
    const { newMigrationFileName, writeNewMigration } = await import("../plugins/migratecmd/files.ts");
    const file = await newMigrationFileName(dir, action);
    const shown = join(dir, file);
    if (!(await confirm(input, `Do you really want to create migration ${JSON.stringify(shown)}?`))) {
      input.io.out("The command has been cancelled\n");
      return 0;
    }
    const text = typeof content === "string" ? content : await content();
    await writeNewMigration(dir, file, text);
    input.io.out(`Successfully created file ${JSON.stringify(shown)}\n`);
    return 0;
  };

  return {
    name: "migrate",
    summary: "Executes app DB migration scripts",
    commands: [
      {
        name: "up",
        summary: "Runs all available migrations",
        async run(input) {
          noArgs(input);
          return up(input);
        },
      },
      {
        name: "down",
        summary: "Reverts the last [number] applied migrations (1 by default, -1 for all)",
        argsUsage: "[number]",
        flags: [yesFlag],
        async run(input) {
          const count = revertCount(input.args);
          const { dir } = migrateConfig(input);
          const { planRevert } = await operations();
          const reverted = await withApp(input, async (app) => {
            const { files, revert } = await reported(() => planRevert(app, dir, count));
            if (files.length === 0) {
              throw new CommandError(
                `no applied migrations to revert (the migration files are in ${JSON.stringify(dir)})`,
              );
            }
            const question = `\n${files.join("\n")}\nDo you really want to revert the last ${files.length} applied migration(s)?`;
            if (!(await confirm(input, question))) return null;
            return reported(revert);
          });
          if (!reverted) {
            input.io.out("The command has been cancelled\n");
            return 0;
          }
          input.io.out(reverted.map((f) => `Reverted ${f}\n`).join(""));
          return 0;
        },
      },
      {
        name: "create",
        summary: "Creates new blank migration template file",
        argsUsage: "NAME",
        example: "satchel migrate create add_posts_slug",
        flags: [yesFlag],
        async run(input) {
          const name = migrationName(input.args);
          const { blankTemplate } = await import("../plugins/migratecmd/templates.ts");
          return createFile(input, name, blankTemplate());
        },
      },
      {
        name: "collections",
        summary: "Creates new migration file with snapshot of the local collections configuration",
        flags: [yesFlag],
        async run(input) {
          noArgs(input);
          const { collectionsSnapshot } = await operations();
          return createFile(input, "collections_snapshot", () =>
            withApp(input, async (app) => collectionsSnapshot(app)),
          );
        },
      },
      {
        name: "history-sync",
        summary: "Ensures that the _migrations history table doesn't have references to deleted migration files",
        async run(input) {
          noArgs(input);
          const { dir } = migrateConfig(input);
          const { syncHistory } = await operations();
          const forgotten = await withApp(input, (app) => syncHistory(app, dir));
          input.io.out(forgotten.map((f) => `Forgot ${f}\n`).join(""));
          input.io.out("The _migrations table was synced with the available migrations.\n");
          return 0;
        },
      },
    ],
    async run(input) {
      if (input.args.length > 0) throw new UsageError(`unsupported command ${JSON.stringify(input.args[0])}`);
      return up(input);
    },
  };
}
