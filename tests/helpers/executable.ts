import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runSatchel } from "../cli/process.ts";
import { removeAfterRun } from "./run-scratch.ts";

/**
 * The single-file executable, compiled by `npm run build`'s script once per `bun test` process (bun runs
 * every test file in one process, and a build costs several seconds) and shared by the files that test it.
 */

let built: Promise<string> | undefined;

function buildOnce(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "satchel-exe-build-"));
    removeAfterRun(dir);
    const outfile = join(dir, "satchel");
    // the dashboard as built (npm test builds it first): rebuilding it would swap ui/dist's files under the
    // browser tests, which npm test runs at the same time
    const prebuilt = existsSync(join(repoRoot, "ui", "dist", "index.html")) ? ["--prebuilt-ui"] : [];
    const build = await runSatchel([join(repoRoot, "scripts", "build.ts"), `--outfile=${outfile}`, ...prebuilt], {
      cmd: [process.execPath],
      timeoutMs: 120_000,
    });
    if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
    return outfile;
  })();
  return built;
}

/** How to run a copy of the executable alone in a directory, with a PATH that holds neither bun nor node. */
export interface ExecutableRun {
  /** The copy of the executable (the only file in cwd at first). */
  exe: string;
  cmd: string[];
  cwd: string;
  env: Record<string, string>;
}

/** copyExecutable puts a copy of the executable in `<tmp>/run` and an empty `<tmp>/empty-bin` for its PATH. */
export async function copyExecutable(tmp: string): Promise<ExecutableRun> {
  const source = await buildOnce();
  const runDir = join(tmp, "run");
  await mkdir(runDir);
  const exe = join(runDir, "satchel");
  await copyFile(source, exe);
  await chmod(exe, 0o755);
  const emptyBin = join(tmp, "empty-bin");
  await mkdir(emptyBin);
  return { exe, cmd: [exe], cwd: runDir, env: { PATH: emptyBin, HOME: runDir } };
}
