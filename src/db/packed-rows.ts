import { type Queryable, RowsRefusedError } from "./driver.ts";

/** The kind of a packed column's values: UTF-8 text, or a number (a float64: integers up to 2^53 exactly). */
export type PackedType = "text" | "number";

/**
 * PackedRows are rows of text and number values in two flat buffers, no object per row or per value: the
 * text values' UTF-8 bytes one after the other, and one float64 per cell (row by row, column by column)
 * holding a number column's value or a text column's end in `text` (a text value starts where the
 * previous one ended). Rows waiting long to be written cost the garbage collector nothing this way, and
 * both buffers can be handed to a worker thread without a copy (transferred).
 */
export interface PackedRows {
  readonly types: readonly PackedType[];
  readonly count: number;
  readonly text: Uint8Array<ArrayBuffer>;
  readonly cells: Float64Array<ArrayBuffer>;
}

/**
 * A PackedTransform makes the rows to insert from other packed rows (say, a table's rows from a compact
 * queue of what they hold). It may run on a worker thread, sent there as source text: it must use nothing
 * but its argument, the language and Bun's globals (no imports, no helpers of its module).
 */
export type PackedTransform = (rows: PackedRows) => PackedRows;

/** A value of packed rows, as bound to a statement: a text value as a string, a number as it is. */
export type PackedValue = string | number;

/** One INSERT's worth of packed rows: how many rows, and their values row by row. */
export interface PackedChunk {
  rows: number;
  params: PackedValue[];
}

/**
 * packedChunks decodes packed rows into the parameters of multi-row INSERTs: as few statements as the row
 * counts 200, 50, 10 and 1 allow (only these few texts are ever prepared; one statement of 200 rows costs
 * less per row than 200 of one), none with more than maxParams parameters. When the text is all ASCII (a batch
 * of logs nearly always is), it is decoded once and each value is a slice of that string, which JavaScriptCore
 * makes without copying: bound as text, that costs SQLite's writer less than a view of the bytes bound as a
 * blob and cast to TEXT (0.1-0.25 µs a log row, measured), and much less than a string decoded per value, which
 * is what a text with other characters gets (its UTF-8 bytes don't line up with its characters).
 *
 * It is sent as source text to the SQLite driver's writer thread (background-writer.ts), so it must use
 * nothing but its arguments, the language and Bun's globals: no imports, no helpers from this module.
 */
export function packedChunks(rows: PackedRows, maxParams: number): PackedChunk[] {
  const { types, count, cells } = rows;
  const width = types.length;
  const isText = types.map((t) => t === "text");
  const bytes = Buffer.from(rows.text.buffer, rows.text.byteOffset, rows.text.byteLength);
  const whole = bytes.toString("utf8");
  // UTF-8 takes more than one byte for any other character: as many characters as bytes means all ASCII
  const ascii = whole.length === bytes.length;
  const chunks: PackedChunk[] = [];
  let row = 0;
  let start = 0;
  for (const size of [200, 50, 10, 1]) {
    if (size > 1 && size * width > maxParams) continue;
    while (count - row >= size) {
      const params: PackedValue[] = new Array(size * width);
      for (let p = 0, at = row * width; p < params.length; p++, at++) {
        const cell = cells[at] as number;
        if (isText[p % width]) {
          params[p] = ascii ? whole.slice(start, cell) : bytes.toString("utf8", start, cell);
          start = cell;
        } else {
          params[p] = cell;
        }
      }
      chunks.push({ rows: size, params });
      row += size;
    }
  }
  return chunks;
}

/** The most parameters one statement binds on either engine (SQLite's default limit; PostgreSQL's is 65,535). */
export const maxInsertParams = 32_766;

const insertTexts = new WeakMap<Queryable["dialect"], Map<string, string>>();

