import { join } from "node:path";
import type { HooksConfig } from "../plugins/hooks/hooks.ts";
import type { CommandInput, FlagSpec } from "./command.ts";

/** The flags of the hooks plugin (plugins/hooks), on every command. */
export const hooksFlags: readonly FlagSpec[] = [
  {
    name: "hooksDir",
    kind: "string",
    usage: 'the directory with the hook files (default "satchel_hooks" beside the data directory)',
  },
  {
    name: "hooksWatch",
    kind: "boolean",
    usage: "load the hook files again when they change, without a restart (default true with --dev)",
  },
  {
    name: "hooksTypecheck",
    kind: "boolean",
    default: true,
    usage: "type-check the TypeScript hook files with the project's TypeScript compiler before they run",
  },
];

/** hooksConfig reads the hooks plugin's configuration from a command's flags. */
export function hooksConfig(input: CommandInput): HooksConfig {
  const { flags } = input;
  const dir = flags.string("hooksDir") || join(flags.string("dir"), "..", "satchel_hooks");
  const watch = flags.isSet("hooksWatch") ? flags.boolean("hooksWatch") : flags.boolean("dev");
  return { dir, watch, typeCheck: flags.boolean("hooksTypecheck") };
}
