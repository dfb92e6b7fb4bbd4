import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BunPlugin } from "bun";

/**
 * A module the user's files import from Satchel (`satchel/hooks`, `satchel/migrate`): bundled apart from
 * Satchel's code, they read its exports from an object of the running program, the same from source and
 * inside the single executable (where no package can be resolved from disk).
 */
export interface ProgramModule {
  /** The module specifier the files import it by. */
  specifier: string;
  /** Where the bundles find it at run time. */
  globalKey: symbol;
  exports: Record<string, unknown>;
}

/** What a failure to bundle or import one of the files is made into (the caller words its own errors). */
export interface BundleErrors {
  /** A file (or the directory, when no file is to blame) that failed, with what went wrong. */
  failed(file: string | null, detail: string): Error;
  /** Two files that would bundle to the same output. */
  sameName(first: string, second: string): Error;
}

/** A file's default export. */
export interface BundledDefault {
  file: string;
  exported: unknown;
}

function programModulePlugin(m: ProgramModule): BunPlugin {
  const filter = new RegExp(`^${m.specifier.replace(/[/.]/g, "\\$&")}$`);
  return {
    name: `program-module:${m.specifier}`,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "satchel" }));
      build.onLoad({ filter: /.*/, namespace: "satchel" }, () => {
        const key = `globalThis[Symbol.for(${JSON.stringify(m.globalKey.description)})]`;
        const names = Object.keys(m.exports).map((name) => `export const ${name} = api[${JSON.stringify(name)}];`);
        return { contents: `const api = ${key};\n${names.join("\n")}\n`, loader: "js" };
      });
    },
  };
}

/**
 * importBundledDefaults bundles files of a directory together with Bun.build (so they import their helpers
 * and npm packages from the directory's or the project's node_modules), imports each bundle and returns the
 * default exports in the files' order. Any failure names the file, and the line for a build error.
 * beforeImport, when given, is awaited after the build and before the first import: when it rejects, no
 * file is evaluated.
 */
export async function importBundledDefaults(
  directory: string,
  files: readonly string[],
  module: ProgramModule,
  errors: BundleErrors,
  beforeImport?: Promise<unknown>,
): Promise<BundledDefault[]> {
  const dir = resolve(directory);
  const outputs = new Map<string, string>();
  for (const file of files) {
    const out = `${file.replace(/\.(ts|js|mts|mjs)$/, "")}.js`;
    const other = outputs.get(out);
    if (other) throw errors.sameName(other, file);
    outputs.set(out, file);
  }
  (globalThis as Record<symbol, unknown>)[module.globalKey] = module.exports;
  // import() caches by path: each load bundles into a new directory
  const outdir = await mkdtemp(join(tmpdir(), "satchel-bundle-"));
  try {
    const build = await Bun.build({
      entrypoints: files.map((f) => join(dir, f)),
      root: dir,
      outdir,
      naming: "[name].[ext]",
      target: "bun",
      sourcemap: "inline",
      plugins: [programModulePlugin(module)],
      throw: false,
    });
    if (!build.success) {
      beforeImport?.catch(() => {});
      throw buildFailure(dir, files, build.logs, errors);
    }
    // a check run beside the build (the type check) can still refuse the files before any of them runs
    await beforeImport;
    const loaded: BundledDefault[] = [];
    for (const [out, file] of outputs) {
      try {
        loaded.push({ file, exported: ((await import(join(outdir, out))) as { default?: unknown }).default });
      } catch (err) {
        throw errors.failed(file, describe(err));
      }
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
function buildFailure(
  dir: string,
  files: readonly string[],
  logs: readonly (BuildMessage | ResolveMessage)[],
  errors: BundleErrors,
): Error {
  const fileOf = (l: BuildMessage | ResolveMessage) => {
    const path = l.position?.file ?? "";
    return files.find((f) => path === join(dir, f)) ?? path;
  };
  const rank = (l: BuildMessage | ResolveMessage) => {
    const i = files.indexOf(fileOf(l));
    return i < 0 ? files.length : i;
  };
  const first = logs.filter((l) => l.level === "error").sort((a, b) => rank(a) - rank(b))[0];
  if (!first) return errors.failed(null, "the build failed");
  const where = first.position ? ` (line ${first.position.line}, column ${first.position.column})` : "";
  return errors.failed(fileOf(first) || null, `${first.message}${where}`);
}
