import type PocketBase from "pocketbase";
import { ClientResponseError } from "pocketbase";
import { errorMessage, fieldErrors } from "../../../api/errors.ts";
import type { CollectionModel, FieldModel, RecordJSON } from "../../../api/wire.ts";
import { isAuth, isMultiple } from "../record-fields.ts";

/**
 * Records out of and into files: CSV (one column per field, lists and objects as JSON text) and JSON (an
 * array of records). Exports read the records page by page through the API; imports create them through
 * the API, in batches when the server allows them, and tell each row's errors.
 */

export type TransferFormat = "csv" | "json";

/** How many records one page of an export reads (the server's largest page is 1000). */
export const exportPageSize = 500;

/** The fields an export writes: all but secrets (password hashes and token keys never leave the server). */
export function exportFields(collection: CollectionModel): FieldModel[] {
  return collection.fields.filter((f) => f.type !== "password" && !(isAuth(collection) && f.name === "tokenKey"));
}

/** The fields an import can set: not the ones the server sets itself (autodates), nor files (not in a CSV). */
export function importFields(collection: CollectionModel): FieldModel[] {
  return collection.fields.filter(
    (f) => f.type !== "autodate" && f.type !== "file" && !(isAuth(collection) && f.name === "tokenKey"),
  );
}

/** toCell writes a value for a CSV cell: text as it is, lists and objects as JSON, nothing as "". */
export function toCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** exportRow is a record's values in the order of the fields (for CSV), or as an object (for JSON). */
export function exportRow(fields: FieldModel[], record: RecordJSON): string[] {
  return fields.map((f) => toCell(record[f.name]));
}

export function exportObject(fields: FieldModel[], record: RecordJSON): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, record[f.name] ?? null]));
}

/** A cell that can't be read as its field's type. */
export class CellError extends Error {}

function parseJsonCell(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CellError(`${what} is not valid JSON.`);
  }
}

