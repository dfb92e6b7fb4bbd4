import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BunPlugin } from "bun";
import type { Migration } from "../../core/migrations-runner.ts";
import * as api from "./api.ts";
import { listMigrationFiles } from "./files.ts";

/** The module specifier migration files import Satchel's migration API by. */
export const apiModule = "satchel/migrate";

/** Where the loaded bundles find the running app's API (the bundles are built apart from Satchel's code). */
const apiGlobal = Symbol.for("satchel.migrate");

/** MigrationLoadError is a migration file that could not be read, bundled or evaluated. */
export class MigrationLoadError extends Error {}

/**
 * The bundler plugin that turns `import ... from "satchel/migrate"` into a read of the running app's API,
 * the same from source and inside the single executable (where no package can be resolved from disk).
 */
const apiPlugin: BunPlugin = {
  name: "satchel-migrate-api",
  setup(build) {
    build.onResolve({ filter: /^satchel\/migrate$/ }, (args) => ({ path: args.path, namespace: "satchel" }));
    build.onLoad({ filter: /.*/, namespace: "satchel" }, () => {
      const key = `globalThis[Symbol.for(${JSON.stringify(apiGlobal.description)})]`;
      const exports = Object.keys(api).map((name) => `export const ${name} = api[${JSON.stringify(name)}];`);
      return { contents: `const api = ${key};\n${exports.join("\n")}\n`, loader: "js" };
    });
  },
};

/**
 * loadMigrations reads the migration files of a directory, in name order. They are bundled together (so a
 * file may import its own helpers and packages from the directory's node_modules), then each bundle is
 * imported and its default export checked. Any failure names the file.
 */
export async function loadMigrations(migrationsDir: string): Promise<Migration[]> {
  const dir = resolve(migrationsDir);
  const files = await listMigrationFiles(dir);
  if (files.length === 0) return [];
  const outputs = new Map<string, string>();
  for (const file of files) {
    const out = `${file.replace(/\.(ts|js)$/, "")}.js`;
    const other = outputs.get(out);
    if (other) throw new MigrationLoadError(`migration files ${other} and ${file} have the same name`);
    outputs.set(out, file);
  }

  (globalThis as Record<symbol, unknown>)[apiGlobal] = api;
  const outdir = await mkdtemp(join(tmpdir(), "satchel-migrations-"));
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

    const migrations: Migration[] = [];
    for (const [out, file] of outputs) {
      let exported: unknown;
      try {
        exported = ((await import(join(outdir, out))) as { default?: unknown }).default;
      } catch (err) {
        throw new MigrationLoadError(`failed to load migration ${file}: ${err instanceof Error ? err.message : err}`);
      }
      if (!(exported instanceof api.MigrationDefinition)) {
        throw new MigrationLoadError(
          `failed to load migration ${file}: it must \`export default migrate(up, down)\` (migrate from "${apiModule}")`,
        );
      }
      const { up, down } = exported;
      migrations.push({
        file,
        up: async (txApp) => up(txApp),
        ...(down ? { down: async (txApp) => down(txApp) } : {}),
      });
    }
    return migrations;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
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
  if (!first) return new MigrationLoadError(`failed to load the migrations of ${dir}`);
  const where = first.position ? ` (line ${first.position.line}, column ${first.position.column})` : "";
  const file = fileOf(first);
  return new MigrationLoadError(`failed to load migration ${file || dir}: ${first.message}${where}`);
}
