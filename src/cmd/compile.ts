import { existsSync } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/**
 * compile makes a single executable of a Bun program: `bun build --compile` of its entry, with the
 * dashboard's built files embedded as assets (dashboard-source.ts finds them there as `dist/...`). It is
 * how `npm run build` makes Satchel's own executable, and how a program embedding Satchel makes its own:
 *
 *   import { compile } from "satchel/compile";
 *   await compile({ entry: "app.ts", outfile: "dist/myapp" });
 *
 * or from a shell, `satchel-compile app.ts --outfile dist/myapp`. It is the same as
 * `bun build --compile app.ts --asset node_modules/satchel/ui/dist --outfile dist/myapp`.
 */

/** The dashboard's built files (`npm run build:ui`), which the executable embeds. */
export const dashboardDir = join(import.meta.dir, "..", "..", "ui", "dist");

export interface CompileOptions {
  /** The program's entry module. */
  entry: string;
  /** Where to write the executable. */
  outfile: string;
  /** Embed the dashboard (default true; without it the server answers /_/ with why). */
  dashboard?: boolean;
}

export interface CompileResult {
  outfile: string;
  /** The executable's size in bytes. */
  size: number;
}

/** CompileError is a build that failed: what the compiler printed is in the message. */
export class CompileError extends Error {}

/** compile builds the executable; it fails with a CompileError, leaving no stale executable behind. */
export async function compile(options: CompileOptions): Promise<CompileResult> {
  if (Bun.isStandaloneExecutable) throw new CompileError("compile runs under bun, not inside a compiled executable");
  const outfile = resolve(options.outfile);
  const withDashboard = options.dashboard ?? true;
  if (withDashboard && !existsSync(join(dashboardDir, "index.html"))) {
    throw new CompileError(`the dashboard is not built (${dashboardDir} has no index.html): run "npm run build:ui"`);
  }
  await mkdir(dirname(outfile), { recursive: true });
  // a failed build must not leave the previous executable behind looking fresh
  await rm(outfile, { force: true });
  const assets = withDashboard ? ["--asset", dashboardDir] : [];
  const build = Bun.spawn(
    [process.execPath, "build", "--compile", resolve(options.entry), ...assets, "--outfile", outfile],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) throw new CompileError(`bun build --compile exited with ${code}:\n${err}${out}`);
  const { size } = await stat(outfile);
  return { outfile, size };
}
