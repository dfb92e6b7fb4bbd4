import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** One file of a StaticAssets set, held in memory with its precompressed variants. */
export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
  /** A strong validator of the body (the same for every encoding of it). */
  etag: string;
  /** Precompressed variants built beside the file (`<name>.br`, `<name>.gz`). */
  br?: Uint8Array;
  gzip?: Uint8Array;
}

/** A named blob, as `Bun.embeddedFiles` or a directory listing gives them. */
export interface NamedBlob {
  /** The path inside the set, with `/` separators (`assets/index-1a2b.js`). */
  name: string;
  blob: Blob;
}

export interface ServeAssetOptions {
  /** The Cache-Control header of the answer. */
  cacheControl: string;
  /** Extra headers (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
}

const compressedSuffixes = { ".br": "br", ".gz": "gzip" } as const;

/**
 * StaticAssets is a folder of files served from memory, such as a built single-page app: each file is read
 * once, and its `.br`/`.gz` siblings are served in its place to clients that accept them.
 */
export class StaticAssets {
  readonly #files: Map<string, StaticAsset>;

  private constructor(files: Map<string, StaticAsset>) {
    this.#files = files;
  }

  /** fromBlobs builds the set from named blobs; `<name>.br` and `<name>.gz` become variants of `<name>`. */
  static async fromBlobs(blobs: readonly NamedBlob[]): Promise<StaticAssets> {
    const byName = new Map(blobs.map((b) => [b.name, b.blob]));
    const files = new Map<string, StaticAsset>();
    for (const [name, blob] of byName) {
      const original = variantOf(name);
      if (original !== null && byName.has(original)) continue;
      const body = new Uint8Array(await blob.arrayBuffer());
      const brBlob = byName.get(`${name}.br`);
      const gzipBlob = byName.get(`${name}.gz`);
      files.set(name, {
        body,
        contentType: contentTypeOf(name, blob),
        etag: `"${Bun.hash(body).toString(36)}"`,
        ...(brBlob ? { br: new Uint8Array(await brBlob.arrayBuffer()) } : {}),
        ...(gzipBlob ? { gzip: new Uint8Array(await gzipBlob.arrayBuffer()) } : {}),
      });
    }
    return new StaticAssets(files);
  }

  /** fromDirectory reads every file under dir (null when dir doesn't exist). */
  static async fromDirectory(dir: string): Promise<StaticAssets | null> {
    let entries: string[];
    try {
      entries = await readdir(dir, { recursive: true });
    } catch {
      return null;
    }
    const blobs: NamedBlob[] = [];
    for (const entry of entries) {
      const file = Bun.file(join(dir, entry));
      if (!(await file.stat()).isFile()) continue;
      blobs.push({ name: relative(dir, join(dir, entry)).split(sep).join("/"), blob: file });
    }
    return StaticAssets.fromBlobs(blobs);
  }

  /** The number of files (variants not counted). */
  get size(): number {
    return this.#files.size;
  }

  get(name: string): StaticAsset | undefined {
    return this.#files.get(name);
  }

  /**
   * respond answers a GET or HEAD for the named file: 304 when the client's `If-None-Match` has its etag,
   * else the smallest encoding the client accepts. It returns null when there is no such file.
   */
  respond(request: Request, name: string, options: ServeAssetOptions): Response | null {
    const asset = this.#files.get(name);
    if (!asset) return null;
    const headers = new Headers(options.headers);
    headers.set("Cache-Control", options.cacheControl);
    headers.set("ETag", asset.etag);
    headers.set("Content-Type", asset.contentType);
    if (asset.br || asset.gzip) headers.set("Vary", "Accept-Encoding");
    if (etagMatches(request.headers.get("if-none-match"), asset.etag)) {
      return new Response(null, { status: 304, headers });
    }
    const accepted = acceptedEncodings(request.headers.get("accept-encoding") ?? "");
    let body = asset.body;
    if (asset.br && accepted.has("br")) {
      body = asset.br;
      headers.set("Content-Encoding", "br");
    } else if (asset.gzip && accepted.has("gzip")) {
      body = asset.gzip;
      headers.set("Content-Encoding", "gzip");
    }
    headers.set("Content-Length", String(body.byteLength));
    return new Response(request.method === "HEAD" ? null : body, { status: 200, headers });
  }
}

/** variantOf names the file a precompressed variant belongs to (null when name is no variant). */
function variantOf(name: string): string | null {
  for (const suffix of Object.keys(compressedSuffixes)) {
    if (name.endsWith(suffix)) return name.slice(0, -suffix.length);
  }
  return null;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

function contentTypeOf(name: string, blob: Blob): string {
  const dot = name.lastIndexOf(".");
  const known = dot >= 0 ? contentTypes[name.slice(dot).toLowerCase()] : undefined;
  return known ?? (blob.type || "application/octet-stream");
}

/** acceptedEncodings lists the codings an Accept-Encoding header allows (a `q=0` one is refused). */
function acceptedEncodings(header: string): Set<string> {
  const accepted = new Set<string>();
  for (const part of header.split(",")) {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (coding !== "" && !refused) accepted.add(coding);
  }
  if (accepted.has("*")) {
    accepted.add("br");
    accepted.add("gzip");
  }
  return accepted;
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}
