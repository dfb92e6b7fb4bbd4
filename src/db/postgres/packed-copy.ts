/**
 * Packed rows (request logs, in batches) sent to PostgreSQL with `COPY ... FROM STDIN` in its text format:
 * one row a line, its values separated by tabs. Against the `unnest` INSERT (packed-insert.ts) the server
 * parses no array literals and the client makes no string of them: 3.6 against 4.9 µs of the server's CPU a
 * log row, 1.9 against 2.8 of the client's (bench/postgres/log-insert.ts). The INSERT stays for what COPY
 * can't do: a batch the server refuses is all or nothing, and only the INSERT, tried again in halves, tells
 * its refused rows from the others.
 */
import type { PackedRows } from "../packed-rows.ts";
import { mayEscapeNul, withoutEscapedNul } from "./json-escapes.ts";

/** copyInSql is the statement taking rows of table's columns in COPY's text format. */
export function copyInSql(quote: (name: string) => string, table: string, columns: readonly string[]): string {
  return `COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`;
}

/**
 * copyText writes packed rows in COPY's text format, as bytes straight from the rows' text: a backslash, a
 * tab, a newline and a carriage return escaped, a U+0000 (which text can't hold) written as U+FFFD, and in a
 * column marked in `json`, JSON's escaped U+0000 (`\u0000` after an even run of backslashes) as `\ufffd`: the
 * values packedArrays gives the INSERT.
 */
export function copyText(rows: PackedRows, json: readonly boolean[] = []): Uint8Array {
  const { types, count, cells, text: src } = rows;
  const width = types.length;
  const isText = types.map((t) => t === "text");
  const backslash = 0x5c;
  // the worst case: every byte of the text escaped (a NUL's 1 byte becoming 3), a number's longest form
  const out = Buffer.allocUnsafe(3 * src.byteLength + count * width * 26 + 1);
  const srcBuffer = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  /**
   * Where the next byte COPY escapes (a backslash, a tab, a line end, a carriage return, a NUL) lies at or
   * after a place, per byte, found by the buffer's native search and searched again only once passed: a
   * value before all of them is copied whole, natively (a log row's texts nearly always are: 0.3 µs a row
   * against 1 byte by byte, measured).
   */
  const special = [backslash, 9, 10, 13, 0];
  const nextAt = special.map((b) => srcBuffer.indexOf(b));
  const cleanUntil = (from: number): number => {
    let end = src.byteLength;
    for (let k = 0; k < special.length; k++) {
      let at = nextAt[k] as number;
      if (at >= 0 && at < from) {
        at = srcBuffer.indexOf(special[k] as number, from);
        nextAt[k] = at;
      }
      if (at >= 0 && at < end) end = at;
    }
    return end;
  };
  let clean = cleanUntil(0);
  /** Writes bytes[from, to) escaped at `at`; -1 when `isJson` and it may hold `\u0000` (to fix first). */
  const writeText = (bytes: Uint8Array, at: number, from: number, to: number, isJson: boolean): number => {
    for (let i = from; i < to; i++) {
      const b = bytes[i] as number;
      if (b > 13 && b !== backslash) out[at++] = b;
      else if (b === backslash) {
        if (isJson && mayEscapeNul(bytes, i, to)) return -1;
        out[at++] = backslash;
        out[at++] = backslash;
      } else if (b === 9 || b === 10 || b === 13) {
        out[at++] = backslash;
        out[at++] = b === 9 ? 0x74 : b === 10 ? 0x6e : 0x72;
      } else if (b === 0) {
        out[at++] = 0xef;
        out[at++] = 0xbf;
        out[at++] = 0xbd;
      } else out[at++] = b;
    }
    return at;
  };
  /** writeJsonWithNul writes JSON holding `\u0000` with U+FFFD's escape instead (as long: it fits the room). */
  const writeJsonWithNul = (at: number, from: number, to: number): number => {
    const fixed = withoutEscapedNul(src, from, to);
    return writeText(fixed, at, 0, fixed.length, false);
  };
  /**
   * writeCell writes column c's value of a row (the text src[start, cell), or the number cell) at `at`, after
   * a tab unless it is the row's first. A function called once per cell, not the body of the batch's loop
   * (see packedArrays' writeCell).
   */
  const writeCell = (c: number, at: number, start: number, cell: number): number => {
    if (c > 0) out[at++] = 9;
    if (!isText[c]) {
      const digits = String(cell);
      for (let i = 0; i < digits.length; i++) out[at++] = digits.charCodeAt(i);
      return at;
    }
    if (cell <= clean) {
      if (cell - start < 32) {
        for (let i = start; i < cell; i++) out[at++] = src[i] as number;
        return at;
      }
      return at + srcBuffer.copy(out, at, start, cell);
    }
    const end = writeText(src, at, start, cell, json[c] === true);
    clean = cleanUntil(cell);
    return end < 0 ? writeJsonWithNul(at, start, cell) : end;
  };
  let at = 0;
  let start = 0;
  for (let r = 0, i = 0; r < count; r++) {
    for (let c = 0; c < width; c++, i++) {
      const cell = cells[i] as number;
      at = writeCell(c, at, start, cell);
      if (isText[c]) start = cell;
    }
    out[at++] = 10;
  }
  return out.subarray(0, at);
}
