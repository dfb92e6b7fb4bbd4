import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Filesystem } from "./filesystem.ts";

/** LocalFilesystem stores objects as files under a root directory. */
export class LocalFilesystem implements Filesystem {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Keys are relative paths; anything escaping the root is refused. */
  #path(key: string): string {
    const full = resolve(join(this.root, key));
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new Error(`invalid file key: ${key}`);
    return full;
  }

  async upload(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await Bun.write(path, data);
  }

  async read(key: string): Promise<Uint8Array | null> {
    const file = Bun.file(this.#path(key));
    if (!(await file.exists())) return null;
    return new Uint8Array(await file.arrayBuffer());
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#path(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.#path(prefix), { recursive: true, force: true });
  }
}
