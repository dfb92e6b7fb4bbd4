/**
 * Packed rows (request logs, in batches of up to 1000) inserted into PostgreSQL as one statement: each
 * column's values sent as one array, `INSERT INTO t (...) SELECT * FROM unnest($1::text[], $2::jsonb[], ...)`.
 * Against multi-row VALUES lists (five parameters per row, a statement per 200 rows in a transaction, each
 * under its own savepoint) this binds a handful of parameters whatever the row count, is atomic without a
 * transaction (so it takes no writer lock) and has one text per table, prepared once.
 */
import type { PackedRows } from "../packed-rows.ts";
import { mayEscapeNul, withoutEscapedNul } from "./json-escapes.ts";

/**
 * packedArrays turns packed rows into one array literal per column (`{"a","b"}`, `{1,2}`): the parameters
 * of unnestInsertSql's statement. Each literal is written as bytes straight from the rows' text (a value
 * quoted, its `"` and `\` escaped, a U+0000, which text can't hold, as U+FFFD) and made a string once: no
 * string per value. The text of a column marked in `json` is JSON whose escaped U+0000 (`\u0000` after an
 * even run of backslashes, which JSONB can't hold and would refuse the whole batch for) is written as U+FFFD.
 * With `from` and `to`, only those rows (`from` included, `to` not).
 */
export function packedArrays(
  rows: PackedRows,
  json: readonly boolean[] = [],
  from = 0,
  to: number = rows.count,
): string[] {
  const backslash = 0x5c;
  const quote = 0x22;
  /** Writes src[from, to) as an element at out[o]; -1 when `isJson` and it holds `\u0000` (to fix first). */
  const writeElement = (out: Uint8Array, o: number, src: Uint8Array, from: number, to: number, isJson: boolean) => {
    out[o++] = quote;
    for (let i = from; i < to; i++) {
      const b = src[i] as number;
      if (b === backslash || b === quote) {
        if (isJson && b === backslash && mayEscapeNul(src, i, to)) return -1;
        out[o++] = backslash;
        out[o++] = b;
      } else if (b === 0) {
        out[o++] = 0xef;
        out[o++] = 0xbf;
        out[o++] = 0xbd;
      } else out[o++] = b;
    }
    out[o++] = quote;
    return o;
  };
  const { types, cells, text: src } = rows;
  const width = types.length;
  const isText = types.map((t) => t === "text");
  /** Where row `from`'s first text starts: where the row before's last one ends. */
  let first = 0;
  for (let c = 0; c < width && from > 0; c++) if (isText[c]) first = cells[(from - 1) * width + c] as number;
  // each literal's room for the worst case: every byte escaped (a NUL's 1 byte becoming 3), quotes, commas
  const sizes = new Array<number>(width).fill(2);
  for (let r = from, at = from * width, start = first; r < to; r++) {
    for (let c = 0; c < width; c++, at++) {
      const cell = cells[at] as number;
      if (isText[c]) {
        sizes[c] = (sizes[c] as number) + 3 * (cell - start) + 3;
        start = cell;
      } else sizes[c] = (sizes[c] as number) + 27;
    }
  }
  const outs = sizes.map((n) => Buffer.allocUnsafe(n));
  const ats = new Array<number>(width).fill(1);
  for (const out of outs) out[0] = 0x7b;
  /** writeJsonWithNul writes JSON holding `\u0000` with U+FFFD's escape instead (as long: it fits the room). */
  const writeJsonWithNul = (out: Buffer, o: number, from: number, to: number): number => {
    const fixed = withoutEscapedNul(src, from, to);
    return writeElement(out, o, fixed, 0, fixed.length, false);
  };
  /**
   * writeCell writes column c's value of a row (the text src[start, cell), or the number cell) at the end of
   * its literal, after a comma unless it is the first row. A cell's work is this small function called once
   * per cell, not the body of the loop below: a function called once per batch reaches the optimizing JIT
   * only by entering it in the middle of that loop, which compiled all of it into 10 KB in 90 ms.
   */
  const writeCell = (c: number, first: boolean, start: number, cell: number): void => {
    const out = outs[c] as Buffer;
    let o = ats[c] as number;
    if (!first) out[o++] = 0x2c;
    if (!isText[c]) {
      ats[c] = o + out.write(Number.isFinite(cell) ? String(cell) : `"${cell}"`, o, "latin1");
      return;
    }
    const end = writeElement(out, o, src, start, cell, json[c] === true);
    ats[c] = end < 0 ? writeJsonWithNul(out, o, start, cell) : end;
  };
  let start = first;
  for (let r = from, at = from * width; r < to; r++) {
    for (let c = 0; c < width; c++, at++) {
      const cell = cells[at] as number;
      writeCell(c, r === from, start, cell);
      if (isText[c]) start = cell;
    }
  }
  return outs.map((out, c) => {
    const o = ats[c] as number;
    out[o] = 0x7d;
    return out.toString("utf8", 0, o + 1);
  });
}

/** unnestInsertSql is the statement inserting packedArrays' parameters; columnTypes are the columns' SQL types. */
export function unnestInsertSql(
  quote: (name: string) => string,
  table: string,
  columns: readonly string[],
  columnTypes: readonly string[],
): string {
  const arrays = columnTypes.map((type, i) => `$${i + 1}::${type}[]`);
  return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) SELECT * FROM unnest(${arrays.join(", ")})`;
}

/** The query reading a table's column types (the table found on the search path), for unnestInsertSql. */
export const columnTypesSql =
  "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a " +
  "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped";
