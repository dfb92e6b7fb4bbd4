import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { importBundledDefaults } from "../../tools/bundle/import-bundled.ts";
import * as api from "./api.ts";

/** The module specifier hook files import Satchel's hook API by. */
export const apiModule = "satchel/hooks";

/** Where the loaded bundles find the running app's API (the bundles are built apart from Satchel's code). */
const apiGlobal = Symbol.for("satchel.hooks");

/** HookFileError is a hook file that could not be read, bundled or evaluated: it names the file (and line). */
export class HookFileError extends Error {}

/** A loaded hook file: its name in the hooks directory and its default export. */
export interface HookFile {
  file: string;
  register: api.HooksFunc;
}

/** isHookFile tells the files of a hooks directory that are hook files (.ts and .js, not .d.ts). */
function isHookFile(name: string): boolean {
  return /\.(ts|js|mts|mjs)$/.test(name) && !name.endsWith(".d.ts");
}

/** listHookFiles returns the hook files of a directory in name order (none when it doesn't exist). */
export async function listHookFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && isHookFile(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * loadHookFiles reads the hook files of a directory, in name order. They are bundled together with
 * Bun.build (so a file imports its helpers and npm packages from the directory's or the project's
 * node_modules, from source and inside the single executable alike), then each bundle is imported and its
 * default export checked. Nothing is registered here; any failure names the file (and the line).
 */
export async function loadHookFiles(hooksDir: string): Promise<HookFile[]> {
  const dir = resolve(hooksDir);
  const files = await listHookFiles(dir);
  if (files.length === 0) return [];
  const loaded = await importBundledDefaults(
    dir,
    files,
    { specifier: apiModule, globalKey: apiGlobal, exports: api },
    {
      failed: (file, detail) =>
        new HookFileError(
          file ? `failed to load hook file ${file}: ${detail}` : `failed to load the hook files of ${dir}: ${detail}`,
        ),
      sameName: (first, second) => new HookFileError(`hook files ${first} and ${second} have the same name`),
    },
  );
  return loaded.map(({ file, exported }) => {
    if (typeof exported !== "function") {
      throw new HookFileError(
        `failed to load hook file ${file}: it must \`export default (app) => {...}\` (a function receiving the app)`,
      );
    }
    return { file, register: exported as api.HooksFunc };
  });
}
