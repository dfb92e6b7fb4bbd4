/**
 * A small command tree in the shape of PocketBase's (cobra) command line: nested commands, flags that may
 * come before or after the command names, persistent flags inherited by subcommands, `--help` on every
 * command, and usage errors that name the bad input.
 */

/** CommandError is a user-facing failure: printed as `Error: <message>` without a stack, exit code 1. */
export class CommandError extends Error {}

/** UsageError is a CommandError caused by the command line itself: the help hint is printed after it. */
export class UsageError extends CommandError {}

/** errorMessage is the message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Reads one line of the user's input (for confirmations); null at its end or when there is none. */
  readLine?(): Promise<string | null>;
  /** Whether out() writes to a terminal (a progress bar is redrawn in place there). */
  isTerminal?: boolean;
}

export type FlagKind = "string" | "boolean" | "list" | "int";

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  usage: string;
  /** A list flag's default is comma separated (e.g. "*"). */
  default?: string | boolean;
}

/** Flags holds the parsed values of every flag a command accepts (defaults included). */
export class Flags {
  readonly #values = new Map<string, string | boolean | string[]>();
  readonly #set = new Set<string>();

  constructor(specs: readonly FlagSpec[]) {
    for (const spec of specs) this.#values.set(spec.name, defaultValue(spec));
  }

  string(name: string): string {
    const v = this.#values.get(name);
    return typeof v === "string" ? v : "";
  }

  boolean(name: string): boolean {
    return this.#values.get(name) === true;
  }

  int(name: string): number {
    return Number.parseInt(this.string(name), 10) || 0;
  }

  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }

  /** isSet tells whether the command line gave the flag (a default doesn't count). */
  isSet(name: string): boolean {
    return this.#set.has(name);
  }

  /** assign sets a flag from the command line (a repeated list flag appends, like cobra's string slices). */
  assign(spec: FlagSpec, raw: string | true): void {
    if (spec.kind === "boolean") {
      this.#values.set(spec.name, parseBoolean(spec, raw));
    } else if (spec.kind === "int") {
      this.#values.set(spec.name, parseInteger(spec, String(raw)));
    } else if (spec.kind === "list") {
      const items = splitList(String(raw));
      const before = this.#set.has(spec.name) ? this.list(spec.name) : [];
      this.#values.set(spec.name, [...before, ...items]);
    } else {
      this.#values.set(spec.name, String(raw));
    }
    this.#set.add(spec.name);
  }
}

function defaultValue(spec: FlagSpec): string | boolean | string[] {
  if (spec.kind === "boolean") return spec.default === true;
  if (spec.kind === "list") return splitList(String(spec.default ?? ""));
  return String(spec.default ?? "");
}

function splitList(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function parseBoolean(spec: FlagSpec, raw: string | true): boolean {
  if (raw === true) return true;
  if (["true", "1", "t"].includes(raw.toLowerCase())) return true;
  if (["false", "0", "f"].includes(raw.toLowerCase())) return false;
  throw new UsageError(`invalid argument ${JSON.stringify(raw)} for "--${spec.name}" flag: expected true or false`);
}

function parseInteger(spec: FlagSpec, raw: string): string {
  if (/^[+-]?\d{1,15}$/.test(raw)) return raw;
  throw new UsageError(`invalid argument ${JSON.stringify(raw)} for "--${spec.name}" flag: expected an integer`);
}

export interface CommandInput {
  /** The positional arguments after the command names. */
  args: string[];
  flags: Flags;
  io: CliIO;
}

export interface Command {
  name: string;
  /** One line shown in the parent's command list and at the top of the help. */
  summary: string;
  /** The positional arguments, as shown in the usage line (e.g. "EMAIL PASSWORD"). */
  argsUsage?: string;
  example?: string;
  /** Flags of this command only. */
  flags?: readonly FlagSpec[];
  /** Flags of this command that its subcommands inherit. */
  persistentFlags?: readonly FlagSpec[];
  commands?: readonly Command[];
  /** Runs the command and returns the exit code; a command without it only groups subcommands. */
  run?(input: CommandInput): Promise<number>;
}

export interface ExecuteOptions {
  io: CliIO;
  version: string;
}

const helpFlag = (name: string): FlagSpec => ({ name: "help", short: "h", kind: "boolean", usage: `help for ${name}` });

/** execute runs a command line against a command tree and returns the process exit code. */
export async function execute(root: Command, argv: readonly string[], options: ExecuteOptions): Promise<number> {
  const { io } = options;
  const { path, rest } = resolvePath(root, argv);
  const command = path[path.length - 1] ?? root;
  const commandPath = path.map((c) => c.name).join(" ");
  try {
    const specs = flagsOf(path);
    const { flags, args } = parseFlags(rest, specs);
    if (flags.boolean("help")) {
      io.out(renderHelp(path));
      return 0;
    }
    if (flags.boolean("version")) {
      io.out(`${root.name} version ${options.version}\n`);
      return 0;
    }
    if (!command.run) {
      if (args.length > 0) throw new UsageError(`unknown command ${JSON.stringify(args[0])} for "${commandPath}"`);
      io.out(renderHelp(path));
      return 0;
    }
    return await command.run({ args, flags, io });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`Error: ${err.message}\nRun '${commandPath} --help' for usage.\n`);
      return 1;
    }
    if (err instanceof CommandError) {
      io.err(`Error: ${err.message}\n`);
      return 1;
    }
    // not a failure the commands foresaw: the stack helps to report it
    io.err(`${err instanceof Error ? (err.stack ?? `Error: ${err.message}`) : `Error: ${String(err)}`}\n`);
    return 1;
  }
}

