/**
 * Packed rows (request logs, in batches of up to 1000) inserted into PostgreSQL as one statement: each
 * column's values sent as one array, `INSERT INTO t (...) SELECT * FROM unnest($1::text[], $2::jsonb[], ...)`.
 * Against multi-row VALUES lists (five parameters per row, a statement per 200 rows in a transaction, each
 * under its own savepoint) this binds a handful of parameters whatever the row count, is atomic without a
 * transaction (so it takes no writer lock) and has one text per table, prepared once.
 */
import type { PackedRows } from "../packed-rows.ts";

/** arrayElement quotes a text as an element of a PostgreSQL array literal; U+0000 (which text can't hold) becomes U+FFFD. */
function arrayElement(text: string): string {
  let v = text;
  if (v.includes("\0")) v = v.replaceAll("\0", "\ufffd");
  if (v.includes("\\") || v.includes('"')) v = v.replace(/[\\"]/g, "\\$&");
  return `"${v}"`;
}

/** An escaped U+0000 in JSON text (`\u0000` after an even run of backslashes), which JSONB refuses. */
const jsonNul = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** jsonWithoutNul writes an escaped U+0000 in JSON text as U+FFFD, as a raw one in text is stored. */
function jsonWithoutNul(text: string): string {
  return text.includes("\\u0000") ? text.replace(jsonNul, "$1\\ufffd") : text;
}

/**
 * packedArrays turns packed rows into one array literal per column (`{"a","b"}`, `{1,2}`): the parameters
 * of unnestInsertSql's statement. The text of a column marked in `json` is JSON whose escaped U+0000 (which
 * JSONB can't hold, and would refuse the whole batch for) is written as U+FFFD.
 */
export function packedArrays(rows: PackedRows, json: readonly boolean[] = []): string[] {
  const { types, count, cells } = rows;
  const width = types.length;
  const bytes = Buffer.from(rows.text.buffer, rows.text.byteOffset, rows.text.byteLength);
  const columns: string[][] = types.map(() => new Array<string>(count));
  let start = 0;
  for (let r = 0, at = 0; r < count; r++) {
    for (let c = 0; c < width; c++, at++) {
      const cell = cells[at] as number;
      const column = columns[c] as string[];
      if (types[c] === "text") {
        const text = bytes.toString("utf8", start, cell);
        column[r] = arrayElement(json[c] ? jsonWithoutNul(text) : text);
        start = cell;
      } else {
        column[r] = Number.isFinite(cell) ? String(cell) : `"${cell}"`;
      }
    }
  }
  return columns.map((values) => `{${values.join(",")}}`);
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
