import type { Collection } from "./collection-model.ts";
import { type RecordJSON, RecordModel } from "./record-model.ts";
import type { RowExporter } from "./record-row-export.ts";

/**
 * RowRecords are the rows of a list or view answered from the rows while handlers are bound (the request's
 * hook, onRecordEnrich): each row's record is made the first time a handler reads it (`e.record`,
 * `e.records`, `e.result`), so a handler that only calls `e.next()` costs no record, and a row whose record
 * no one read is exported straight from the row, as with no handler at all.
 */
export class RowRecords {
  readonly #records: (RecordModel | undefined)[];

  constructor(
    readonly collection: Collection,
    readonly rows: readonly Record<string, unknown>[],
  ) {
    this.#records = new Array(rows.length);
  }

  get length(): number {
    return this.rows.length;
  }

  /** at is the record of row i, made on first read. */
  at(i: number): RecordModel {
    let record = this.#records[i];
    if (record === undefined) {
      record = new RecordModel(this.collection, this.rows[i] as Record<string, unknown>);
      this.#records[i] = record;
    }
    return record;
  }

  /** all makes every row's record (those read already are kept, with whatever handlers did to them). */
  all(): RecordModel[] {
    const out = new Array<RecordModel>(this.rows.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  /** exportAt is row i's JSON: its record's when one was made, else the row's own. */
  exportAt(i: number, exporter: RowExporter): RecordJSON {
    const record = this.#records[i];
    return record === undefined ? exporter(this.rows[i] as Record<string, unknown>) : record.publicExport();
  }
}
