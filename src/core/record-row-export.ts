import { toBool } from "../tools/types/cast.ts";
import type { Collection } from "./collection-model.ts";
import type { Field } from "./field.ts";
import type { RecordJSON, RecordModel } from "./record-model.ts";

/** A database row: column name → stored value. */
type Row = Record<string, unknown>;

/** RowExporter makes a record's JSON from its row. */
export type RowExporter = (row: Row) => RecordJSON;

/** What prepareValue gets for its record here: no field type it is used with reads it (checked per collection). */
const noRecord = undefined as unknown as RecordModel;

const exporters = new WeakMap<Collection, RowExporter | null>();

/**
 * rowExporter makes a collection's records' JSON straight from their rows, the same JSON as
 * `new RecordModel(collection, row).publicExport()` with the default visibility (hidden fields left out, an
 * auth record's email only when it is visible to all), without the record: no value map, no model, one object
 * per row. Made once per collection version (a saved collection is a new object). Null when a field's
 * `prepareValue` reads the record (a type outside Satchel's own), which only a record can give it.
 */
export function rowExporter(collection: Collection): RowExporter | null {
  let exporter = exporters.get(collection);
  if (exporter === undefined) {
    exporter = makeRowExporter(collection);
    exporters.set(collection, exporter);
  }
  return exporter;
}

function makeRowExporter(collection: Collection): RowExporter | null {
  const fields: readonly Field[] = [...collection.fields];
  if (fields.some((f) => f.prepareValue.length > 1)) return null;
  const isAuth = collection.type === "auth";
  // an auth record never shows its password nor its token key, and its email only when made visible
  const shown = fields.filter((f) => !f.hidden && !(isAuth && (f.name === "password" || f.name === "tokenKey")));
  const names = shown.map((f) => f.name);
  const email = isAuth ? shown.findIndex((f) => f.name === "email") : -1;
  const visibility = isAuth ? fields.find((f) => f.name === "emailVisibility") : undefined;
  const collectionId = collection.id;
  const collectionName = collection.name;
  const n = shown.length;
  return (row) => {
    const out: Record<string, unknown> = {};
    const emailShown =
      email < 0 || (visibility !== undefined && toBool(visibility.prepareValue(row.emailVisibility, noRecord)));
    for (let i = 0; i < n; i++) {
      if (i === email && !emailShown) continue;
      const f = shown[i] as Field;
      const name = names[i] as string;
      out[name] = f.exportValue(f.prepareValue(row[name], noRecord));
    }
    out.collectionId = collectionId;
    out.collectionName = collectionName;
    return out as RecordJSON;
  };
}
