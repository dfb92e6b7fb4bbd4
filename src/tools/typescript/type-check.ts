import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * Type checking of user files (hook files) with the TypeScript compiler of the user's project or of
 * Satchel's own checkout, run as a child process: the native compiler of TypeScript 7 (`tsc` of the
 * platform package) or, for older versions, `lib/tsc.js` run by this very executable as bun. A single
 * executable brings its own (embedded.ts).
 */

/** A compiler found on disk: the command line that runs it. */
export interface Compiler {
  command: string[];
  env?: Record<string, string>;
  version: string;
}

/** One type error in a checked file. */
export interface TypeDiagnostic {
  /** The file, relative to the checked directory. */
  file: string;
  line: number;
  column: number;
  /** `TS2551` */
  code: string;
  message: string;
}

export type TypeCheckResult =
  | { kind: "passed"; compiler: Compiler; ms: number }
  | { kind: "failed"; errors: TypeDiagnostic[]; compiler: Compiler; ms: number }
  | { kind: "skipped"; reason: string };

export interface TypeCheckOptions {
  /** The directory of the files; errors in files outside it (libraries, Satchel's own code) are left out. */
  dir: string;
  /** The files to check, relative to dir. JavaScript files are read for their exports, not checked. */
  files: readonly string[];
  /** Module specifiers the files import that resolve to given source files (`satchel/hooks`). */
  paths: Record<string, string>;
  /** More directories to look for a compiler and for `@types` in (Satchel's own checkout). */
  fallbackDirs?: readonly string[];
  /** The compiler to run, instead of one looked for on disk (the one a single executable embeds). */
  compiler?: Compiler;
}

/** ancestors lists a directory and each one above it. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/** nodeModulesHaving lists the node_modules directories above the given ones that hold a package path. */
export function nodeModulesHaving(dirs: readonly string[], path: string): string[] {
  const found: string[] = [];
  for (const start of dirs) {
    for (const d of ancestors(start)) {
      const nm = join(d, "node_modules");
      if (existsSync(join(nm, path)) && !found.includes(nm)) found.push(nm);
    }
  }
  return found;
}

/**
 * findCompiler looks for the `typescript` package in the node_modules above the given directories (not in
 * Bun's global cache: nothing is installed for this), first one first.
 */
export async function findCompiler(dirs: readonly string[]): Promise<Compiler | null> {
  for (const nm of nodeModulesHaving(dirs, "typescript/package.json")) {
    const pkgDir = join(nm, "typescript");
    const { version } = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")) as { version: string };
    if (Number.parseInt(version, 10) >= 7) {
      // the native compiler lives in a platform package the typescript package knows how to find
      const getExePath = join(pkgDir, "lib", "getExePath.js");
      if (!existsSync(getExePath)) continue;
      try {
        const mod = (await import(getExePath)) as { default: () => string };
        return { command: [mod.default()], version };
      } catch {
        continue;
      }
    }
    const script = join(pkgDir, "lib", "tsc.js");
    // a compiled executable behaves as bun with BUN_BE_BUN
    if (existsSync(script)) return { command: [process.execPath, script], env: { BUN_BE_BUN: "1" }, version };
  }
  return null;
}

/** The compiler's line for an error: `file(line,col): error TS1234: message` (--pretty false). */
const diagnosticLine = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

/** parseDiagnostics reads tsc's plain output; a message's further lines are indented under it. */
export function parseDiagnostics(output: string, cwd: string): { file: string; error: TypeDiagnostic }[] {
  const out: { file: string; error: TypeDiagnostic }[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = diagnosticLine.exec(line);
    if (m) {
      const [, file = "", l = "0", c = "0", code = "", message = ""] = m;
      const abs = isAbsolute(file) ? file : resolve(cwd, file);
      out.push({ file: abs, error: { file, line: Number(l), column: Number(c), code, message } });
    } else if (line.startsWith("  ") && out.length > 0) {
      const last = out[out.length - 1];
      if (last) last.error.message += `\n${line.trimEnd()}`;
    }
  }
  return out;
}

/** The options the files are checked with: strict, but an untyped parameter is allowed (as bun runs it). */
export function compilerOptions(paths: Record<string, string>, typeRoots: string[]): Record<string, unknown> {
  return {
    target: "ESNext",
    module: "Preserve",
    moduleResolution: "bundler",
    lib: ["ESNext"],
    types: typeRoots.length > 0 ? ["bun"] : [],
    ...(typeRoots.length > 0 ? { typeRoots } : {}),
    strict: true,
    noImplicitAny: false,
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    paths: Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, [v]])),
  };
}

/**
 * typeCheck runs the compiler on files of a directory and returns their type errors (none outside the
 * directory, and none in its node_modules). Without a compiler (given, or found on disk; a single
 * executable looks for none: the sources the types come from are not on disk beside it), it is skipped
 * and says why.
 */
export async function typeCheck(options: TypeCheckOptions): Promise<TypeCheckResult> {
  const dir = resolve(options.dir);
  const files = options.files.filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith(".d.ts"));
  if (files.length === 0) return { kind: "skipped", reason: "no TypeScript file to check" };
  if (Bun.isStandaloneExecutable && !options.compiler) {
    return { kind: "skipped", reason: "this executable was built without a TypeScript compiler" };
  }
  const missing = Object.entries(options.paths).find(([, path]) => !existsSync(path));
  if (missing) return { kind: "skipped", reason: `the types of ${missing[0]} are not on disk (${missing[1]})` };
  const searched = [dir, ...(options.fallbackDirs ?? [])];
  const compiler = options.compiler ?? (await findCompiler(searched));
  if (!compiler) {
    return {
      kind: "skipped",
      reason: `no TypeScript compiler was found (install the "typescript" package beside ${dir})`,
    };
  }
  const typeRoots = nodeModulesHaving(searched, "@types/bun/package.json").map((nm) => join(nm, "@types"));
  const started = performance.now();
  // the configuration goes to a directory of its own: nothing is written among the user's files
  const work = await mkdtemp(join(tmpdir(), "satchel-typecheck-"));
  try {
    const config = join(work, "tsconfig.json");
    const tsconfig = {
      compilerOptions: compilerOptions(options.paths, typeRoots),
      files: files.map((f) => join(dir, f)),
    };
    await writeFile(config, JSON.stringify(tsconfig));
    const proc = Bun.spawn([...compiler.command, "-p", config, "--pretty", "false"], {
      cwd: dir,
      env: { ...process.env, ...compiler.env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    const ms = Math.round(performance.now() - started);
    const inside = (abs: string) =>
      abs.startsWith(dir + sep) && !relative(dir, abs).split(sep).includes("node_modules");
    const diagnostics = parseDiagnostics(stdout + stderr, dir);
    const errors = diagnostics.filter((d) => inside(d.file)).map((d) => ({ ...d.error, file: relative(dir, d.file) }));
    if (errors.length > 0) return { kind: "failed", errors, compiler, ms };
    // an exit code of 1 or 2 with errors is errors somewhere (outside the files); anything else (a compiler
    // that crashed exits with 2 too) is the compiler failing
    if (code !== 0 && (diagnostics.length === 0 || (code !== 1 && code !== 2))) {
      return { kind: "skipped", reason: `the TypeScript compiler failed (exit code ${code}): ${stderr.trim()}` };
    }
    return { kind: "passed", compiler, ms };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
