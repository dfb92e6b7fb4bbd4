import { snakecase } from "../inflector/inflector.ts";
import { randomString } from "../security/random.ts";

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

  static async fromBlob(blob: Blob, name: string): Promise<UploadedFile> {
    return new UploadedFile(name, new Uint8Array(await blob.arrayBuffer()), blob.type);
  }
}

/** extractExtension returns the extension with its dot (".tar.gz" style double extensions are kept). */
function extractExtension(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
  const m = /(\.tar)?\.[^.]*$/i.exec(base);
  return m && m.index > 0 ? m[0] : "";
}

/**
 * normalizeFileName makes the stored name: the snake_cased base name (random when too short, cut at 100),
 * an underscore and 10 random characters, and the cleaned original extension.
 */
export function normalizeFileName(original: string, data: Uint8Array): string {
  let name = original.length > 300 ? original.slice(original.length - 300) : original;
  name = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
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
  const head = data.subarray(0, 16);
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return ".png";
  if (starts(0xff, 0xd8, 0xff)) return ".jpg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return ".gif";
  if (starts(0x25, 0x50, 0x44, 0x46)) return ".pdf";
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45) return ".webp";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return ".zip";
  return "";
}
