import { canInsertInBackground, type Queryable } from "../db/driver.ts";
import { insertPackedRows, type PackedRows, PackedRowsWriter, type PackedType } from "../db/packed-rows.ts";
import { type LogEntry, LogLevel, stringifyLogData } from "../tools/logger/logger.ts";
import { logsTableName } from "./log-model.ts";

/** The columns of `_logs` a log's row fills, and their types (the rows expandLogRows makes). */
const logColumns = ["id", "level", "message", "data", "created"] as const;

/**
 * How a log waits to be written: one packed row of 14 values, `time, level, kind, status, execTime` then nine
 * texts. A ready log (`kind` 0: an app log, a failed request) holds its message and its data's JSON in the
 * first two texts. A successful request's log (kind bit 1) holds the values of its data as they are (method,
 * URL, message when it isn't `METHOD URL`, referer, user agent, auth collection, auth id, remote IP, user IP):
 * its id, `created`, message and JSON are made when the batch is written (expandLogRows), on the writer
 * thread, so that the request's path only copies a few strings' bytes.
 */
export const logQueueTypes: readonly PackedType[] = [
  "number",
  "number",
  "number",
  "number",
  "number",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
];

/** The bits of a queued log's `kind`. */
const requestKind = 1;
const withAuthId = 2;
const withIPs = 4;
const withUserIP = 8;

/** A successful request's log (see requestLogData for what its data holds). */
export interface RequestLog {
  status: number;
  /** In milliseconds. */
  execTime: number;
  method: string;
  /** The path and query, as requested. */
  url: string;
  /** The log's message when it isn't `METHOD URL` (a URL with `%` escapes shows decoded); "" otherwise. */
  message: string;
  referer: string;
  userAgent: string;
  /** The auth record's collection name, "" for a guest. */
  auth: string;
  /** The auth record's id, when `settings.logs.logAuthId` wants it. */
  authId?: string;
  /** The socket's and the client's IPs, when `settings.logs.logIP` wants them. */
  remoteIP?: string;
  userIP?: string;
}

/** requestLogMessage is a request log's message: `METHOD /url`, or the message it was given. */
export function requestLogMessage(log: RequestLog): string {
  return log.message === "" ? `${log.method} ${log.url}` : log.message;
}

/**
 * requestLogData is a request log's data as PocketBase stores it, keys in alphabetical order, with the
 * error's message and details for a failed request: what expandLogRows writes for a queued one.
 */
export function requestLogData(
  log: RequestLog,
  error?: { message: string; details?: unknown },
): Record<string, unknown> {
  const data: Record<string, unknown> = { auth: log.auth };
  if (log.authId !== undefined) data.authId = log.authId;
  if (error !== undefined) {
    if ("details" in error) data.details = error.details;
    data.error = error.message;
  }
  data.execTime = log.execTime;
  data.method = log.method;
  data.referer = log.referer;
  if (log.remoteIP !== undefined) data.remoteIP = log.remoteIP;
  data.status = log.status;
  data.type = "request";
  data.url = log.url;
  data.userAgent = log.userAgent;
  if (log.remoteIP !== undefined) data.userIP = log.userIP ?? log.remoteIP;
  return data;
}

/** packLog queues a log entry as a ready row; false when the row didn't fit (see PackedRowsWriter). */
export function packLog(entry: LogEntry, rows: PackedRowsWriter): boolean {
  rows.number(entry.time);
  rows.number(entry.level);
  rows.number(0);
  rows.number(0);
  rows.number(0);
  rows.text(entry.message);
  rows.text(stringifyLogData(entry.data));
  for (let i = 0; i < 7; i++) rows.text("");
  return rows.endRow();
}

/** packRequestLog queues a successful request's log, at info level, logged now. */
export function packRequestLog(log: RequestLog, rows: PackedRowsWriter): boolean {
  const ips = log.remoteIP !== undefined;
  const ownUserIP = ips && log.userIP !== undefined && log.userIP !== log.remoteIP;
  rows.number(Date.now());
  rows.number(LogLevel.info);
  rows.number(
    requestKind | (log.authId !== undefined ? withAuthId : 0) | (ips ? withIPs : 0) | (ownUserIP ? withUserIP : 0),
  );
  rows.number(log.status);
  rows.number(log.execTime);
  rows.text(log.method);
  rows.text(log.url);
  rows.text(log.message);
  rows.text(log.referer);
  rows.text(log.userAgent);
  rows.text(log.auth);
  rows.text(log.authId ?? "");
  rows.text(log.remoteIP ?? "");
  rows.text(ownUserIP ? (log.userIP as string) : "");
  return rows.endRow();
}

/**
 * expandLogRows makes the `_logs` rows (id, level, message, data, created) of queued logs: each gets a new
 * id of PocketBase's shape (15 characters of `[a-z0-9]`) that starts with its time in base 36, so that new
 * ids sort after older ones and the primary key's index grows at its end (a third less work per row,
 * measured); `created` is its time in the storage format; a request's data is written as JSON straight from
 * the queued bytes (the same text `JSON.stringify` gives for requestLogData: strings escaped as it escapes
 * them, numbers as it writes them), no string made per value.
 *
 * It runs on SQLite's writer thread (sent there as source text: it must use nothing but its argument, the
 * language and Bun's globals), or where the batch is written when there is no such thread.
 */
