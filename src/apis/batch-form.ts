import type { InternalRequest } from "../core/request-event-batch.ts";
import type { ParsedBody } from "../tools/router/body.ts";
import {
  inList,
  length,
  required,
  ValidationErrors,
  validate,
  validateObject,
} from "../tools/validation/validation.ts";

/** BatchBindError is a batch body whose values don't have the types of a batch form. */
export class BatchBindError extends Error {}

/** The methods a sub-request may name (only the record write routes answer them; see batch-processor.ts). */
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const maxUrlLength = 2000;

/**
 * fieldOf reads a key as Go decodes JSON into a struct: names match case-insensitively and, when several
 * keys match, the last one wins.
 */
function fieldOf(obj: Record<string, unknown>, name: string): unknown {
  let value: unknown;
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === name) value = v;
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof File);
}

function bindString(v: unknown, name: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new BatchBindError(`cannot read ${typeof v} into the ${name} string field`);
  return v;
}

function bindHeaders(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw new BatchBindError("headers must be an object of strings");
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = bindString(value, `headers.${k}`);
  return out;
}

function bindBody(v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw new BatchBindError("body must be an object");
  return { ...v };
}

/** bindRequest reads one item of `requests` (a null item is an empty request, refused by the validation). */
function bindRequest(item: unknown): InternalRequest {
  if (item === null) return { method: "", url: "", headers: {}, body: {} };
  if (!isPlainObject(item)) throw new BatchBindError("each batch request must be an object");
  return {
    method: bindString(fieldOf(item, "method"), "method"),
    url: bindString(fieldOf(item, "url"), "url"),
    headers: bindHeaders(fieldOf(item, "headers")),
    body: bindBody(fieldOf(item, "body")),
  };
}

/** A multipart file key of a sub-request: `requests.N.field` (the SDK's form) or `requests[N].field`. */
const fileKeyPattern = /^requests(?:\.(\d+)\.|\[(\d+)\]\.)([\s\S]*)$/;

/**
 * attachFiles gives each request the files sent under its index. Files under a key replace any value the
 * JSON gave that key, as in PocketBase (send kept file names under another key, or append with `field+`).
 */
function attachFiles(requests: InternalRequest[], files: ParsedBody["files"]): void {
  const byRequest = new Map<InternalRequest, Map<string, File[]>>();
  for (const [key, list] of Object.entries(files)) {
    const m = fileKeyPattern.exec(key);
    const index = m?.[1] ?? m?.[2];
    const field = m?.[3] ?? "";
    // "requests.01.x" names no request: the index is written as PocketBase writes it. No record field
    // is named __proto__, and assigning it would change the body's prototype instead
    if (index === undefined || String(Number(index)) !== index || field === "__proto__") continue;
    const request = requests[Number(index)];
    if (!request) continue;
    const fields = byRequest.get(request) ?? new Map<string, File[]>();
    fields.set(field, [...(fields.get(field) ?? []), ...list]);
    byRequest.set(request, fields);
  }
  for (const [request, fields] of byRequest) for (const [field, list] of fields) request.body[field] = list;
}

/**
 * bindBatchForm reads the batch from a parsed body: `{requests: [{method, url, headers?, body?}]}` as JSON,
 * or as multipart with that JSON under `@jsonPayload` and files under `requests.N.field`. Values of the
 * wrong type are a BatchBindError.
 */
export function bindBatchForm(body: ParsedBody): InternalRequest[] {
  const raw = fieldOf(body.data, "requests");
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new BatchBindError("requests must be a list");
  const requests = raw.map(bindRequest);
  attachFiles(requests, body.files);
  return requests;
}

/**
 * validateBatchForm checks the list (at least one request, at most maxRequests) and then each request's
 * method and url, with errors keyed by index.
 */
export function validateBatchForm(requests: InternalRequest[], maxRequests: number): ValidationErrors {
  const errs = new ValidationErrors();
  const listErr = validate(requests, required, length(0, maxRequests));
  if (listErr) {
    errs.set("requests", listErr);
    return errs;
  }
  const items = new ValidationErrors();
  for (const [i, r] of requests.entries()) {
    items.set(
      String(i),
      validateObject(
        { method: r.method, url: r.url },
        { method: [required, inList(...methods)], url: [required, length(0, maxUrlLength)] },
      ),
    );
  }
  errs.set("requests", items);
  return errs;
}
