import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Command, CommandError, errorMessage, UsageError } from "./command.ts";
import type { WithApp } from "./superuser-command.ts";

const writeFailures: Record<string, string> = {
  ENOENT: "its folder doesn't exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
};

/**
 * writeAtomically replaces a file through a temporary one beside it, so a failed write never leaves a
 * half-written file (an editor or a build watching it sees the old types or the new ones).
 */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new CommandError(
      `failed to write the types to ${JSON.stringify(path)}: ${writeFailures[code] ?? errorMessage(err)}`,
    );
  }
}

/** typegenCommand is `satchel typegen [--out=file]`: the TypeScript types of every collection's records. */
export function typegenCommand(withApp: WithApp): Command {
  return {
    name: "typegen",
    summary: "Writes the TypeScript types of every collection's records, for the pocketbase SDK and hooks",
    example: "satchel typegen --out=src/satchel-types.ts",
    flags: [{ name: "out", kind: "string", usage: "the file to write the types to (default: the standard output)" }],
    async run(input) {
      if (input.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(input.args[0])}`);
      const out = input.flags.string("out");
      if (input.flags.isSet("out") && out === "") throw new UsageError('"--out" needs a file name');
      // loaded here so that help and usage errors answer without loading the app
      const { generateTypeScript } = await import("../core/typegen.ts");
      const { text, count } = await withApp(input, async (app) => {
        const collections = app.findAllCollections();
        return { text: generateTypeScript(collections, app.settings().meta.appName), count: collections.length };
      });
      if (out === "") {
        input.io.out(text);
        return 0;
      }
      await writeAtomically(out, text);
      input.io.out(`Wrote the types of ${count} collections to ${JSON.stringify(out)}.\n`);
      return 0;
    },
  };
}
