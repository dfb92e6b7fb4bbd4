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
  if (collection.fields.some((f) => f.prepareValue.length > 1)) return null;
  const prepared = (f: Field, i: number) => `f[${i}].prepareValue(row[${JSON.stringify(f.name)}], noRecord)`;
  return makeExporter(collection, prepared, "row", false) as RowExporter;
}

/** ValuesExporter makes a record's JSON from its values (RecordModel's, as prepared by the fields). */
export type ValuesExporter = (values: Record<string, unknown>, ignoreEmailVisibility: boolean) => RecordJSON;

const valuesExporters = new WeakMap<Collection, ValuesExporter | null>();

/**
 * valuesExporter is rowExporter for a record's values: `RecordModel.publicExport()` with the default
 * visibility, no custom data and no expand, made by a function generated once per collection version instead
 * of a loop over the fields. Null for a collection with a field named `__proto__` (a key an object takes as
 * its prototype, not as a value): such a collection keeps the loop, the reference this export is checked on.
 */
export function valuesExporter(collection: Collection): ValuesExporter | null {
  let exporter = valuesExporters.get(collection);
  if (exporter === undefined) {
    exporter = collection.fields.some((f) => f.name === "__proto__")
      ? null
      : (makeExporter(
          collection,
          (f) => `v[${JSON.stringify(f.name)}]`,
          "v, ignoreEmailVisibility",
          true,
        ) as ValuesExporter);
    valuesExporters.set(collection, exporter);
  }
  return exporter;
}

/**
 * makeExporter makes the function of rowExporter and valuesExporter: `prepared(f, i)` is the expression of
 * field `f`'s value (`f[i]` in the function, i its index among the collection's fields), over its `params`;
 * with `emailOverride`, its `ignoreEmailVisibility` parameter shows an auth record's email whatever its
 * visibility.
 */
function makeExporter(
  collection: Collection,
  prepared: (f: Field, i: number) => string,
  params: string,
  emailOverride: boolean,
): unknown {
  const fields: readonly Field[] = [...collection.fields];
  const isAuth = collection.type === "auth";
  // an auth record never shows its password nor its token key, and its email only when made visible
  const shown = fields.filter((f) => !f.hidden && !(isAuth && (f.name === "password" || f.name === "tokenKey")));
  const visibility = isAuth ? fields.find((f) => f.name === "emailVisibility") : undefined;
  // a function made for the collection: one object literal (one shape), one call site per field, each seeing
  // one field type, where a loop over the fields would call every type's methods from the same places
  const at = (f: Field) => fields.indexOf(f);
  const value = (f: Field) => `f[${at(f)}].exportValue(${prepared(f, at(f))})`;
  const literal = (withEmail: boolean) =>
    `({${[
      ...shown.filter((f) => withEmail || f.name !== "email").map((f) => `${JSON.stringify(f.name)}: ${value(f)}`),
      "collectionId: id",
      "collectionName: name",
    ].join(", ")}})`;
  const emailShown = visibility === undefined ? "false" : `toBool(${prepared(visibility, at(visibility))})`;
  const override = emailOverride ? "ignoreEmailVisibility || " : "";
  const body =
    isAuth && shown.some((f) => f.name === "email")
      ? `return (${params}) => ${override}${emailShown} ? ${literal(true)} : ${literal(false)};`
      : `return (${params}) => ${literal(true)};`;
  const make = new Function("f", "noRecord", "toBool", "id", "name", body) as (
    f: readonly Field[],
    noRecord: RecordModel,
    toBoolean: typeof toBool,
    id: string,
    name: string,
  ) => unknown;
  return make(fields, noRecord, toBool, collection.id, collection.name);
}
