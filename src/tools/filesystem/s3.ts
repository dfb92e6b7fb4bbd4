import type { Filesystem, StoredObject, UploadOptions } from "./filesystem.ts";
import { detectMimeType } from "./mime.ts";

/** Objects (or ranges) up to this size are served from memory, larger ones streamed. */
const maxBufferedBody = 8 << 20;
/** How many leading bytes the content type is detected from. */
const sniffLength = 3072;

/** The connection settings of an S3-compatible bucket, as PocketBase's settings name them. */
export interface S3Options {
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  /** Address the bucket as `<endpoint>/<bucket>` rather than `<bucket>.<endpoint host>`. */
  forcePathStyle: boolean;
}

/** S3Filesystem stores objects in an S3-compatible bucket under the same keys as the local storage. */
export class S3Filesystem implements Filesystem {
  readonly #client: Bun.S3Client;

  constructor(options: S3Options) {
    this.#client = new Bun.S3Client(clientOptions(options));
  }

  async upload(key: string, data: Uint8Array, options: UploadOptions = {}): Promise<void> {
    await this.#client.write(key, data, { type: options.contentType ?? detectMimeType(data) });
  }

  /** uploadFile sends the file in parts (a multipart upload when it is large), read as they go. */
  async uploadFile(key: string, path: string, options: UploadOptions = {}): Promise<void> {
    const source = Bun.file(path);
    const type = options.contentType ?? detectMimeType(await source.slice(0, sniffLength).bytes());
    await this.#client.write(key, source, { type });
  }

  async read(key: string): Promise<Uint8Array | null> {
    try {
      return await this.#client.file(key).bytes();
    } catch (err) {
      if (isNoSuchKey(err)) return null;
      throw err;
    }
  }

  async open(key: string): Promise<StoredObject | null> {
    const file = this.#client.file(key);
    let stat: Awaited<ReturnType<typeof file.stat>>;
    try {
      stat = await file.stat();
    } catch (err) {
      if (isNoSuchKey(err)) return null;
      throw err;
    }
    return {
      key,
      size: stat.size,
      modified: stat.lastModified,
      contentType: stat.type || "application/octet-stream",
      etag: stat.etag,
      body: async (start = 0, end = stat.size) => {
        if (end <= start) return new Blob([]);
        const part = file.slice(start, end);
        // Bun answers `new Response(s3File)` with a redirect to a presigned URL, and sends a stream without
        // its length: objects up to a few MiB are read whole so that the answer has a Content-Length
        if (end - start <= maxBufferedBody) return new Blob([await part.bytes()]);
        return part.stream();
      },
    };
  }

  exists(key: string): Promise<boolean> {
    return this.#client.file(key).exists();
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.#client.list({ prefix, continuationToken });
      for (const item of page.contents ?? []) keys.push(item.key);
      continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (continuationToken);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await this.#client.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === "" || prefix === "/") throw new Error("prefix mustn't be empty");
    const failures: unknown[] = [];
    for (const key of await this.list(prefix)) await this.delete(key).catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  }
}

/**
 * clientOptions maps the settings onto Bun's client: an endpoint without a scheme is https, and a bucket
 * not in path style is addressed as a subdomain of the endpoint.
 */
function clientOptions(o: S3Options): Bun.S3Options {
  let endpoint = o.endpoint.replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(endpoint)) endpoint = `https://${endpoint}`;
  const base = {
    accessKeyId: o.accessKey,
    secretAccessKey: o.secret,
    region: o.region || undefined,
  };
  if (o.forcePathStyle) return { ...base, bucket: o.bucket, endpoint };
  const url = new URL(endpoint);
  url.hostname = `${o.bucket}.${url.hostname}`;
  return { ...base, bucket: o.bucket, endpoint: url.origin, virtualHostedStyle: true };
}

function isNoSuchKey(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "NoSuchKey" || code === "ERR_S3_FILE_NOT_FOUND";
}
