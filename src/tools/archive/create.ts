import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";

export interface CreateZipOptions {
  /** Paths relative to the source directory (`/`-separated) left out, with everything under them. */
  exclude?: readonly string[];
}

/**
 * createZip writes a zip of the regular files under srcDir to destPath, named by their paths relative to
 * srcDir (no directory entries, as PocketBase's archives have none). The archive is streamed to disk: one
 * file is open at a time and nothing is held in memory whole. Symbolic links and special files are left
 * out. On failure the partial archive is removed.
 */
export async function createZip(srcDir: string, destPath: string, options: CreateZipOptions = {}): Promise<void> {
  const excluded = new Set(options.exclude ?? []);
  await mkdir(dirname(destPath), { recursive: true });
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(destPath));
  try {
    await addTree(zip, srcDir, "", excluded);
    zip.end();
    await written;
  } catch (err) {
    // yazl's output is a Node stream, typed as the bare interface
    (zip.outputStream as Readable).destroy();
    await written.catch(() => {});
    await rm(destPath, { force: true });
    throw err;
  }
}

async function addTree(zip: ZipFile, root: string, prefix: string, excluded: ReadonlySet<string>): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (excluded.has(name)) continue;
    if (entry.isDirectory()) {
      await addTree(zip, root, name, excluded);
    } else if (entry.isFile()) {
      // deflated at the fastest level, as PocketBase does: databases are large and compress well enough
      zip.addFile(join(root, name), name, { compressionLevel: 1 });
    }
  }
}
