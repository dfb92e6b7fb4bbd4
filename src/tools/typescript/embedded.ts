import { rmSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { Compiler } from "./type-check.ts";

/**
 * The TypeScript compiler a single executable carries, to type-check hook files on a machine that has
 * none: TypeScript 7's native `tsc` and the files a check reads besides the user's (the compiler's lib
 * files, Satchel's sources the `satchel/hooks` types come from, the types of the packages they import and
 * Bun's), embedded as assets by `compile({ typeScript: true })` (src/cmd/typescript-assets.ts writes them)
 * and written out the first time a check needs them, into a cache folder named by their hash that later
 * runs (and other processes) reuse.
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
 * embeddedTypeScript gives the compiler and its files written out of the executable, once per process (a
 * reload's check reuses them). They go to a folder named by a hash of the embedded assets (so an executable
 * of another build gets its own), in the user's cache (`$XDG_CACHE_HOME/satchel/`, else `~/.cache/satchel/`),
 * else in the temporary directory: the first start writes them, the later ones find them there. Null when
 * this is no single executable, or one built without the compiler.
 */
export function embeddedTypeScript(): Promise<EmbeddedTypeScript | null> {
  extracted ??= extract();
  return extracted;
}

function embeddedBlob(name: string): Blob | undefined {
  const wanted = `${embeddedFolder}/${name}`;
  return Bun.embeddedFiles.find((b) => (b as Blob & { name?: string }).name === wanted);
}

type Bytes = Uint8Array<ArrayBuffer>;

/** The file written last into a cache folder: a folder without it is not used. */
const completeMarker = ".complete";
/** A folder being written, left by a process killed meanwhile, is removed by a later one after this long. */
const abandonedAfterMs = 10 * 60_000;

async function extract(): Promise<EmbeddedTypeScript | null> {
  if (!Bun.isStandaloneExecutable) return null;
  const compilerBlob = embeddedBlob(compilerAsset);
  const filesBlob = embeddedBlob(filesAsset);
  if (!compilerBlob || !filesBlob) return null;
  const compiler = new Uint8Array(await compilerBlob.arrayBuffer());
  const packed = new Uint8Array(await filesBlob.arrayBuffer());
  const hash = `${Bun.hash.wyhash(compiler).toString(16)}-${Bun.hash.wyhash(packed).toString(16)}`;
  for (const place of cachePlaces(hash)) {
    const found = await cached(place);
    if (found) return found;
    if (
      !(await mkdir(place.root, { recursive: true, mode: 0o700 }).then(
        () => true,
        () => false,
      ))
    )
      continue;
    if (!(await isPrivateFolder(place.root, place.shared))) continue;
    const written = await writeOut(place, compiler, packed).catch(() => null);
    if (written) return written;
  }
  // no cache folder could be written: a private one, removed at exit
  const dir = await mkdtemp(join(tmpdir(), "satchel-typescript-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return writeFiles(dir, compiler, packed);
}

/** Where the files may be kept: root is the folder holding the cache folders, dir the one for this hash. */
interface CachePlace {
  root: string;
  dir: string;
  /** A root other users may write in (the temporary directory): the folder must be ours alone. */
  shared: boolean;
}

function cachePlaces(hash: string): CachePlace[] {
  const places: CachePlace[] = [];
  const xdg = process.env.XDG_CACHE_HOME;
  const home = process.env.HOME || homedir();
  const userCache = xdg && isAbsolute(xdg) ? xdg : home && isAbsolute(home) ? join(home, ".cache") : "";
  if (userCache) {
    const root = join(userCache, "satchel");
    places.push({ root, dir: join(root, `typescript-${hash}`), shared: false });
  }
  // in the shared temporary directory, a folder of this user's own (named by the uid, owned by it)
  const root = join(tmpdir(), `satchel-typescript-${process.getuid?.() ?? "user"}`);
  places.push({ root, dir: join(root, hash), shared: true });
  return places;
}

/** isPrivateFolder tells whether dir is a real folder of this user that nobody else may write in (when shared). */
async function isPrivateFolder(dir: string, shared: boolean): Promise<boolean> {
  const st = await lstat(dir).catch(() => null);
  if (!st?.isDirectory()) return false;
  if (!shared) return true;
  const uid = process.getuid?.();
  return (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** cached gives the files already written to place.dir by an earlier run, when they all are there. */
async function cached(place: CachePlace): Promise<EmbeddedTypeScript | null> {
  if (!(await isPrivateFolder(place.root, place.shared))) return null;
  const marker = await stat(join(place.dir, completeMarker)).catch(() => null);
  if (!marker?.isFile()) return null;
  const version = await Bun.file(join(place.dir, completeMarker))
    .text()
    .catch(() => "");
  return version ? found(place.dir, version) : null;
}

function found(dir: string, version: string): EmbeddedTypeScript {
  return { compiler: { command: [join(dir, "compiler", "tsc")], version }, root: join(dir, "root") };
}

/**
 * writeOut writes the files into a new folder beside place.dir, then renames it to place.dir: a process
 * that starts meanwhile never sees a half-written folder, and when two write at once, the first rename wins
 * and the other uses its folder. Folders left half-written by killed processes are removed.
 */
async function writeOut(place: CachePlace, compiler: Bytes, packed: Bytes): Promise<EmbeddedTypeScript> {
  await removeAbandoned(place);
  const work = await mkdtemp(`${place.dir}.partial-`);
  try {
    const written = await writeFiles(work, compiler, packed);
    await writeFile(join(work, completeMarker), written.compiler.version);
    try {
      await rename(work, place.dir);
    } catch (err) {
      // another process renamed its folder first: the same files
      const other = await cached(place);
      if (!other) throw err;
      return other;
    }
    return found(place.dir, written.compiler.version);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function removeAbandoned(place: CachePlace): Promise<void> {
  const prefix = `${place.dir.slice(place.root.length + 1)}.partial-`;
  const now = Date.now();
  for (const name of await readdir(place.root).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const st = await stat(join(place.root, name)).catch(() => null);
    if (st && now - st.mtimeMs > abandonedAfterMs) await rm(join(place.root, name), { recursive: true, force: true });
  }
}

/** writeFiles writes the compiler and its files under dir. */
async function writeFiles(dir: string, compiler: Bytes, packed: Bytes): Promise<EmbeddedTypeScript> {
  const { version, files } = JSON.parse(new TextDecoder().decode(Bun.gunzipSync(packed))) as TypeScriptFiles;
  const tsc = join(dir, "compiler", "tsc");
  await mkdir(dirname(tsc), { recursive: true });
  await writeFile(tsc, Bun.gunzipSync(compiler));
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
  return found(dir, version);
}
