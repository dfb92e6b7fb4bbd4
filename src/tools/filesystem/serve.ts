import { readBody, type StoredObject } from "./filesystem.ts";

/** A byte range to send: start inclusive, length bytes. */
interface ByteRange {
  start: number;
  length: number;
}

class RangeError416 extends Error {}
const noOverlap = "invalid range: failed to overlap";

/**
 * serveObject answers a GET or HEAD for a stored object as Go's http.ServeContent does: conditional
 * requests (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, If-Range), single and multiple
 * byte ranges, and `headers` (type, disposition, caching) kept on every answer but the errors.
 */
export async function serveObject(request: Request, obj: StoredObject, headers: Headers): Promise<Response> {
  const modified = Math.floor(obj.modified.getTime() / 1000);
  if (obj.etag !== "" && !headers.has("etag")) headers.set("ETag", obj.etag);
  const etag = headers.get("etag") ?? "";
  if (modified > 0) headers.set("Last-Modified", obj.modified.toUTCString());

  const isRead = request.method === "GET" || request.method === "HEAD";
  const h = request.headers;
  const ifMatch = h.get("if-match");
  const failed =
    ifMatch !== null
      ? !etagListMatches(ifMatch, etag, true)
      : notAfter(h.get("if-unmodified-since"), modified) === false;
  if (failed) return new Response(null, { status: 412, headers });

  const ifNoneMatch = h.get("if-none-match");
  const notModified =
    ifNoneMatch !== null
      ? etagListMatches(ifNoneMatch, etag, false)
      : isRead && notAfter(h.get("if-modified-since"), modified) === true;
  if (notModified) {
    if (!isRead) return new Response(null, { status: 412, headers });
    for (const name of ["content-type", "content-length", "content-encoding"]) headers.delete(name);
    if (etag !== "") headers.delete("last-modified");
    return new Response(null, { status: 304, headers });
  }

  let rangeHeader = isRead ? h.get("range") : null;
  if (rangeHeader !== null && !ifRangeAllows(h.get("if-range"), etag, modified)) rangeHeader = null;
  let ranges: ByteRange[];
  try {
    ranges = parseRanges(rangeHeader ?? "", obj.size);
  } catch (err) {
    return rangeError(err, obj.size, headers);
  }
  // ranges asking for more than the whole object are answered with the whole object
  if (ranges.reduce((sum, r) => sum + r.length, 0) > obj.size) ranges = [];

  headers.set("Accept-Ranges", "bytes");
  const bodyless = request.method === "HEAD";
  if (ranges.length === 0) {
    headers.set("Content-Length", String(obj.size));
    return new Response(bodyless ? null : await obj.body(), { status: 200, headers });
  }
  if (ranges.length === 1) {
    const [r] = ranges as [ByteRange];
    headers.set("Content-Range", `bytes ${r.start}-${r.start + r.length - 1}/${obj.size}`);
    headers.set("Content-Length", String(r.length));
    return new Response(bodyless ? null : await obj.body(r.start, r.start + r.length), { status: 206, headers });
  }
  const boundary = randomBoundary();
  const partType = headers.get("content-type") ?? "";
  const parts: (string | Uint8Array)[] = [];
  for (const [i, r] of ranges.entries()) {
    const lead = i === 0 ? "" : "\r\n";
    parts.push(
      `${lead}--${boundary}\r\nContent-Range: bytes ${r.start}-${r.start + r.length - 1}/${obj.size}\r\nContent-Type: ${partType}\r\n\r\n`,
      // read now: a remote object's slices can't be streamed from inside a composed body
      await readBody(obj, r.start, r.start + r.length),
    );
  }
  parts.push(`\r\n--${boundary}--\r\n`);
  const body = new Blob(parts);
  headers.set("Content-Type", `multipart/byteranges; boundary=${boundary}`);
  headers.set("Content-Length", String(body.size));
  return new Response(bodyless ? null : body, { status: 206, headers });
}

/** rangeError is the 416 answer: the preset headers without the caching ones, as Go's serveError strips them. */
function rangeError(err: unknown, size: number, headers: Headers): Response {
  const message = err instanceof RangeError416 ? err.message : "invalid range";
  for (const name of ["cache-control", "etag", "last-modified"]) headers.delete(name);
  headers.set("Content-Type", "text/plain; charset=utf-8");
  headers.set("X-Content-Type-Options", "nosniff");
  if (message === noOverlap) headers.set("Content-Range", `bytes */${size}`);
  return new Response(`${message}\n`, { status: 416, headers });
}

/** parseRanges reads a `bytes=` Range header; ranges past the end are dropped, and none left is a 416. */
function parseRanges(header: string, size: number): ByteRange[] {
  if (header === "") return [];
  if (!header.startsWith("bytes=")) throw new RangeError416("invalid range");
  const out: ByteRange[] = [];
  let overlapMissed = false;
  for (const raw of header.slice("bytes=".length).split(",")) {
    const spec = raw.trim();
    if (spec === "") continue;
    const dash = spec.indexOf("-");
    if (dash < 0) throw new RangeError416("invalid range");
    const startText = spec.slice(0, dash).trim();
    const endText = spec.slice(dash + 1).trim();
    if (startText === "") {
      // a suffix: the last N bytes
      if (endText === "" || !/^\d+$/.test(endText)) throw new RangeError416("invalid range");
      const n = Math.min(Number(endText), size);
      out.push({ start: size - n, length: n });
      continue;
    }
    if (!/^\d+$/.test(startText)) throw new RangeError416("invalid range");
    const start = Number(startText);
    if (start >= size) {
      overlapMissed = true;
      continue;
    }
    if (endText === "") {
      out.push({ start, length: size - start });
      continue;
    }
    if (!/^\d+$/.test(endText)) throw new RangeError416("invalid range");
    const end = Math.min(Number(endText), size - 1);
    if (start > Number(endText)) throw new RangeError416("invalid range");
    out.push({ start, length: end - start + 1 });
  }
  if (overlapMissed && out.length === 0) throw new RangeError416(noOverlap);
  return out;
}

/**
 * notAfter tells whether the object (modified at `modified`, in seconds) is no newer than an HTTP date
 * header; null when the header is absent or unreadable, or the time unknown.
 */
function notAfter(header: string | null, modified: number): boolean | null {
  if (header === null || modified <= 0) return null;
  const t = Date.parse(header);
  if (Number.isNaN(t)) return null;
  return modified <= Math.floor(t / 1000);
}

/** etagListMatches checks a list of entity tags (or `*`) against ours; a strong comparison ignores weak tags. */
function etagListMatches(list: string, etag: string, strong: boolean): boolean {
  if (list.trim() === "*") return true;
  if (etag === "") return false;
  const ours = etag.replace(/^W\//, "");
  for (const raw of list.split(",")) {
    const tag = raw.trim();
    if (strong && (tag.startsWith("W/") || etag.startsWith("W/"))) continue;
    if (tag.replace(/^W\//, "") === ours) return true;
  }
  return false;
}

/** ifRangeAllows tells whether a Range may be honoured under If-Range (our tag, or our exact time). */
function ifRangeAllows(ifRange: string | null, etag: string, modified: number): boolean {
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return etagListMatches(value, etag, true);
  const t = Date.parse(value);
  return modified > 0 && !Number.isNaN(t) && Math.floor(t / 1000) === modified;
}

function randomBoundary(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString("hex");
}
