import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, posix, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { type Entry, openPromise, type ZipFile } from "yauzl";

/** ArchiveError is an archive that can't be extracted as it is: unreadable, unsafe or over a limit. */
export class ArchiveError extends Error {}

export interface ExtractLimits {
  /** The most bytes the files may hold together once extracted. */
  maxBytes: number;
  /** The most entries (files and directories). */
  maxEntries: number;
  /** Files the archive must hold (`/`-separated paths). */
  required?: readonly string[];
}

const typeMask = 0o170000;
const regularFile = 0o100000;
const directory = 0o040000;
const unixHost = 3;

/**
 * extractZip extracts the zip at zipPath into destDir (created when missing), after checking every entry
 * first: nothing is written unless the whole archive is acceptable. Refused with an ArchiveError: an
 * unreadable archive, a name that is absolute, climbs out with `..` or uses backslashes, a symbolic link or
 * special file, an encrypted entry or an unknown compression, a name given twice, more entries or more
 * bytes than the limits allow (the sizes the archive declares, which the extraction holds it to: an entry
 * that inflates past its declared size fails), or a required file missing. Entries are streamed to disk.
 */
export async function extractZip(zipPath: string, destDir: string, limits: ExtractLimits): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await openPromise(zipPath, { strictFileNames: true, validateEntrySizes: true, autoClose: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw new ArchiveError(`not a valid zip archive: ${errorText(err)}`);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ArchiveError(`the archive has ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`);
    }
    const entries = await checkedEntries(zip, limits);
    const root = resolve(destDir);
    await mkdir(root, { recursive: true });
    for (const [name, entry] of entries) await extractEntry(zip, entry, root, name);
  } finally {
    zip.close();
  }
}

/** checkedEntries reads the central directory and checks each entry, keyed by its normalized path. */
async function checkedEntries(zip: ZipFile, limits: ExtractLimits): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = posix.normalize(entry.fileName);
      if (name === "." || name === "./") continue;
      if (entries.has(name)) throw new ArchiveError(`the archive holds ${JSON.stringify(name)} more than once`);
      checkEntry(entry, name);
      total += entry.uncompressedSize;
      if (total > limits.maxBytes) {
        throw new ArchiveError(`the archive holds more than the ${limits.maxBytes} bytes allowed once extracted`);
      }
      entries.set(name, entry);
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`not a valid zip archive: ${errorText(err)}`);
  }
  for (const name of limits.required ?? []) {
    if (!entries.has(name)) throw new ArchiveError(`the archive has no ${name}`);
  }
  return entries;
}

function checkEntry(entry: Entry, name: string): void {
  const quoted = JSON.stringify(name);
  const mode = (entry.externalFileAttributes >>> 16) & typeMask;
  const fromUnix = entry.versionMadeBy >> 8 === unixHost;
  if (fromUnix && mode !== 0 && mode !== regularFile && mode !== directory) {
    throw new ArchiveError(`${quoted} is a symbolic link or a special file`);
  }
  if (entry.isEncrypted()) throw new ArchiveError(`${quoted} is encrypted`);
  if (!entry.canDecodeFileData()) {
    throw new ArchiveError(`${quoted} uses an unsupported compression method (${entry.compressionMethod})`);
  }
}

async function extractEntry(zip: ZipFile, entry: Entry, root: string, name: string): Promise<void> {
  const target = join(root, name);
  if (!target.startsWith(root + sep)) throw new ArchiveError(`${JSON.stringify(name)} is outside the archive`);
  if (entry.fileName.endsWith("/")) {
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(join(target, ".."), { recursive: true });
  try {
    const stream = await zip.openReadStreamPromise(entry);
    // "wx": never write through something already there (the destination is a fresh directory)
    await pipeline(stream, createWriteStream(target, { flags: "wx", mode: 0o644 }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw new ArchiveError(`${JSON.stringify(name)} can't be extracted: ${errorText(err)}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
