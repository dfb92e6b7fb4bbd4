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
 * its id, `created`, message and JSON (escaped where JSON must) are made when the batch is written
 * (expandLogRows), on the writer thread, so that the request's path only copies a few strings' characters.
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
  /** When it was logged, in milliseconds since the epoch (`Date.now()` when left out). */
  time?: number;
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

/**
 * A request log's five numbers and its nine texts, as packRequestLog hands them over (made once: no array
 * per log).
 */
const requestNumbers = new Array<number>(5).fill(0);
const requestTexts = new Array<string>(9).fill("");

/**
 * packRequestLog queues a successful request's log, at info level: its numbers, then its texts as they are
 * (expandLogRows escapes them for the data's JSON). A text with a lone surrogate, which UTF-8 can't hold but
 * JSON.stringify escapes, queues the log ready made instead, so that its data reads as the entry's would.
 *
 * It runs on every logged request, so it is kept small for the JIT: the numbers and the texts go in one call
 * each, with no string made. Measured in a server loaded alone, its former shape (the texts joined, one test
 * of the join for characters JSON escapes, one native write) took 1.6 µs a request, 0.5 in a loop.
 */
export function packRequestLog(log: RequestLog, rows: PackedRowsWriter): boolean {
  const ips = log.remoteIP !== undefined;
  const ownUserIP = ips && log.userIP !== undefined && log.userIP !== log.remoteIP;
  const numbers = requestNumbers;
  const time = log.time ?? Date.now();
  numbers[0] = time;
  numbers[1] = LogLevel.info;
  numbers[2] =
    requestKind | (log.authId !== undefined ? withAuthId : 0) | (ips ? withIPs : 0) | (ownUserIP ? withUserIP : 0);
  numbers[3] = log.status;
  numbers[4] = log.execTime;
  rows.numbers(numbers);
  const texts = requestTexts;
  texts[0] = log.method;
  texts[1] = log.url;
  texts[2] = log.message;
  texts[3] = log.referer;
  texts[4] = log.userAgent;
  texts[5] = log.auth;
  texts[6] = log.authId ?? "";
  texts[7] = ips ? (log.remoteIP as string) : "";
  texts[8] = ownUserIP ? (log.userIP as string) : "";
  if (rows.texts(texts) || texts.every((t) => t.isWellFormed())) return rows.endRow();
  rows.dropRow();
  return packLog({ time, level: LogLevel.info, message: requestLogMessage(log), data: requestLogData(log) }, rows);
}

/**
 * expandLogRows makes the `_logs` rows (id, level, message, data, created) of queued logs: each gets a new
 * id of PocketBase's shape (15 characters of `[a-z0-9]`) that starts with its time in base 36, so that new
 * ids sort after older ones and the primary key's index grows at its end (a third less work per row,
 * measured); `created` is its time in the storage format; a request's data is written as JSON straight from
 * the queued bytes (the text `JSON.stringify` gives for requestLogData), no string made per value.
 *
 * It runs on SQLite's writer thread (sent there as source text: it must use nothing but its argument, the
 * language and Bun's globals), or where the batch is written when there is no such thread.
 *
 * A row's work is done by small functions called once per row, not in the body of the loop over the batch:
 * this function runs once per batch, and a loop that long in a function called that seldom is compiled by
 * JavaScriptCore through on-stack replacement, which it threw away and redid at nearly every batch (23
 * optimizing compilations in 40 s of load, half a second of the JIT's CPU, the rows made by the baseline
 * tier at 4-5 µs each). Functions called thousands of times a batch are compiled once, as any hot function.
 */
