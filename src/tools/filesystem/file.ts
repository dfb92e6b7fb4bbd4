import { snakecase } from "../inflector/inflector.ts";
import { randomString } from "../security/random.ts";
import { detectMimeType, mimeExtension } from "./mime.ts";

const randomAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const extInvalidChars = /[^\w.*\-+=#]+/g;

/**
 * UploadedFile is a file received in a request (or made by code) and not yet stored. `name` is the
 * normalized, collision-proof name it will be stored under; `originalName` is what the client sent.
 */
export class UploadedFile {
  readonly name: string;

  constructor(
    readonly originalName: string,
    readonly data: Uint8Array,
    readonly declaredType = "",
  ) {
    this.name = normalizeFileName(originalName, data);
  }

  get size(): number {
    return this.data.byteLength;
  }

  /** fromBlob reads an upload; its name is reduced to the last path element, as Go's multipart reader does. */
  static async fromBlob(blob: Blob, name: string): Promise<UploadedFile> {
    return new UploadedFile(baseName(name), new Uint8Array(await blob.arrayBuffer()), blob.type);
  }
}

/** baseName is Go's filepath.Base on Linux: the last "/"-separated element, trailing slashes ignored. */
export function baseName(path: string): string {
  if (path === "") return ".";
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** extractExtension returns the extension with its dot; two dotted parts are kept (".tar.gz", ".c.txt"). */
function extractExtension(name: string): string {
  const primary = name.lastIndexOf(".");
  if (primary < 0) return "";
  const secondary = name.lastIndexOf(".", primary - 1);
  return name.slice(secondary >= 0 && primary > 0 ? secondary : primary);
}

/**
 * normalizeFileName makes the stored name: the snake_cased base name (random when too short, cut at 100),
 * an underscore and 10 random characters, and the cleaned original extension.
 */
export function normalizeFileName(original: string, data: Uint8Array): string {
  const name = original.length > 300 ? original.slice(original.length - 300) : original;
  const originalExt = extractExtension(name);
  let ext = `.${originalExt.replace(extInvalidChars, "").replace(/^\.+|\.+$/g, "")}`;
  if (ext === ".") ext = detectExtension(data);
  if (ext.length > 20) ext = `.${ext.slice(ext.length - 20).replace(/^\.+|\.+$/g, "")}`;
  let clean = snakecase(name.slice(0, name.length - originalExt.length).replace(/^\.+|\.+$/g, ""));
  if (clean.length < 3) clean += randomString(10, randomAlphabet);
  else if (clean.length > 100) clean = clean.slice(0, 100);
  return `${clean}_${randomString(10, randomAlphabet)}${ext}`;
}

function detectExtension(data: Uint8Array): string {
  return mimeExtension(detectMimeType(data));
}
