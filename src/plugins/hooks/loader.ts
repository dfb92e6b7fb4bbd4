import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { importBundledDefaults } from "../../tools/bundle/import-bundled.ts";
import { dirFiles } from "../../tools/filesystem/dir-files.ts";
import { embeddedTypeScript } from "../../tools/typescript/embedded.ts";
import { type TypeCheckResult, type TypeDiagnostic, typeCheck } from "../../tools/typescript/type-check.ts";
import * as api from "./api.ts";
import { apiModule, apiSource } from "./api-module.ts";

export { apiModule };

/** Satchel's folder, when running from source. */
const sourceRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** Where the loaded bundles find the running app's API (the bundles are built apart from Satchel's code). */
const apiGlobal = Symbol.for("satchel.hooks");

/** HookFileError is a hook file that could not be read, bundled or evaluated: it names the file (and line). */
export class HookFileError extends Error {}

/** A loaded hook file: its name in the hooks directory and its default export. */
export interface HookFile {
  file: string;
  register: api.HooksFunc;
}

/** The hook files and how their type check went (null when it wasn't asked for). */
export interface LoadedHookFiles {
  files: HookFile[];
  typeCheck: TypeCheckResult | null;
}

/** The most type errors a load failure lists after the first. */
const moreErrorsShown = 20;

/** typeErrorsFailure words a failed type check the way a build error is: the first error's file and line. */
function typeErrorsFailure(errors: readonly TypeDiagnostic[]): HookFileError {
  const [first, ...more] = errors;
  if (!first) return new HookFileError("failed to load the hook files: type errors");
  let text = `failed to load hook file ${first.file}: ${first.message} (${first.code}, line ${first.line}, column ${first.column})`;
  if (more.length > 0) {
    const lines = more
      .slice(0, moreErrorsShown)
      .map((e) => `  ${e.file}:${e.line}:${e.column} ${e.code} ${e.message.split("\n")[0]}`);
    if (more.length > moreErrorsShown) lines.push(`  ...and ${more.length - moreErrorsShown} more`);
    text += `\n${more.length} more type error${more.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
  }
  return new HookFileError(text);
}

/**
 * checkTypes type-checks hook files against Satchel's sources: those of its folder (whose node_modules, or
 * the project's it is installed in, have a compiler and Bun's types), or inside a single executable the
 * compiler and files it embeds.
 */
async function checkTypes(dir: string, files: string[]): Promise<TypeCheckResult> {
  const embedded = await embeddedTypeScript();
  const root = embedded?.root ?? sourceRoot;
  return typeCheck({
    dir,
    files,
    paths: { [apiModule]: resolve(root, apiSource) },
    fallbackDirs: [root],
    ...(embedded ? { compiler: embedded.compiler } : {}),
  });
}

/** isHookFile tells the files of a hooks directory that are hook files (.ts and .js, not .d.ts). */
function isHookFile(name: string): boolean {
  return /\.(ts|js|mts|mjs)$/.test(name) && !name.endsWith(".d.ts");
}

/** listHookFiles returns the hook files of a directory in name order (none when it doesn't exist). */
export function listHookFiles(dir: string): Promise<string[]> {
  return dirFiles(dir, isHookFile);
}

/**
 * loadHookFiles reads the hook files of a directory, in name order. They are bundled together with
 * Bun.build (so a file imports its helpers and npm packages from the directory's or the project's
 * node_modules, from source and inside the single executable alike), then each bundle is imported and its
 * default export checked. With typeChecking, the TypeScript files are type-checked beside the build (with
 * `satchel/hooks` resolving to this module's source) and a type error refuses them all before any runs.
 * Nothing is registered here; any failure names the file (and the line).
 */
export async function loadHookFiles(hooksDir: string, typeChecking: boolean): Promise<LoadedHookFiles> {
  const dir = resolve(hooksDir);
  const files = await listHookFiles(dir);
  if (files.length === 0) return { files: [], typeCheck: null };
  let checked: TypeCheckResult | null = null;
  const checking = typeChecking
    ? checkTypes(dir, files).then((result) => {
        checked = result;
        if (result.kind === "failed") throw typeErrorsFailure(result.errors);
      })
    : undefined;
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
    checking,
  );
  const hookFiles = loaded.map(({ file, exported }) => {
    if (typeof exported !== "function") {
      throw new HookFileError(
        `failed to load hook file ${file}: it must \`export default (app) => {...}\` (a function receiving the app)`,
      );
    }
    return { file, register: exported as api.HooksFunc };
  });
  return { files: hookFiles, typeCheck: checked };
}