export function expandLogRows(rows: PackedRows): PackedRows {
  const { count, cells, text: src } = rows;
  const encoder = new TextEncoder();
  /** The data's keys and what lies between its values, as bytes (see writeRequestData). */
  const keys = [
    '{"auth":"',
    '","authId":"',
    '","execTime":',
    ',"method":"',
    '","referer":"',
    '","remoteIP":"',
    '","status":',
    ',"type":"request","url":"',
    '","userAgent":"',
    '","userIP":"',
    '"}',
  ].map((k) => encoder.encode(k));
  const digits = encoder.encode("0123456789abcdefghijklmnopqrstuvwxyz");

  /** The letter JSON writes after a backslash for a control character (`\n`, `\t`...), 0 where it writes `\u00XX`. */
  const shortEscapes = new Uint8Array(32);
  shortEscapes[8] = 98; // \b
  shortEscapes[9] = 116; // \t
  shortEscapes[10] = 110; // \n
  shortEscapes[12] = 102; // \f
  shortEscapes[13] = 114; // \r
  /** src as a Buffer: its native copy writes a text without a view made per text. */
  const bytes = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  /**
   * Where the next byte JSON escapes (a quote, a backslash, a control character) lies from a row on, found by
   * a regular expression over the bytes as Latin-1 (one character a byte), run again only once a row passed
   * it: the texts of a row before it are copied without a test per byte (most rows: 0.2 µs a row less).
   */
  const asLatin1 = bytes.toString("latin1");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what JSON escapes
  const escaped = /["\\\x00-\x1f]/g;
  const escapedFrom = (from: number): number => {
    escaped.lastIndex = from;
    return escaped.exec(asLatin1)?.index ?? src.byteLength;
  };
  let plainUntil = escapedFrom(0);
  /** Whether the texts of the row being written hold no byte JSON escapes. */
  let rowPlain = false;
  /**
   * copyJson writes src[from, to) at `at` of out as it reads between the quotes of a JSON string (a quote, a
   * backslash and control characters escaped as JSON.stringify escapes them), and returns where it ended.
   */
  const copyJson = (out: Uint8Array, at: number, from: number, to: number): number => {
    if (rowPlain) return copy(out, at, from, to);
    for (let i = from; i < to; i++) {
      const b = src[i] as number;
      if (b >= 32 && b !== 34 && b !== 92) out[at++] = b;
      else {
        out[at++] = 92;
        if (b >= 32) out[at++] = b;
        else if ((shortEscapes[b] as number) > 0) out[at++] = shortEscapes[b] as number;
        else {
          out[at] = 117; // u
          out[at + 1] = 48;
          out[at + 2] = 48;
          out[at + 3] = digits[b >> 4] as number;
          out[at + 4] = digits[b & 15] as number;
          at += 5;
        }
      }
    }
    return at;
  };
  /**
   * copy writes src[from, to) at `at` of out, and returns where it ended: byte by byte unless it is long
   * enough for the native copy's call to cost less.
   */
  const copy = (out: Uint8Array, at: number, from: number, to: number): number => {
    if (to - from > 32) return at + bytes.copy(out, at, from, to);
    for (let i = from; i < to; i++) out[at++] = src[i] as number;
    return at;
  };
  /** put writes the bytes of b at `at` of out, and returns where it ended. */
  const put = (out: Uint8Array, at: number, b: Uint8Array): number => {
    for (let i = 0; i < b.length; i++) out[at++] = b[i] as number;
    return at;
  };
  /** putNumber writes a number as JSON has it, and returns where it ended. */
  const putNumber = (out: Uint8Array, at: number, n: number): number => {
    if (n >= 100 && n <= 999 && Number.isInteger(n)) {
      out[at] = 48 + Math.floor(n / 100);
      out[at + 1] = 48 + (Math.floor(n / 10) % 10);
      out[at + 2] = 48 + (n % 10);
      return at + 3;
    }
    const x = String(n);
    for (let i = 0; i < x.length; i++) out[at++] = x.charCodeAt(i);
    return at;
  };
  /** The base-36 digits of the last time an id was made for (rows in a batch share their milliseconds). */
  const timeDigits = new Uint8Array(8);
  let digitsOf = Number.NaN;
  /**
   * putId writes a new id: 8 base-36 digits of the time, then 7 random ones (drawn as two integers below
   * 2^31, whose digits integer arithmetic finds faster than a float's).
   */
  const putId = (out: Uint8Array, at: number, time: number): number => {
    const ms = Math.floor(time);
    if (ms !== digitsOf) {
      digitsOf = ms;
      let v = ms % 36 ** 8;
      for (let i = 7; i >= 0; i--, v = Math.floor(v / 36)) timeDigits[i] = digits[v % 36] as number;
    }
    for (let i = 0; i < 8; i++) out[at + i] = timeDigits[i] as number;
    let r = Math.floor(Math.random() * 36 ** 4) | 0;
    for (let i = 11; i >= 8; i--, r = (r / 36) | 0) out[at + i] = digits[r % 36] as number;
    r = Math.floor(Math.random() * 36 ** 3) | 0;
    for (let i = 14; i >= 12; i--, r = (r / 36) | 0) out[at + i] = digits[r % 36] as number;
    return at + 15;
  };
  /**
   * writeRequestData writes a request log's data (the keys in alphabetical order) from its texts, whose
   * ends are at cells[base + 5 ..] (1 method, 2 url, 3 message, 4 referer, 5 user agent, 6 auth, 7 auth id,
   * 8 remote IP, 9 user IP; the first starts at `start`), and returns where it ended.
   */
  const writeRequestData = (out: Uint8Array, at: number, base: number, start: number): number => {
    const kind = cells[base + 2] as number;
    const e1 = cells[base + 5] as number;
    const e2 = cells[base + 6] as number;
    const e4 = cells[base + 8] as number;
    const e5 = cells[base + 9] as number;
    const e6 = cells[base + 10] as number;
    const e7 = cells[base + 11] as number;
    const e8 = cells[base + 12] as number;
    at = put(out, at, keys[0] as Uint8Array);
    at = copyJson(out, at, e5, e6);
    if (kind & 2) {
      at = put(out, at, keys[1] as Uint8Array);
      at = copyJson(out, at, e6, e7);
    }
    at = put(out, at, keys[2] as Uint8Array);
    at = putNumber(out, at, cells[base + 4] as number);
    at = put(out, at, keys[3] as Uint8Array);
    at = copyJson(out, at, start, e1);
    at = put(out, at, keys[4] as Uint8Array);
    at = copyJson(out, at, cells[base + 7] as number, e4);
    if (kind & 4) {
      at = put(out, at, keys[5] as Uint8Array);
      at = copyJson(out, at, e7, e8);
    }
    at = put(out, at, keys[6] as Uint8Array);
    at = putNumber(out, at, cells[base + 3] as number);
    at = put(out, at, keys[7] as Uint8Array);
    at = copyJson(out, at, e1, e2);
    at = put(out, at, keys[8] as Uint8Array);
    at = copyJson(out, at, e4, e5);
    if (kind & 4) {
      at = put(out, at, keys[9] as Uint8Array);
      at = kind & 8 ? copyJson(out, at, e8, cells[base + 13] as number) : copyJson(out, at, e7, e8);
    }
    return put(out, at, keys[10] as Uint8Array);
  };
  /**
   * writeRow writes row's id, message, data and created (`created` is its time's `YYYY-MM-DD HH:MM:SS.`,
   * the milliseconds are added here), and their ends and the level in outCells; it returns where it ended.
   */
  const writeRow = (
    out: Uint8Array,
    at: number,
    outCells: Float64Array,
    row: number,
    start: number,
    created: Uint8Array,
  ): number => {
    const base = row * 14;
    const o = row * 5;
    const time = cells[base] as number;
    at = putId(out, at, time);
    outCells[o] = at;
    outCells[o + 1] = cells[base + 1] as number;
    const e1 = cells[base + 5] as number;
    const e2 = cells[base + 6] as number;
    if (((cells[base + 2] as number) & 1) === 0) {
      // a ready log: its message, then its data's JSON
      at = copy(out, at, start, e1);
      outCells[o + 2] = at;
      at = copy(out, at, e1, e2);
    } else {
      const e3 = cells[base + 7] as number;
      if (e3 > e2) at = copy(out, at, e2, e3);
      else {
        at = copy(out, at, start, e1);
        out[at++] = 32;
        at = copy(out, at, e1, e2);
      }
      outCells[o + 2] = at;
      at = writeRequestData(out, at, base, start);
    }
    outCells[o + 3] = at;
    at = put(out, at, created);
    const ms = Math.floor(time) % 1000;
    out[at] = 48 + Math.floor(ms / 100);
    out[at + 1] = 48 + (Math.floor(ms / 10) % 10);
    out[at + 2] = 48 + (ms % 10);
    out[at + 3] = 90; // Z
    at += 4;
    outCells[o + 4] = at;
    return at;
  };

  let out = new Uint8Array(src.byteLength + count * 320 + 64);
  const outCells = new Float64Array(count * 5);
  let at = 0;
  let start = 0;
  let second = Number.NaN;
  let created = new Uint8Array(0);
  for (let row = 0; row < count; row++) {
    const end = cells[row * 14 + 13] as number;
    // the most a row can take: its texts as the message and escaped in the data (6 bytes for a control
    // character's one), the keys, numbers, id and time
    const needed = at + (end - start) * 7 + 320;
    if (needed > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, needed));
      grown.set(out.subarray(0, at));
      out = grown;
    }
    const s = Math.floor((cells[row * 14] as number) / 1000);
    if (s !== second) {
      second = s;
      const iso = new Date(s * 1000).toISOString();
      created = encoder.encode(`${iso.slice(0, 10)} ${iso.slice(11, 20)}`);
    }
    rowPlain = end <= plainUntil;
    at = writeRow(out, at, outCells, row, start, created);
    if (!rowPlain) plainUntil = escapedFrom(end);
    start = end;
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
