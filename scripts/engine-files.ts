import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

/**
 * The helper through which a test reaches the engine SATCHEL_TEST_ENGINE chooses: a test file that doesn't
 * import it, directly or through other files of tests/, runs the same on either engine (it opens SQLite
 * files itself, runs the command line or the executable, or never touches a database).
 */
const engineHelper = "tests/helpers/test-engine.ts";

const transpiler = new Bun.Transpiler({ loader: "ts" });

/** reachesEngine is whether `file`'s relative imports, followed inside tests/, lead to the engine helper. */
function reachesEngine(root: string, file: string, seen: Set<string>): boolean {
  const rel = relative(root, file);
  if (rel === engineHelper) return true;
  if (seen.has(file) || !rel.startsWith("tests/") || !existsSync(file)) return false;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  if (source.includes("SATCHEL_TEST_ENGINE")) return true;
  if (!/\.[cm]?[jt]sx?$/.test(file)) return false;
  return transpiler
    .scanImports(source)
    .some((imp) => imp.path.startsWith(".") && reachesEngine(root, resolve(dirname(file), imp.path), seen));
}

/**
 * engineFiles lists the test files of `suites` (folders or files, relative to `root`) that the engine can
 * change: those that reach the engine helper. The others would only run a second time, unchanged.
 */
export function engineFiles(root: string, suites: readonly string[]): string[] {
  const files: string[] = [];
  for (const suite of suites) {
    const full = join(root, suite);
    const found = statSync(full).isDirectory()
      ? [...new Glob("**/*.test.ts").scanSync(full)].map((f) => join(suite, f))
      : [suite];
    for (const file of found.sort()) if (reachesEngine(root, join(root, file), new Set())) files.push(file);
  }
  return files;
}
