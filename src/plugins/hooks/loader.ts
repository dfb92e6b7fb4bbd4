import type { Dirent } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BunPlugin } from "bun";
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

const apiPlugin: BunPlugin = {
  name: "satchel-hooks-api",
  setup(build) {
    build.onResolve({ filter: /^satchel\/hooks$/ }, (args) => ({ path: args.path, namespace: "satchel" }));
    build.onLoad({ filter: /.*/, namespace: "satchel" }, () => {
      const key = `globalThis[Symbol.for(${JSON.stringify(apiGlobal.description)})]`;
      const exports = Object.keys(api).map((name) => `export const ${name} = api[${JSON.stringify(name)}];`);
      return { contents: `const api = ${key};\n${exports.join("\n")}\n`, loader: "js" };
    });
  },
};

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
  const outputs = new Map<string, string>();
  for (const file of files) {
    const out = `${file.replace(/\.(ts|js|mts|mjs)$/, "")}.js`;
    const other = outputs.get(out);
    if (other) throw new HookFileError(`hook files ${other} and ${file} have the same name`);
    outputs.set(out, file);
  }

  (globalThis as Record<symbol, unknown>)[apiGlobal] = api;
  // import() caches by path: each load bundles into a new directory
  const outdir = await mkdtemp(join(tmpdir(), "satchel-hooks-"));
  try {
    const build = await Bun.build({
      entrypoints: files.map((f) => join(dir, f)),
      root: dir,
      outdir,
      naming: "[name].[ext]",
      target: "bun",
      sourcemap: "inline",
      plugins: [apiPlugin],
      throw: false,
    });
    if (!build.success) throw buildFailure(dir, files, build.logs);
    const loaded: HookFile[] = [];
    for (const [out, file] of outputs) {
      let exported: unknown;
      try {
        exported = ((await import(join(outdir, out))) as { default?: unknown }).default;
      } catch (err) {
        throw new HookFileError(`failed to load hook file ${file}: ${describe(err)}`);
      }
      if (typeof exported !== "function") {
        throw new HookFileError(
          `failed to load hook file ${file}: it must \`export default (app) => {...}\` (a function receiving the app)`,
        );
      }
      loaded.push({ file, register: exported as api.HooksFunc });
    }
    return loaded;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** describe is an error's message with the first line of its stack that points into a file. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const at = err.stack?.split("\n").find((l) => /:\d+:\d+\)?$/.test(l.trim()));
  return at ? `${err.message} (${at.trim()})` : err.message;
}

/** buildFailure is the first build error, in file order, with the file and position it points at. */
function buildFailure(dir: string, files: readonly string[], logs: readonly (BuildMessage | ResolveMessage)[]) {
  const errors = logs.filter((l) => l.level === "error");
  const fileOf = (l: BuildMessage | ResolveMessage) => {
    const path = l.position?.file ?? "";
    return files.find((f) => path === join(dir, f)) ?? path;
  };
  const rank = (l: BuildMessage | ResolveMessage) => {
    const i = files.indexOf(fileOf(l));
    return i < 0 ? files.length : i;
  };
  const first = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  if (!first) return new HookFileError(`failed to load the hook files of ${dir}`);
  const where = first.position ? ` (line ${first.position.line}, column ${first.position.column})` : "";
  const file = fileOf(first);
  return new HookFileError(`failed to load hook file ${file || dir}: ${first.message}${where}`);
}
