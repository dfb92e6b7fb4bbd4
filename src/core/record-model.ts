import type { SqlValue } from "../db/sql.ts";
import { castString, toBool, toFloat, toUniqueStringList } from "../tools/types/cast.ts";
import type { Collection } from "./collection-model.ts";
import type { Model } from "./db-model.ts";
import type { Field } from "./field.ts";
import { valuesExporter } from "./record-row-export.ts";

/** Keys of record JSON that are never stored, whatever the body says. */
const dynamicKeys = new Set(["collectionId", "collectionName", "expand"]);

/** Key prefix for values a field keeps on the record between save stages (never exported). */
export const internalKeyPrefix = "@pbInternal";

export type Expand = Record<string, RecordModel | RecordModel[]>;

/**
 * A record's JSON as the API sends it: its visible fields by name (values as each field type exports
 * them), its collection's id and name, and the expanded relations when asked for. A request's `fields`
 * may leave any of them out.
 */
export interface RecordJSON {
  id: string;
  collectionId: string;
  collectionName: string;
  expand?: Record<string, RecordJSON | RecordJSON[]>;
  [field: string]: unknown;
}

type Values = Record<string, unknown>;

/** A value map without a prototype: keys from request bodies (`__proto__`...) stay plain keys. */
const blank = (): Values => Object.create(null) as Values;

/**
 * exportExpand is an expand as plain JSON objects: JSON.stringify takes a much slower path for each object
 * with toJSON, and a back-relation expand holds thousands of records.
 */
function exportExpand(expand: Expand): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in expand) {
    const v: unknown = expand[key];
    if (!Array.isArray(v)) {
      out[key] = exported(v);
      continue;
    }
    const list = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) list[i] = exported(v[i]);
    out[key] = list;
  }
  return out;
}

/** exported is a record's JSON object; anything else a hook put in an expand is left as it is. */
const exported = (v: unknown): unknown => (v instanceof RecordModel ? v.publicExport() : v);

/**
 * RecordModel is one row of a collection: field values in their in-memory form, the values as last
 * loaded or saved (to tell what changed), the expanded relations, and per-record export options.
 */
export class RecordModel implements Model {
  readonly collection: Collection;
  #data: Values;
  /** The values as loaded from the database; shared with #data until the first write (copy on write). */
  #loaded: Values | null = null;
  #isNew = true;
  #lastSavedPk = "";
  expand: Expand | null = null;
  /** Per-field visibility overrides for export (superusers see hidden fields); allocated on first use. */
  #visibility: Map<string, boolean> | null = null;
  /** Export the email of auth records regardless of emailVisibility (owner, superuser, manager). */
  ignoreEmailVisibility = false;
  /** Export keys that are not fields (set by hooks). */
  exportCustomData = false;