/** fromCell reads a CSV cell (text) or a JSON value as the value of a field, the way its export wrote it. */
export function fromCell(field: FieldModel, raw: unknown): unknown {
  // a JSON file's values already have their types
  if (typeof raw !== "string") return raw ?? null;
  const text = raw;
  switch (field.type) {
    case "bool":
      return /^(true|1|yes|on)$/i.test(text.trim());
    case "number": {
      if (text.trim() === "") return null;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new CellError(`"${text}" is not a number.`);
      return n;
    }
    case "json":
      return text.trim() === "" ? null : parseJsonCell(text, `"${text.slice(0, 40)}"`);
    case "geoPoint":
      return text.trim() === "" ? { lon: 0, lat: 0 } : parseJsonCell(text, "The point");
    case "select":
    case "relation":
      if (!isMultiple(field)) return text;
      if (text.trim().startsWith("[")) return parseJsonCell(text, "The list");
      return text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

/** A file's rows, read and matched with the collection's fields. */
export interface ImportPlan {
  /** The columns (or keys) of the file that match a field, in the file's order. */
  columns: string[];
  /** The file's columns that match no importable field, which are left out. */
  ignored: string[];
  /** Each row's body for the create request, or why it can't be read. */
  rows: { body: Record<string, unknown>; error?: string }[];
}

export interface PlanOptions {
  /** Keep the ids of the file (else the server gives new ones). */
  keepIds: boolean;
  /** Give rows of an auth collection without a password a random one. */
  randomPasswords: boolean;
}

/** randomPassword is 24 letters and digits from the browser's cryptographic generator. */
function randomPassword(): string {
  const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => alphabet[b % alphabet.length]).join("");
}

/** planImport matches a file's rows (objects of column to value) with the fields of the collection. */
export function planImport(
  collection: CollectionModel,
  records: Record<string, unknown>[],
  columns: string[],
  options: PlanOptions,
): ImportPlan {
  const byName = new Map(importFields(collection).map((f) => [f.name, f]));
  const known = columns.filter((c) => byName.has(c) || (isAuth(collection) && c === "passwordConfirm"));
  const ignored = columns.filter((c) => !known.includes(c));
  const rows = records.map((record) => {
    const body: Record<string, unknown> = {};
    try {
      for (const column of known) {
        const field = byName.get(column);
        const raw = record[column];
        if (!field) {
          if (typeof raw === "string" && raw !== "") body[column] = raw;
          continue;
        }
        if (field.type === "text" && field.primaryKey && (!options.keepIds || raw === "" || raw == null)) continue;
        if (field.type === "password" && (raw === "" || raw == null)) continue;
        body[column] = fromCell(field, raw);
      }
      if (isAuth(collection)) {
        if (body.password === undefined && options.randomPasswords) body.password = randomPassword();
        if (body.password !== undefined && body.passwordConfirm === undefined) body.passwordConfirm = body.password;
      }
      return { body };
    } catch (err) {
      return { body, error: err instanceof Error ? err.message : String(err) };
    }
  });
  return { columns: known, ignored, rows };
}

/** What became of one row of an import. */
export interface RowResult {
  /** The row's place in the file, from 1. */
  row: number;
  id?: string;
  error?: string;
}

/** describeError turns a refused create into one line: each field's message, or the server's message. */
export function describeError(err: unknown): string {
  const fields = Object.entries(fieldErrors(err));
  if (fields.length > 0) return fields.map(([name, message]) => `${name}: ${message}`).join("; ");
  return errorMessage(err);
}

/** The sub-request a batch refusal blames, and its own error (as the server reports it). */
function failedBatchRequest(err: unknown): { index: number; error: ClientResponseError } | null {
  if (!(err instanceof ClientResponseError)) return null;
  const requests: unknown = err.response?.data?.requests;
  if (typeof requests !== "object" || requests === null) return null;
  for (const [key, value] of Object.entries(requests)) {
    const index = Number(key);
    if (!Number.isInteger(index)) continue;
    const response: unknown = (value as { response?: unknown })?.response;
    const inner = typeof response === "object" && response !== null ? (response as Record<string, unknown>) : {};
    return {
      index,
      error: new ClientResponseError({ status: Number(inner.status) || 400, response: inner }),
    };
  }
  return null;
}

export interface ImportOptions {
  /** Send the rows in batches of this many (0: one request per row, when the server has no batch API). */
  batchSize: number;
  /** Told after each row is done, with how many are. */
  onprogress?: (done: number) => void;
  signal?: AbortSignal;
}

/**
 * importRows creates the rows through the API and tells what became of each. In batches, a refused row
 * undoes its whole batch: it is set aside with its error and the rest of the batch is sent again.
 */
export async function importRows(
  client: PocketBase,
  collection: CollectionModel,
  plan: ImportPlan,
  options: ImportOptions,
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  const pending: { row: number; body: Record<string, unknown> }[] = [];
  plan.rows.forEach((r, i) => {
    if (r.error) results.push({ row: i + 1, error: r.error });
    else pending.push({ row: i + 1, body: r.body });
  });
  let done = results.length;
  const tick = (n: number) => {
    done += n;
    options.onprogress?.(done);
  };
  tick(0);

  if (options.batchSize > 1) {
    for (let start = 0; start < pending.length; start += options.batchSize) {
      let chunk = pending.slice(start, start + options.batchSize);
      while (chunk.length > 0) {
        if (options.signal?.aborted) return results;
        const batch = client.createBatch();
        for (const item of chunk) batch.collection(collection.name).create(item.body);
        try {
          const answers = await batch.send({ requestKey: null });
          chunk.forEach((item, i) => {
            const body: unknown = answers[i]?.body;
            results.push({ row: item.row, id: (body as { id?: string } | undefined)?.id });
          });
          tick(chunk.length);
          break;
        } catch (err) {
          const failed = failedBatchRequest(err);
          if (!failed || !chunk[failed.index]) {
            for (const item of chunk) results.push({ row: item.row, error: describeError(err) });
            tick(chunk.length);
            break;
          }
          const item = chunk[failed.index];
          if (item) results.push({ row: item.row, error: describeError(failed.error) });
          tick(1);
          chunk = chunk.filter((_, i) => i !== failed.index);
        }
      }
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < pending.length && !options.signal?.aborted) {
        const item = pending[next++];
        if (!item) break;
        try {
          const record = await client.collection(collection.name).create(item.body, { requestKey: null });
          results.push({ row: item.row, id: record.id });
        } catch (err) {
          results.push({ row: item.row, error: describeError(err) });
        }
        tick(1);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }
  return results.sort((a, b) => a.row - b.row);
}
