import { type BigIntStats, statSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Filesystem, StoredObject, UploadOptions } from "./filesystem.ts";
import { detectMimeType } from "./mime.ts";

/** The suffix of the side files holding an object's attributes, as PocketBase's local storage writes them. */
const attrsSuffix = ".attrs";
const sniffLength = 3072;
const maxCachedTypes = 10_000;

/** The attribute side file's JSON, field for field as PocketBase (gocloud's fileblob) writes it. */
interface Attrs {
  "user.cache_control": string;
  "user.content_disposition": string;
  "user.content_encoding": string;
  "user.content_language": string;
  "user.content_type": string;
  "user.metadata": Record<string, string> | null;
  md5: string;
}

/**
 * LocalFilesystem stores objects as files under a root directory, each with a `<name>.attrs` side file
 * (content type, original name, MD5) so that PocketBase and Satchel can serve each other's data directory.
 */
export class LocalFilesystem implements Filesystem {
  readonly root: string;
  /** Content types by path and version, so that serving a file doesn't read its side file every time. */
  readonly #types = new Map<string, string>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Keys are relative paths; anything escaping the root, or naming a side file, is refused. */
  #path(key: string): string {
    const full = resolve(join(this.root, key));
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new Error(`invalid file key: ${key}`);
    if (full.endsWith(attrsSuffix)) throw new Error(`file extension "${attrsSuffix}" is reserved`);
    return full;
  }

  /** pathOf is the file a key is stored in (an invalid key throws, as everywhere). */
  pathOf(key: string): string {
    return this.#path(key);
  }

  async upload(key: string, data: Uint8Array, options: UploadOptions = {}): Promise<void> {
    const md5 = new Bun.CryptoHasher("md5").update(data).digest("base64");
    const contentType = options.contentType ?? detectMimeType(data);
    await this.#write(key, attrsFor(contentType, options.originalName, md5), (temp) => Bun.write(temp, data));
  }

  async uploadFile(key: string, path: string, options: UploadOptions = {}): Promise<void> {
    const source = Bun.file(path);
    const contentType = options.contentType ?? detectMimeType(await source.slice(0, sniffLength).bytes());
    const hasher = new Bun.CryptoHasher("md5");
    for await (const chunk of source.stream()) hasher.update(chunk);
    const attrs = attrsFor(contentType, options.originalName, hasher.digest("base64"));
    await this.#write(key, attrs, (temp) => copyFile(path, temp));
  }

  /** #write writes an object beside its key and renames it over it, so that a reader sees the old or the whole new one. */
  async #write(key: string, attrs: Attrs, writeTo: (temp: string) => Promise<unknown>): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.hrtime.bigint().toString(16)}.tmp`;
    try {
      await writeTo(temp);
      await Bun.write(path + attrsSuffix, `${JSON.stringify(attrs)}\n`);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async read(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.#path(key)));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async open(key: string): Promise<StoredObject | null> {
    const path = this.#path(key);
    let info: BigIntStats;
    try {
      // a synchronous stat is a few microseconds; the asynchronous one costs ten times that on every download
      info = statSync(path, { bigint: true });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    if (!info.isFile()) return null;
    const file = Bun.file(path);
    const etag = `"${info.mtimeNs.toString(16)}-${info.size.toString(16)}"`;
    const cacheKey = `${path}\n${etag}`;
    let contentType = this.#types.get(cacheKey);
    if (contentType === undefined) {
      contentType = (await readContentType(path)) ?? detectMimeType(await file.slice(0, sniffLength).bytes());
      if (this.#types.size >= maxCachedTypes) this.#types.delete(this.#types.keys().next().value ?? "");
      this.#types.set(cacheKey, contentType);
    }
    return {
      key,
      size: Number(info.size),
      modified: new Date(Number(info.mtimeMs)),
      contentType,
      etag,
      body: async (start, end) => file.slice(start, end),
    };
  }

  async exists(key: string): Promise<boolean> {
    try {
      return statSync(this.#path(key)).isFile();
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf("/");
    const dir = slash >= 0 ? this.#path(prefix.slice(0, slash)) : this.root;
    let entries: string[];
    try {
      entries = await readdir(dir, { recursive: true });
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === "ENOTDIR") return [];
      throw err;
    }
    const keys: string[] = [];
    for (const entry of entries) {
      if (entry.endsWith(attrsSuffix)) continue;
      const full = join(dir, entry);
      const key = relative(this.root, full).split(sep).join("/");
      if (!key.startsWith(prefix)) continue;
      if ((await stat(full)).isFile()) keys.push(key);
    }
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
    await rm(path + attrsSuffix, { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === "" || prefix === "/") throw new Error("prefix mustn't be empty");
    if (prefix.endsWith("/")) {
      await rm(this.#path(prefix), { recursive: true, force: true });
      return;
    }
    for (const key of await this.list(prefix)) await this.delete(key);
  }
}

function attrsFor(contentType: string, originalName: string | undefined, md5: string): Attrs {
  return {
    "user.cache_control": "",
    "user.content_disposition": "",
    "user.content_encoding": "",
    "user.content_language": "",
    "user.content_type": contentType,
    "user.metadata": originalName ? { "original-filename": originalName.slice(0, 255) } : null,
    md5,
  };
}

/** readContentType reads an object's content type from its side file (null when there is none). */
async function readContentType(path: string): Promise<string | null> {
  try {
    const attrs = JSON.parse(await readFile(path + attrsSuffix, "utf8")) as Partial<Attrs>;
    const type = attrs["user.content_type"];
    return typeof type === "string" && type !== "" ? type : null;
  } catch {
    return null;
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "EISDIR";
}
