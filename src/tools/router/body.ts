import { exceedsJsonDepth, maxJsonDepth } from "../types/json-raw.ts";
import { ApiError, badRequest, payloadTooLarge } from "./api-error.ts";

/** The parsed body of a request: data keys, and uploaded files by key (multipart only). */
export interface ParsedBody {
  data: Record<string, unknown>;
  files: Record<string, File[]>;
}

const jsonPayloadKey = "@jsonPayload";

const invalidFormatting = "Failed to load the submitted data due to invalid formatting.";

/** MalformedBodyError is a body that doesn't parse as its content type says (kept as an ApiError's raw error). */
export class MalformedBodyError extends Error {}

/** UnsupportedContentTypeError is a non-empty body of a type no endpoint reads (kept as an ApiError's raw error). */
export class UnsupportedContentTypeError extends Error {}

/**
 * A body that can't be read is a 400 whose raw error tells why (MalformedBodyError or
 * UnsupportedContentTypeError): PocketBase words the message differently per endpoint.
 */
function unreadableBody(raw: Error): ApiError {
  return badRequest(invalidFormatting, raw);
}

/**
 * inferValue types a form value the way PocketBase does: "true"/"false" become booleans, and numeric text
 * becomes a number only when formatting the number gives back the same text ("0001", "1e3", "0.0" stay strings).
 */
export function inferValue(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw !== "" && /^-?\d/.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n) && String(n) === raw) return n;
  }
  return raw;
}

function addValue(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in target)) target[key] = value;
  else {
    const existing = target[key];
    target[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
}

/**
 * parseRequestBody reads a JSON, urlencoded or multipart body (anything else with content is a 400).
 * `maxBytes` bounds the body; a larger one is a 413.
 */
export async function parseRequestBody(request: Request, maxBytes: number): Promise<ParsedBody> {
  const lengthHeader = request.headers.get("content-length");
  const declared = lengthHeader === null || lengthHeader === "" ? Number.NaN : Number(lengthHeader);
  if (declared > maxBytes) throw payloadTooLarge();
  const rawType = request.headers.get("content-type") ?? "";
  const type = rawType.toLowerCase();
  const result: ParsedBody = { data: {}, files: {} };
  if (declared === 0) return result;
  // a declared length bounds the body already (and text() is much cheaper than reading the stream);
  // bodies without one (chunked uploads, in-process requests) are read with a running count
  const bounded = Number.isFinite(declared);
  if (!bounded && !request.body) return result;

  if (type.startsWith("multipart/form-data")) {
    let form: Awaited<ReturnType<Request["formData"]>>;
    try {
      // without a declared length the parts are collected first under the limit: formData() itself would
      // buffer the whole stream, however long, before any check could run
      form = bounded
        ? await request.formData()
        : // the boundary is case-sensitive: the header as sent
          await new Response(await readBytes(request, maxBytes), { headers: { "content-type": rawType } }).formData();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw unreadableBody(new MalformedBodyError(String(err)));
    }
    let size = 0;
    for (const [key, entry] of form.entries()) {
      // a part without a file name is a plain value, whatever it carries
      const value = typeof entry === "string" || isNamedFile(entry) ? entry : await (entry as Blob).text();
      if (typeof value === "string") {
        size += value.length;
        if (key === jsonPayloadKey) continue;
        addValue(result.data, key, inferValue(value));
      } else {
        size += value.size;
        const list = result.files[key] ?? [];
        list.push(value);
        result.files[key] = list;
      }
    }
    if (size > maxBytes) throw payloadTooLarge();
    const payload = form.getAll(jsonPayloadKey);
    for (const p of payload) {
      if (typeof p !== "string") continue;
      Object.assign(result.data, parseJsonObject(p));
    }
    return result;
  }

  const text = bounded ? await request.text() : new TextDecoder().decode(await readBytes(request, maxBytes));
  if (text === "") return result;
  if (type.startsWith("application/json")) {
    result.data = parseJsonObject(text);
    return result;
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(text)) addValue(result.data, k, inferValue(v));
    return result;
  }
  // PocketBase accepts XML bodies but can't bind them to a record's data: always a formatting error
  if (type.startsWith("text/xml") || type.startsWith("application/xml"))
    throw unreadableBody(new MalformedBodyError("XML bodies are not supported"));
  throw unreadableBody(new UnsupportedContentTypeError(`unsupported content type ${JSON.stringify(type)}`));
}

/** isNamedFile tells a file part from a plain one (Bun gives a part with `filename=""` no name at all). */
function isNamedFile(v: unknown): v is File {
  return v instanceof File && typeof v.name === "string" && v.name !== "";
}

/** readBytes reads a body of unknown length, refusing it with a 413 as soon as it passes maxBytes. */
async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function parseJsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw unreadableBody(new MalformedBodyError(String(err)));
  }
  if (exceedsJsonDepth(text))
    throw unreadableBody(new MalformedBodyError(`the body nests deeper than ${maxJsonDepth} levels`));
  if (v === null) return {};
  if (typeof v !== "object" || Array.isArray(v))
    throw unreadableBody(new MalformedBodyError("the body must be a JSON object"));
  return v as Record<string, unknown>;
}
