import { rmSync } from "node:fs";
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Compiler } from "./type-check.ts";

/**
 * The TypeScript compiler a single executable carries, to type-check hook files on a machine that has
 * none: TypeScript 7's native `tsc` and the files a check reads besides the user's (the compiler's lib
 * files, Satchel's sources the `satchel/hooks` types come from, the types of the packages they import and
 * Bun's), embedded as assets by `compile({ typeScript: true })` (src/cmd/typescript-assets.ts writes them)
 * and written to a temporary directory the first time a check needs them.
 */

/** The folder the assets are embedded under (`Bun.embeddedFiles` named `typescript/...`). */
export const embeddedFolder = "typescript";
/** The compiler, gzipped. */
export const compilerAsset = "tsc.gz";
/** The files, as a gzipped TypeScriptFiles. */
export const filesAsset = "files.json.gz";

/**
 * TypeScriptFiles are the files the embedded compiler reads, by path: `compiler/...` beside the compiler
 * (its lib files), `root/...` as under Satchel's folder (`root/src/...`, `root/node_modules/...`).
 */
export interface TypeScriptFiles {
  version: string;
  files: Record<string, string>;
}

/** An embedded compiler written to disk: how to run it, and the folder that stands for Satchel's. */
export interface EmbeddedTypeScript {
  compiler: Compiler;
  /** Satchel's folder as the check sees it: `src/...` and `node_modules/...` under it. */
  root: string;
}

let extracted: Promise<EmbeddedTypeScript | null> | undefined;

/**
 * embeddedTypeScript writes the compiler and its files out of the executable, once per process (a
 * reload's check reuses them), into a private temporary directory removed when the process exits. Null
 * when this is no single executable, or one built without the compiler.
 */
export function embeddedTypeScript(): Promise<EmbeddedTypeScript | null> {
  extracted ??= extract();
  return extracted;
}

function embeddedBlob(name: string): Blob | undefined {
  const wanted = `${embeddedFolder}/${name}`;
  return Bun.embeddedFiles.find((b) => (b as Blob & { name?: string }).name === wanted);
}

async function extract(): Promise<EmbeddedTypeScript | null> {
  if (!Bun.isStandaloneExecutable) return null;
  const compilerBlob = embeddedBlob(compilerAsset);
  const filesBlob = embeddedBlob(filesAsset);
  if (!compilerBlob || !filesBlob) return null;
  const dir = await mkdtemp(join(tmpdir(), "satchel-typescript-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const { version, files } = JSON.parse(
    new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await filesBlob.arrayBuffer()))),
  ) as TypeScriptFiles;
  const tsc = join(dir, "compiler", "tsc");
  await mkdir(dirname(tsc), { recursive: true });
  await writeFile(tsc, Bun.gunzipSync(new Uint8Array(await compilerBlob.arrayBuffer())));
  await chmod(tsc, 0o755);
  const made = new Set<string>();
  for (const [path, text] of Object.entries(files)) {
    // paths come from the build: relative, forward slashes, never climbing out
    if (path.startsWith("/") || path.split("/").includes("..")) continue;
    const target = join(dir, ...path.split("/"));
    const parent = dirname(target);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(target, text);
  }
  return { compiler: { command: [tsc], version }, root: join(dir, "root") };
}