/** insertRowsSql is the text of an INSERT of `rows` rows into table's columns (kept per dialect: prepared once). */
export function insertRowsSql(
  dialect: Queryable["dialect"],
  table: string,
  columns: readonly string[],
  rows: number,
): string {
  let texts = insertTexts.get(dialect);
  if (!texts) {
    texts = new Map();
    insertTexts.set(dialect, texts);
  }
  const key = `${rows}\0${table}\0${columns.join("\0")}`;
  let text = texts.get(key);
  if (text === undefined) {
    const values: string[] = [];
    for (let r = 0, n = 1; r < rows; r++) {
      const row: string[] = [];
      for (let c = 0; c < columns.length; c++) row.push(dialect.placeholder(n++));
      values.push(`(${row.join(", ")})`);
    }
    text = `INSERT INTO ${dialect.quote(table)} (${columns.map((c) => dialect.quote(c)).join(", ")}) VALUES ${values.join(", ")}`;
    texts.set(key, text);
  }
  return text;
}

/**
 * insertPackedRows inserts packed rows into table's columns (in the rows' column order) in one
 * transaction (a savepoint inside one) on the caller's connection: what drivers do that write inline.
 */
export function insertPackedRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: PackedRows,
): Promise<void> {
  checkPackedColumns(columns, rows);
  return insertChunks(db, table, columns, packedChunks(rows, maxInsertParams));
}

/**
 * insertChunks runs the INSERTs of decoded packed rows in one transaction (none when there are none). When a
 * chunk's INSERT is refused for a row's values (Dialect.refusesRow), its rows are inserted one by one (each
 * statement undoes only itself, on both engines' transactions) and those refused are left out: the others
 * are committed, and it rejects with a RowsRefusedError. Any other failure (the database unavailable, full
 * or failing, the statement wrong) fails it whole.
 */
export async function insertChunks(
  db: Queryable,
  table: string,
  columns: readonly string[],
  chunks: readonly PackedChunk[],
): Promise<void> {
  if (chunks.length === 0) return;
  const width = columns.length;
  let count = 0;
  const refused: unknown[] = [];
  await db.transaction(async (tx) => {
    for (const c of chunks) {
      count += c.rows;
      try {
        await tx.run(insertRowsSql(db.dialect, table, columns, c.rows), c.params);
        continue;
      } catch (err) {
        if (!db.dialect.refusesRow(err)) throw err;
        if (c.rows === 1) {
          refused.push(err);
          continue;
        }
      }
      for (let r = 0; r < c.rows; r++) {
        try {
          await tx.run(insertRowsSql(db.dialect, table, columns, 1), c.params.slice(r * width, (r + 1) * width));
        } catch (err) {
          if (!db.dialect.refusesRow(err)) throw err;
          refused.push(err);
        }
      }
    }
  });
  if (refused.length > 0) throw new RowsRefusedError(refused.length, count, { cause: refused[0] });
}

/**
 * packedSlice is rows [from, to) of packed rows, as packed rows of their own: a view of the same text (no
 * copy), with the rows' cells copied and their text ends counted from the slice's start.
 */
export function packedSlice(rows: PackedRows, from: number, to: number): PackedRows {
  const width = rows.types.length;
  const isText = rows.types.map((t) => t === "text");
  const lastTextEnd = (row: number): number => {
    for (let i = row * width - 1; i >= 0; i--) if (isText[i % width]) return rows.cells[i] as number;
    return 0;
  };
  const start = lastTextEnd(from);
  const end = lastTextEnd(to);
  const cells = rows.cells.slice(from * width, to * width);
  for (let i = 0; i < cells.length; i++) if (isText[i % width]) cells[i] = (cells[i] as number) - start;
  return { types: rows.types, count: to - from, text: rows.text.subarray(start, end), cells };
}

/** checkPackedColumns refuses packed rows whose columns aren't the ones named. */
export function checkPackedColumns(columns: readonly string[], rows: PackedRows): void {
  if (columns.length !== rows.types.length || columns.length === 0) {
    throw new Error(`${columns.length} columns named for packed rows of ${rows.types.length}`);
  }
}