/** The flags a command accepts: its own, its help flag, and the persistent ones of it and its ancestors. */
function flagsOf(path: readonly Command[]): FlagSpec[] {
  const command = path[path.length - 1];
  if (!command) return [];
  return [...(command.flags ?? []), helpFlag(command.name), ...path.flatMap((c) => c.persistentFlags ?? [])];
}

/** A token starting with "-" is a flag, unless it is "-" alone or a negative number (`migrate down -1`). */
function isFlagToken(token: string): boolean {
  return token.startsWith("-") && token !== "-" && !/^-\d/.test(token);
}

/**
 * resolvePath finds the command named by the leading non-flag tokens (flags may sit between them, like
 * `satchel --dir=x superuser upsert`), and returns the tokens left for flag parsing.
 */
function resolvePath(root: Command, argv: readonly string[]): { path: Command[]; rest: string[] } {
  const path = [root];
  const rest: string[] = [];
  let descending = true;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    const current = path[path.length - 1] ?? root;
    if (token === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (isFlagToken(token)) {
      rest.push(token);
      // a value given as the next token must not be taken for a command name
      const spec = findFlag(flagsOf(path), token);
      if (spec && spec.kind !== "boolean" && !token.includes("=") && i + 1 < argv.length) rest.push(argv[++i] ?? "");
      continue;
    }
    const sub = descending ? current.commands?.find((c) => c.name === token) : undefined;
    if (sub) {
      path.push(sub);
      continue;
    }
    descending = false;
    rest.push(token);
  }
  return { path, rest };
}

function findFlag(specs: readonly FlagSpec[], token: string): FlagSpec | undefined {
  if (token.startsWith("--")) {
    const name = token.slice(2).split("=")[0];
    return specs.find((s) => s.name === name);
  }
  const short = token.slice(1, 2);
  return specs.find((s) => s.short === short);
}

/** parseFlags reads `--name=value`, `--name value`, `--bool`, `-s value` and `-s`; `--` ends the flags. */
export function parseFlags(tokens: readonly string[], specs: readonly FlagSpec[]): { flags: Flags; args: string[] } {
  const flags = new Flags(specs);
  const args: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token === "--") {
      args.push(...tokens.slice(i + 1));
      break;
    }
    if (!isFlagToken(token)) {
      args.push(token);
      continue;
    }
    const long = token.startsWith("--");
    const body = token.slice(long ? 2 : 1);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = long ? specs.find((s) => s.name === name) : specs.find((s) => s.short === name);
    if (!spec) {
      throw new UsageError(
        long ? `unknown flag: --${name}` : `unknown shorthand flag: ${JSON.stringify(name)} in ${token}`,
      );
    }
    if (eq >= 0) {
      flags.assign(spec, body.slice(eq + 1));
    } else if (spec.kind === "boolean") {
      flags.assign(spec, true);
    } else {
      const value = tokens[i + 1];
      if (value === undefined) throw new UsageError(`flag needs an argument: ${token}`);
      flags.assign(spec, value);
      i++;
    }
  }
  return { flags, args };
}

/** renderHelp prints a command's help in cobra's layout. */
export function renderHelp(path: readonly Command[]): string {
  const command = path[path.length - 1];
  if (!command) return "";
  const commandPath = path.map((c) => c.name).join(" ");
  const lines: string[] = [command.summary, "", "Usage:"];
  if (command.run) lines.push(`  ${[commandPath, command.argsUsage, "[flags]"].filter(Boolean).join(" ")}`);
  if (command.commands?.length) lines.push(`  ${commandPath} [command]`);
  if (command.example) lines.push("", "Examples:", ...command.example.split("\n").map((l) => `  ${l}`));
  if (command.commands?.length) {
    const width = Math.max(...command.commands.map((c) => c.name.length));
    lines.push("", "Available Commands:");
    for (const c of command.commands) lines.push(`  ${c.name.padEnd(width)}   ${c.summary}`);
  }
  const own = [...(command.flags ?? []), helpFlag(command.name), ...(command.persistentFlags ?? [])];
  const inherited = path.slice(0, -1).flatMap((c) => c.persistentFlags ?? []);
  lines.push("", "Flags:", ...renderFlags(own));
  if (inherited.length > 0) lines.push("", "Global Flags:", ...renderFlags(inherited));
  if (command.commands?.length) {
    lines.push("", `Use "${commandPath} [command] --help" for more information about a command.`);
  }
  return `${lines.join("\n")}\n`;
}

function renderFlags(specs: readonly FlagSpec[]): string[] {
  const sorted = [...specs].sort((a, b) => a.name.localeCompare(b.name));
  const heads = sorted.map((s) => {
    const type = s.kind === "boolean" ? "" : s.kind === "list" ? " strings" : ` ${s.kind}`;
    return `${s.short ? `  -${s.short}, ` : "      "}--${s.name}${type}`;
  });
  const width = Math.max(...heads.map((h) => h.length));
  // a usage of several lines continues under its first line, as cobra prints it
  const indent = `\n${" ".repeat(width + 3)}`;
  return sorted.map(
    (s, i) => `${(heads[i] ?? "").padEnd(width)}   ${s.usage.replaceAll("\n", indent)}${renderDefault(s)}`,
  );
}

function renderDefault(spec: FlagSpec): string {
  if (spec.kind === "boolean") return spec.default === true ? " (default true)" : "";
  if (spec.kind === "list") return spec.default ? ` (default [${splitList(String(spec.default)).join(",")}])` : "";
  if (spec.kind === "int") return spec.default ? ` (default ${spec.default})` : "";
  return spec.default ? ` (default ${JSON.stringify(spec.default)})` : "";
}