export function expandLogRows(rows: PackedRows): PackedRows {
  const width = 14;
  const { count, cells, text: src } = rows;
  let out = new Uint8Array(src.byteLength * 2 + count * 400 + 64);
  let at = 0;
  const outCells = new Float64Array(count * 5);
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  const hex = "0123456789abcdef";
  let lastTime = Number.NaN;
  let created = "";

  const ascii = (s: string): void => {
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  };
  const copy = (start: number, end: number): void => {
    for (let i = start; i < end; i++) out[at++] = src[i] as number;
  };
  // a JSON string of UTF-8 bytes, escaped as JSON.stringify escapes (quote, backslash, control characters)
  const quoted = (start: number, end: number): void => {
    out[at++] = 34;
    for (let i = start; i < end; i++) {
      const b = src[i] as number;
      if (b >= 0x20 && b !== 34 && b !== 92) {
        out[at++] = b;
        continue;
      }
      out[at++] = 92;
      if (b === 34 || b === 92) out[at++] = b;
      else if (b === 8) out[at++] = 98;
      else if (b === 9) out[at++] = 116;
      else if (b === 10) out[at++] = 110;
      else if (b === 12) out[at++] = 102;
      else if (b === 13) out[at++] = 114;
      else {
        ascii("u00");
        out[at++] = hex.charCodeAt(b >> 4);
        out[at++] = hex.charCodeAt(b & 15);
      }
    }
    out[at++] = 34;
  };
  // n base-36 digits of value (the last n), most significant first
  const base36 = (value: number, n: number): void => {
    let v = value;
    for (let i = n - 1; i >= 0; i--) {
      out[at + i] = digits.charCodeAt(v % 36);
      v = Math.floor(v / 36);
    }
    at += n;
  };

  // where the row's texts end (ends[t] for text t, 1 to 9); text t starts where t - 1 ended
  let textEnd = 0;
  const ends = new Float64Array(10);
  const s = (t: number): number => ends[t - 1] as number;
  const e = (t: number): number => ends[t] as number;
  for (let row = 0; row < count; row++) {
    const base = row * width;
    const time = cells[base] as number;
    const level = cells[base + 1] as number;
    const kind = cells[base + 2] as number;
    ends[0] = textEnd;
    for (let t = 1; t <= 9; t++) ends[t] = cells[base + 4 + t] as number;
    textEnd = ends[9] as number;
    const rowBytes = textEnd - (ends[0] as number);
    // the most a row can take: every byte escaped as \u00XX, the keys, numbers, id and time
    const needed = at + rowBytes * 6 + 400;
    if (needed > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, needed));
      grown.set(out.subarray(0, at));
      out = grown;
    }
    const o = row * 5;

    base36(Math.floor(time) % 36 ** 8, 8);
    base36(Math.floor(Math.random() * 36 ** 7), 7);
    outCells[o] = at;
    outCells[o + 1] = level;

    if ((kind & 1) === 0) {
      copy(s(1), e(1));
      outCells[o + 2] = at;
      copy(s(2), e(2));
      outCells[o + 3] = at;
    } else {
      // texts: 1 method, 2 url, 3 message, 4 referer, 5 user agent, 6 auth, 7 auth id, 8 remote IP, 9 user IP
      if (e(3) > s(3)) copy(s(3), e(3));
      else {
        copy(s(1), e(1));
        out[at++] = 32;
        copy(s(2), e(2));
      }
      outCells[o + 2] = at;
      ascii('{"auth":');
      quoted(s(6), e(6));
      if (kind & 2) {
        ascii(',"authId":');
        quoted(s(7), e(7));
      }
      ascii(',"execTime":');
      ascii(String(cells[base + 4]));
      ascii(',"method":');
      quoted(s(1), e(1));
      ascii(',"referer":');
      quoted(s(4), e(4));
      if (kind & 4) {
        ascii(',"remoteIP":');
        quoted(s(8), e(8));
      }
      ascii(',"status":');
      ascii(String(cells[base + 3]));
      ascii(',"type":"request","url":');
      quoted(s(2), e(2));
      ascii(',"userAgent":');
      quoted(s(5), e(5));
      if (kind & 4) {
        ascii(',"userIP":');
        if (kind & 8) quoted(s(9), e(9));
        else quoted(s(8), e(8));
      }
      out[at++] = 125;
      outCells[o + 3] = at;
    }

    if (time !== lastTime) {
      lastTime = time;
      const iso = new Date(time).toISOString();
      created = `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
    }
    ascii(created);
    outCells[o + 4] = at;
  }
  return {
    types: ["text", "number", "text", "text", "text"],
    count,
    text: out.subarray(0, at),
    cells: outCells,
  };
}

/**
 * insertPackedLogs writes queued logs to `_logs` in one transaction: through the driver's background
 * inserts (SQLite's worker thread, which also makes their rows, so that neither that work nor their file
 * I/O holds up requests), or, inside a transaction, in it.
 */
export async function insertPackedLogs(db: Queryable, rows: PackedRows): Promise<void> {
  if (rows.count === 0) return;
  if (canInsertInBackground(db)) await db.insertRowsInBackground(logsTableName, logColumns, rows, expandLogRows);
  else await insertPackedRows(db, logsTableName, logColumns, expandLogRows(rows));
}

/** insertLogs writes entries to `_logs` in one transaction, each with a new id. */
export function insertLogs(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  const rows = new PackedRowsWriter(logQueueTypes, { maxBytes: Number.POSITIVE_INFINITY });
  for (const e of entries) packLog(e, rows);
  return insertPackedLogs(db, rows.take());
}