export interface PackedRowsOptions {
  /** The most bytes of text the rows may hold together: a row that would pass it is refused. */
  maxBytes: number;
  /** The text buffer's first size (default 64 KiB); later buffers start at the size the last batch needed. */
  initialBytes?: number;
}

/**
 * PackedRowsWriter packs rows as they come: each row's values in column order (`text`, `number`), then
 * `endRow`. `take` hands the rows over (their buffers are the taker's, to transfer to a worker) and starts
 * new buffers, sized for a batch like the last one.
 */
export class PackedRowsWriter {
  readonly types: readonly PackedType[];
  readonly #isText: readonly boolean[];
  readonly #maxBytes: number;
  readonly #initialBytes: number;
  #text: Buffer<ArrayBuffer> | null = null;
  #cells: Float64Array<ArrayBuffer> | null = null;
  #used = 0;
  #count = 0;
  /** The next cell's place in `#cells`, and where the current row began in both buffers. */
  #cell = 0;
  #rowUsed = 0;
  /** Set when a value of the current row didn't fit: endRow drops the row. */
  #overflow = false;
  #nextBytes: number;
  #nextRows = 256;

  constructor(types: readonly PackedType[], options: PackedRowsOptions) {
    if (types.length === 0) throw new Error("packed rows need at least one column");
    this.types = types;
    this.#isText = types.map((t) => t === "text");
    this.#maxBytes = options.maxBytes;
    this.#initialBytes = Math.min(options.initialBytes ?? 64 * 1024, options.maxBytes);
    this.#nextBytes = this.#initialBytes;
  }

  /** How many rows are packed. */
  get count(): number {
    return this.#count;
  }

  /** How many bytes of text the packed rows hold. */
  get bytes(): number {
    return this.#used;
  }