  /** A record built from a database row is saved (not new); without a row it is new with default values. */
  constructor(collection: Collection, row?: Record<string, unknown>) {
    this.collection = collection;
    // a plain object in field order (one shape per collection) builds and reads faster than a Map
    const data = blank();
    const fields = collection.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Field;
      data[f.name] = f.prepareValue(row ? row[f.name] : undefined, this);
    }
    this.#data = data;
    if (row) {
      this.#loaded = data;
      this.#isNew = false;
      this.#lastSavedPk = castString(row.id);
    }
  }

  /** fromRow builds a saved record from a database row (column name → stored value). */
  static fromRow(collection: Collection, row: Record<string, unknown>): RecordModel {
    return new RecordModel(collection, row);
  }

  get id(): string {
    return castString(this.#data.id);
  }

  set id(value: string) {
    this.setRaw("id", value);
  }

  isNew(): boolean {
    return this.#isNew;
  }

  /** markAsNotNew records that the row exists in the database under its current id. */
  markAsNotNew(): void {
    this.#isNew = false;
    this.#lastSavedPk = this.id;
    this.#loaded = this.#data;
  }

  markAsNew(): void {
    this.#isNew = true;
    this.#lastSavedPk = "";
  }

  /** lastSavedPk is the id the row has in the database ("" when new). */
  lastSavedPk(): string {
    return this.#lastSavedPk;
  }

  /** hookTags are the collection's id and name (the same array while they don't change). */
  hookTags(): readonly string[] {
    return this.collection.idAndName();
  }

  /** tableName is the name of the collection's table. */
  tableName(): string {
    return this.collection.name;
  }

  pk(): string {
    return this.id;
  }

  getRaw(key: string): unknown {
    return this.#data[key];
  }

  setRaw(key: string, value: unknown): void {
    if (this.#data === this.#loaded) this.#data = Object.assign(blank(), this.#loaded);
    this.#data[key] = value;
  }

  /** get returns a value through the fields' getters (e.g. a password's pending plain text), or the raw value. */
  get(key: string): unknown {
    for (const f of this.collection.fields) {
      const getter = f.findGetter(key);
      if (getter) return getter(this);
    }
    return this.#data[key];
  }

  /** set assigns a value through the matching field setter (modifiers such as `tags+` included). */
  set(key: string, value: unknown): void {
    if (dynamicKeys.has(key)) return;
    if (!this.setIfFieldExists(key, value)) this.setRaw(key, value);
  }

  /** setIfFieldExists applies the field setter for key and returns the field, or undefined. */
  setIfFieldExists(key: string, value: unknown): Field | undefined {
    // a field's own name is its key (other fields claim only modifier keys, `name+`, `+name`, `name:...`): the
    // other fields' setters aren't asked for it
    const named = this.collection.fields.byName(key);
    const own = named?.findSetter(key);
    if (named && own) {
      own(this, value);
      return named;
    }
    for (const f of this.collection.fields) {
      const setter = f.findSetter(key);
      if (setter) {
        setter(this, value);
        return f;
      }
    }
    return undefined;
  }

  /** load sets many keys at once, as `set` does. */
  load(data: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(data)) this.set(k, v);
  }

  getString(key: string): string {
    return castString(this.get(key));
  }

  getBool(key: string): boolean {
    return toBool(this.get(key));
  }

  getNumber(key: string): number {
    return toFloat(this.get(key));
  }

  getStringList(key: string): string[] {
    return toUniqueStringList(this.get(key));
  }

  /** original returns the record as last loaded or saved (the record itself when unchanged). */
  original(): RecordModel {
    const r = new RecordModel(this.collection);
    if (this.#loaded) r.#data = Object.assign(blank(), this.#loaded);
    r.#loaded = r.#data;
    r.#isNew = this.#isNew;
    r.#lastSavedPk = this.#lastSavedPk;
    return r;
  }

  /** clone copies the record with its current values, expand and state. */
  clone(): RecordModel {
    const r = this.original();
    r.#data = Object.assign(blank(), this.#data);
    r.expand = this.expand ? { ...this.expand } : null;
    r.ignoreEmailVisibility = this.ignoreEmailVisibility;
    r.exportCustomData = this.exportCustomData;
    if (this.#visibility) r.#visibility = new Map(this.#visibility);
    return r;
  }

  /** hasChanged reports whether a value differs from the last loaded or saved one. */
  hasChanged(key: string): boolean {
    const before = this.#loaded?.[key];
    const now = this.#data[key];
    if (before === now) return false;
    return JSON.stringify(before) !== JSON.stringify(now);
  }

  /** unhide makes hidden fields visible in the export (used for superusers). */
  unhide(...names: string[]): void {
    this.#visibility ??= new Map();
    for (const n of names) this.#visibility.set(n, true);
  }

  /** hide removes fields (or collectionId/collectionName/expand) from the export. */
  hide(...names: string[]): void {
    this.#visibility ??= new Map();
    for (const n of names) this.#visibility.set(n, false);
  }

  #visible(name: string, hiddenByDefault: boolean): boolean {
    const v = this.#visibility?.get(name);
    return v === undefined ? !hiddenByDefault : v;
  }

  /** customData returns the keys that are not fields (and not internal). */
  customData(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this.#data)) {
      if (k.startsWith(internalKeyPrefix) || this.collection.fields.byName(k)) continue;
      out[k] = this.#data[k];
    }
    return out;
  }

  /**
   * publicExport is the record's JSON: visible fields, collectionId, collectionName and (when set) expand.
   * Auth records never show password or tokenKey, and show email only when visible to the requester.
   */
  publicExport(): RecordJSON {
    const plain = this.#visibility === null;
    if (plain && !this.exportCustomData && !this.expand) {
      // the usual export (no field unhidden, nothing added): the collection's generated exporter
      const exporter = valuesExporter(this.collection);
      if (exporter) return exporter(this.#data, this.ignoreEmailVisibility);
    }
    const out: Record<string, unknown> = {};
    for (const f of this.collection.fields) {
      if (plain ? f.hidden : !this.#visible(f.name, f.hidden)) continue;
      out[f.name] = f.exportValue(this.#data[f.name]);
    }
    if (this.exportCustomData) {
      for (const [k, v] of Object.entries(this.customData())) if (plain || this.#visible(k, false)) out[k] = v;
    }
    if (this.collection.type === "auth") {
      delete out.password;
      delete out.tokenKey;
      if (!this.ignoreEmailVisibility && !toBool(this.#data.emailVisibility)) delete out.email;
    }
    if (plain || this.#visible("collectionId", false)) out.collectionId = this.collection.id;
    if (plain || this.#visible("collectionName", false)) out.collectionName = this.collection.name;
    if (this.expand && (plain || this.#visible("expand", false))) out.expand = exportExpand(this.expand);
    return out as RecordJSON;
  }

  toJSON(): RecordJSON {
    return this.publicExport();
  }

  /** dbExport returns the column values to store, one per field. */
  dbExport(): Record<string, SqlValue> {
    const out: Record<string, SqlValue> = {};
    for (const f of this.collection.fields) out[f.name] = f.driverValue(this.#data[f.name], this);
    return out;
  }

  /** dbValues are dbExport's values in the fields' order (the columns of the collection's INSERT and UPDATE). */
  dbValues(): SqlValue[] {
    const fields = this.collection.fields;
    const out: SqlValue[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Field;
      out[i] = f.driverValue(this.#data[f.name], this) ?? null;
    }
    return out;
  }

  /**
   * replaceModifiers applies a request body to a copy of this record and returns the body with every
   * modifier key (`tags+`, `+tags`, `tags-`, `n+`, ...) replaced by the resulting plain field value, as
   * rules see it in `@request.body` (applyBody on a copy).
   */
  replaceModifiers(data: Record<string, unknown>): Record<string, unknown> {
    return this.clone().applyBody(data);
  }

  /**
   * applyBody sets a request body's keys on this record (setBody) and returns the body as rules see it in
   * `@request.body`: each modifier key replaced by the field's resulting plain value.
   */
  applyBody(data: Record<string, unknown>): Record<string, unknown> {
    const keys = Object.keys(data);
    const claimed = new Set<string>();
    const set: string[] = [];
    for (const k of bodyOrder(keys)) {
      const field = this.setIfFieldExists(k, data[k]);
      if (!field) continue;
      claimed.add(k);
      if (!set.includes(field.name)) set.push(field.name);
    }
    // built in one go, not copied and then deleted from (a deleted key leaves a slower object): the keys no
    // field claims, in the body's order, then the fields set, in the order they were first set
    const out: Record<string, unknown> = {};
    for (const k of keys) if (!claimed.has(k)) putOwn(out, k, data[k]);
    for (const name of set) putOwn(out, name, this.get(name));
    return out;
  }

  /** setBody sets a request body's keys on this record through the fields' setters, as applyBody does. */
  setBody(data: Record<string, unknown>): void {
    for (const k of bodyOrder(Object.keys(data))) this.setIfFieldExists(k, data[k]);
  }

  /** baseFilesPath is the storage folder of the record's files: `<collectionId>/<recordId>` (PocketBase's name). */
  baseFilesPath(): string {
    return `${this.collection.id}/${this.id}`;
  }

  // auth record helpers

  email(): string {
    return this.getString("email");
  }

  tokenKey(): string {
    return this.getString("tokenKey");
  }

  verified(): boolean {
    return this.getBool("verified");
  }
}

/**
 * bodyOrder is the order a body's keys are set in: shorter keys first, so `tags` is set before `tags+` appends.
 * Without a modifier (`+tags`, `tags+`, `tags-`) the order changes nothing, and the keys are taken as they are.
 */
function bodyOrder(keys: string[]): string[] {
  return keys.length > 1 && keys.some(isModifier) ? [...keys].sort((a, b) => a.length - b.length) : keys;
}

function isModifier(key: string): boolean {
  return key.startsWith("+") || key.endsWith("+") || key.endsWith("-");
}

/** putOwn sets an own property, `__proto__` included (which an assignment would take as the prototype). */
function putOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
