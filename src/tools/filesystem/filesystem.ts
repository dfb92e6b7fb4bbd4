/** What a stored object carries besides its bytes. */
export interface UploadOptions {
  /** The MIME type served with the object (detected from the bytes when left out). */
  contentType?: string;
  /** The name the client uploaded the file under, kept as metadata. */
  originalName?: string;
}

/** StoredObject is an object found in storage: its attributes, and its bytes read on demand. */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly modified: Date;
  readonly contentType: string;
  /** A strong validator that changes whenever the bytes change. */
  readonly etag: string;
  /**
   * body gives the bytes from start (inclusive) to end (exclusive), ready to be a Response body: a lazy
   * slice of a local file (sent without copying), the bytes or a stream of them for a remote object.
   */
  body(start?: number, end?: number): Promise<Blob | ReadableStream<Uint8Array>>;
}

/** readBody reads an object's bytes (or a range of them) into memory. */
export async function readBody(obj: StoredObject, start?: number, end?: number): Promise<Uint8Array> {
  return new Response(await obj.body(start, end)).bytes();
}

/**
 * Filesystem is where record files live: the local data directory or an S3-compatible bucket. Keys are
 * `/`-separated paths (`<collectionId>/<recordId>/<name>`); both implementations pass
 * filesystem.suite.ts.
 */
export interface Filesystem {
  /** upload writes data under key, replacing what was there; a reader never sees a partial object. */
  upload(key: string, data: Uint8Array, options?: UploadOptions): Promise<void>;
  /**
   * uploadFile copies the file at path under key, streaming it (never whole in memory), with upload's
   * guarantees; the file itself is left in place.
   */
  uploadFile(key: string, path: string, options?: UploadOptions): Promise<void>;
  /** read returns the bytes under key, or null when there is none. */
  read(key: string): Promise<Uint8Array | null>;
  /** open returns the object under key without reading its bytes, or null when there is none. */
  open(key: string): Promise<StoredObject | null>;
  exists(key: string): Promise<boolean>;
  /** list returns the keys of every object under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** delete removes one object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** deletePrefix removes every object under a `/`-ended prefix. */
  deletePrefix(prefix: string): Promise<void>;
}