  text(value: string): void {
    const at = this.#nextCell(true);
    if (this.#overflow) return;
    const text = this.#room(value);
    if (text === null) return;
    this.#used += value.length === 0 ? 0 : text.write(value, this.#used, "utf8");
    (this.#cells as Float64Array)[at] = this.#used;
  }

  /**
   * texts writes the row's next `values.length` text values, and says whether they were all ASCII (true when
   * they don't fit under maxBytes: nothing is written, and endRow drops the row). Their ASCII characters are
   * copied by this loop: on a request's path, a native UTF-8 write per value (or one of them joined, and a
   * test of that join) cost more than copying a few dozen characters. A value with any other character is
   * written as UTF-8 by the buffer, as `text` writes it.
   */
  texts(values: readonly string[]): boolean {
    const first = this.#cell;
    let length = 0;
    for (let i = 0; i < values.length; i++) {
      this.#nextCell(true);
      length += (values[i] as string).length;
    }
    if (this.#overflow) return true;
    const text = this.#roomForAll(values, length);
    if (text === null) return true;
    const cells = this.#cells as Float64Array;
    let ascii = true;
    let at = this.#used;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as string;
      const start = at;
      for (let j = 0; j < value.length; j++) {
        const c = value.charCodeAt(j);
        if (c >= 0x80) {
          ascii = false;
          at = start + text.write(value, start, "utf8");
          break;
        }
        text[at++] = c;
      }
      cells[first + i] = at;
    }
    this.#used = at;
    return ascii;
  }

  number(value: number): void {
    const at = this.#nextCell(false);
    (this.#cells as Float64Array)[at] = value;
  }

  /**
   * numbers writes the row's next `values.length` values, numbers all: what as many `number` calls do, in one
   * call site (a caller writing a row's numbers one by one has the writer's checks compiled into it once per
   * call, which makes the JIT's optimized code of a hot packing function several times larger).
   */
  numbers(values: readonly number[]): void {
    for (let i = 0; i < values.length; i++) this.number(values[i] as number);
  }

  /** endRow completes the row; false when it didn't fit in maxBytes (it is dropped, the rows before kept). */
  endRow(): boolean {
    const width = this.types.length;
    if (this.#cell - this.#count * width !== width) {
      throw new Error(`a packed row has ${width} values, not ${this.#cell - this.#count * width}`);
    }
    if (this.#overflow) {
      this.dropRow();
      return false;
    }
    this.#count++;
    this.#rowUsed = this.#used;
    return true;
  }

  /** dropRow forgets the values of the row begun (say, when making one of them failed). */
  dropRow(): void {
    this.#overflow = false;
    this.#cell = this.#count * this.types.length;
    this.#used = this.#rowUsed;
  }

  /** take returns the packed rows and empties the writer; the rows' buffers are no longer the writer's. */
  take(): PackedRows {
    if (this.#cell !== this.#count * this.types.length) throw new Error("take inside a packed row");
    const rows: PackedRows = {
      types: this.types,
      count: this.#count,
      text: this.#text === null ? new Uint8Array(0) : new Uint8Array(this.#text.buffer, 0, this.#used),
      cells: this.#cells === null ? new Float64Array(0) : new Float64Array(this.#cells.buffer, 0, this.#cell),
    };
    // the next batch is likely the size of this one: start there, so that its buffers need no growing
    if (this.#count > 0) {
      this.#nextBytes = Math.min(this.#maxBytes, Math.max(this.#initialBytes, Math.ceil(this.#used * 1.25)));
      this.#nextRows = Math.max(256, Math.ceil(this.#count * 1.25));
    }
    this.#text = null;
    this.#cells = null;
    this.#used = 0;
    this.#rowUsed = 0;
    this.#count = 0;
    this.#cell = 0;
    return rows;
  }

  /** #nextCell checks the value's type against its column and returns its place, making buffers as needed. */
  #nextCell(text: boolean): number {
    const width = this.types.length;
    const column = this.#cell - this.#count * width;
    if (column >= width || this.#isText[column] !== text) {
      throw new Error(`packed column ${column} takes ${column >= width ? "no value" : this.types[column]}`);
    }
    if (this.#text === null) this.#text = Buffer.from(new ArrayBuffer(this.#nextBytes));
    let cells = this.#cells;
    if (cells === null) {
      cells = new Float64Array(this.#nextRows * width);
      this.#cells = cells;
    } else if (this.#cell >= cells.length) {
      const grown = new Float64Array(cells.length * 2);
      grown.set(cells);
      this.#cells = cells = grown;
    }
    return this.#cell++;
  }

  /**
   * #room returns the text buffer with room for value's UTF-8 bytes after what it holds, grown if need be;
   * null (and the row marked as overflowing) when that would pass maxBytes.
   */
  #room(value: string): Buffer | null {
    const text = this.#text as Buffer;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: only a value that may not fit is measured
    if (this.#used + 3 * value.length <= text.length) return text;
    const needed = this.#used + Buffer.byteLength(value, "utf8");
    if (needed <= text.length) return text;
    const grown = this.#grow(needed);
    if (grown === null) this.#overflow = true;
    return grown;
  }

  /** #roomForAll is #room for several values of `length` UTF-16 code units in all. */
  #roomForAll(values: readonly string[], length: number): Buffer | null {
    const text = this.#text as Buffer;
    if (this.#used + 3 * length <= text.length) return text;
    let needed = this.#used;
    for (const v of values) needed += Buffer.byteLength(v, "utf8");
    if (needed <= text.length) return text;
    const grown = this.#grow(needed);
    if (grown === null) this.#overflow = true;
    return grown;
  }

  /** #grow makes the text buffer at least `needed` bytes, doubling it, up to maxBytes (null beyond). */
  #grow(needed: number): Buffer | null {
    if (needed > this.#maxBytes) return null;
    const old = this.#text as Buffer;
    const text = Buffer.from(new ArrayBuffer(Math.min(this.#maxBytes, Math.max(needed, old.length * 2))));
    old.copy(text, 0, 0, this.#used);
    this.#text = text;
    return text;
  }
}
