import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { embeddedFolder } from "../tools/typescript/embedded.ts";
import { writeTypeScriptAssets } from "./typescript-assets.ts";

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

/** Satchel's folder (its sources and node_modules). */
const satchelRoot = join(import.meta.dir, "..", "..");

/** The dashboard's built files (`npm run build:ui`), which the executable embeds. */
export const dashboardDir = join(import.meta.dir, "..", "..", "ui", "dist");

export interface CompileOptions {
  /** The program's entry module. */
  entry: string;
  /** Where to write the executable. */
  outfile: string;
  /** Embed the dashboard (default true; without it the server answers /_/ with why). */
  dashboard?: boolean;
  /**
   * Embed TypeScript's native compiler and the types of `satchel/hooks` (default false; ~10 MiB), so the
   * executable type-checks hook files at start as Satchel run from source does; without it the check is
   * skipped with a warning. `npm run build` embeds it.
   */
  typeScript?: boolean;
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
  // the assets go to a folder named as the executable finds them (embedded.ts), in a directory of its own
  const work = options.typeScript ? await mkdtemp(join(tmpdir(), "satchel-compile-")) : null;
  try {
    if (work) {
      const folder = join(work, embeddedFolder);
      await mkdir(folder);
      await writeTypeScriptAssets(satchelRoot, folder).catch((err: unknown) => {
        throw new CompileError(`the TypeScript compiler could not be embedded: ${String(err)}`);
      });
      assets.push("--asset", folder);
    }
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
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
  const { size } = await stat(outfile);
  return { outfile, size };
}
