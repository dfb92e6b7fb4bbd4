import { type CliIO, type Command, UsageError } from "./command.ts";

/** A progress bar of this many cells. */
const barWidth = 24;

/**
 * progressPrinter shows the copy table by table: on a terminal a bar redrawn in place (at most every 100
 * ms), elsewhere one line per table once it is copied.
 */
function progressPrinter(io: CliIO): (table: string, copied: number, total: number) => void {
  let lastDraw = 0;
  return (table, copied, total) => {
    const done = copied >= total;
    const now = performance.now();
    if (!done && (!io.isTerminal || now - lastDraw < 100)) return;
    lastDraw = now;
    const share = total === 0 ? 1 : copied / total;
    const cells = Math.round(share * barWidth);
    const line = `${table.padEnd(24)} [${"#".repeat(cells)}${".".repeat(barWidth - cells)}] ${copied}/${total} rows`;
    if (io.isTerminal) io.out(`\r${line}${done ? "\n" : ""}`);
    else if (done) io.out(`${line}\n`);
  };
}

/**
 * migrateDataCommand is `satchel migrate-data --to=<url or folder> [--from=<url or folder>] [--replace]`: the
 * app's databases copied to another engine (see migrate-data.ts). `--from` defaults to the app's own
 * database (`--db`, else `--dir`). The exit code says what went wrong (MigrateDataError).
 */
export function migrateDataCommand(): Command {
  return {
    name: "migrate-data",
    summary: "Copies the app's data to another engine: a SQLite data directory to PostgreSQL, or back",
    example:
      "satchel migrate-data --dir=pb_data --to=postgres://satchel:secret@localhost/app\nsatchel migrate-data --from=postgres://satchel:secret@localhost/app --to=pb_data_copy",
    flags: [
      {
        name: "from",
        kind: "string",
        usage: "the data directory or postgres:// URL to copy from (default: --db, else --dir)",
      },
      { name: "to", kind: "string", usage: "the data directory or postgres:// URL to copy into" },
      { name: "replace", kind: "boolean", usage: "replace what the target holds (else a target with data is refused)" },
    ],
    async run(input) {
      if (input.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(input.args[0])}`);
      const to = input.flags.string("to");
      if (to === "") throw new UsageError('"--to" is required: a postgres:// URL or a data directory');
      const from =
        input.flags.string("from") ||
        input.flags.string("db") ||
        process.env.SATCHEL_DATABASE_URL ||
        input.flags.string("dir");
      // loaded here so that help and usage errors answer without loading the engines
      const { migrateData, MigrateDataError } = await import("./migrate-data.ts");
      const started = performance.now();
      try {
        const result = await migrateData({
          from,
          to,
          replace: input.flags.boolean("replace"),
          onProgress: progressPrinter(input.io),
        });
        for (const w of [...result.data.warnings, ...result.logs.warnings]) input.io.err(`Warning: ${w}\n`);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        input.io.out(
          `Copied ${result.data.tables} tables (${result.data.rows} rows) and ${result.logs.rows} log entries in ${seconds} s.\n` +
            "Files were not copied: they stay in the data directory's storage/ (or the S3 bucket), where the app finds them with the same --dir.\n",
        );
        return 0;
      } catch (err) {
        if (!(err instanceof MigrateDataError)) throw err;
        if (input.io.isTerminal) input.io.out("\n");
        input.io.err(`Error: ${err.message}\n`);
        return err.exitCode;
      }
    },
  };
}
