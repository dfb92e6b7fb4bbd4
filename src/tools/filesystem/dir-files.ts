import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";

/**
 * dirFiles returns the names of a directory's plain files that `keep` accepts, in name order: none when the
 * directory doesn't exist (a hooks or migrations directory nobody made yet).
 */
export async function dirFiles(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => e.name)
    .sort();
}
