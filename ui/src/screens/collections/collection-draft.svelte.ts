import { pb } from "../../api/client.ts";
import type { CollectionModel, CollectionType, FieldModel, FieldType } from "../../api/wire.ts";
import { FormErrors } from "../../forms/form-errors.svelte.ts";
import { collections } from "../../state/collections.svelte.ts";
import { isMultiple, uniqueFieldName } from "./field-names.ts";
import { fieldTypes } from "./field-types.ts";
import { columnName, parseIndex, randomIndexName, renameIndexColumn, setIndexTable } from "./index-sql.ts";

/** indexesOn lists the indexes that have a column of that name. */
function indexesOn(indexes: string[], name: string): string[] {
  const lower = name.toLowerCase();
  return indexes.filter((sql) => parseIndex(sql)?.columns.some((c) => columnName(c).toLowerCase() === lower));
}

/** A field taken out of the draft, kept so that it can be put back where it was. */
export interface RemovedField {
  field: FieldModel;
  index: number;
  /** The indexes on it, which went with it. */
  indexes: string[];
}

/** What saving a changed collection does that can't be undone, which the user confirms first. */
export interface DangerousChanges {
  renamedCollection: { from: string; to: string } | null;
  renamedFields: { from: string; to: string }[];
  removedFields: string[];
  /** Fields going from several values to one: only the last value of each record is kept. */
  toSingleFields: string[];
  /** Rules that changed (listed on a production server, served over https, as PocketBase does). */
  changedRules: { rule: string; from: string | null; to: string | null }[];
}

export type Scaffolds = Record<CollectionType, CollectionModel>;

const ruleKeys = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"] as const;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * CollectionDraft is the collection editor's state: the collection as saved (none while it is new), an
 * editable copy, the fields taken out of it, and the server's errors. It tells what changed and saves.
 */
export class CollectionDraft {
  original = $state<CollectionModel | null>(null);
  draft = $state<CollectionModel>(undefined as unknown as CollectionModel);
  removed = $state<RemovedField[]>([]);
  saving = $state(false);
  readonly errors = new FormErrors();
  #baseline = $state("");

  constructor(collection: CollectionModel, isNew: boolean) {
    this.reset(collection, isNew);
  }

  get isNew(): boolean {
    return this.original === null;
  }

  /** The body sent to the server: the draft (the removed fields are out of it already). */
  payload(): CollectionModel {
    return $state.snapshot(this.draft) as CollectionModel;
  }

  get hasChanges(): boolean {
    return JSON.stringify(this.payload()) !== this.#baseline;
  }

  /** reset starts over from a collection: a saved one, or (isNew) the starting point of a new one. */
  reset(collection: CollectionModel, isNew = this.isNew): void {
    this.original = isNew ? null : clone(collection);
    this.draft = clone(collection);
    this.removed = [];
    this.#baseline = JSON.stringify(this.draft);
    this.errors.reset();
  }

  /** discard drops the unsaved changes. */
  discard(): void {
    this.reset(this.original ?? (JSON.parse(this.#baseline) as CollectionModel));
  }

  // fields

  /** addField adds a field of a type, before the trailing autodate fields, and returns it. */
  addField(type: FieldType): FieldModel {
    const field = fieldTypes[type].defaults();
    field.name = uniqueFieldName(this.draft.fields, type);
    const fields = this.draft.fields;
    let at = fields.length;
    if (type !== "autodate") while (at > 0 && fields[at - 1]?.type === "autodate") at--;
    fields.splice(at, 0, field);
    return fields[at] as FieldModel;
  }

  /** duplicateField puts a copy of a field (without its id, named `<name>_copy`) after it. */
  duplicateField(index: number): void {
    const source = this.draft.fields[index];
    if (!source) return;
    const copy = clone($state.snapshot(source) as FieldModel);
    copy.id = "";
    copy.system = false;
    copy.name = uniqueFieldName(this.draft.fields, `${source.name}_copy`);
    if (copy.type === "text") copy.primaryKey = false;
    this.draft.fields.splice(index + 1, 0, copy);
  }

  /**
   * removeField takes a field out, with the indexes on it (a saved field can be restored, indexes and
   * all, until the collection is saved).
   */
  removeField(index: number): void {
    const [field] = this.draft.fields.splice(index, 1);
    if (!field) return;
    const indexes = indexesOn(this.draft.indexes, field.name);
    this.draft.indexes = this.draft.indexes.filter((sql) => !indexes.includes(sql));
    if (field.id !== "") this.removed.push({ field: clone($state.snapshot(field) as FieldModel), index, indexes });
  }

  restoreField(removed: RemovedField): void {
    this.removed = this.removed.filter((r) => r !== removed);
    const original = this.original?.fields.find((f) => f.id === removed.field.id);
    const field = original ? clone(original) : removed.field;
    this.draft.fields.splice(Math.min(removed.index, this.draft.fields.length), 0, field);
    this.draft.indexes.push(...removed.indexes.filter((sql) => !this.draft.indexes.includes(sql)));
  }

  /** moveField moves a field from one position to another. */
  moveField(from: number, to: number): void {
    const fields = this.draft.fields;
    if (from === to || to < 0 || to >= fields.length) return;
    const [field] = fields.splice(from, 1);
    if (field) fields.splice(to, 0, field);
  }

  /** renameField renames a field, and the indexes and identity fields that name it. */
  renameField(index: number, name: string): void {
    const field = this.draft.fields[index];
    if (!field) return;
    const from = field.name;
    field.name = name;
    if (from === "" || name === "" || this.draft.fields.some((f) => f !== field && f.name === from)) return;
    this.draft.indexes = this.draft.indexes.map((sql) => renameIndexColumn(sql, from, name));
    if (this.draft.type === "auth") {
      this.draft.passwordAuth.identityFields = this.draft.passwordAuth.identityFields.map((f) =>
        f === from ? name : f,
      );
    }
  }

  // type and copies

  /**
   * changeType turns a new collection into another type: the type's system fields and indexes (from the
   * server's scaffold), with the fields, indexes and rules set so far kept where they still apply.
   */
  changeType(type: CollectionType, scaffolds: Scaffolds): void {
    const current = this.payload();
    const scaffold = clone(scaffolds[type]);
    const own = type === "view" ? [] : current.fields.filter((f) => !f.system);
    const names = new Set([...scaffold.fields, ...own].map((f) => f.name.toLowerCase()));
    const oldScaffoldIndexes = new Set(
      scaffolds[current.type].indexes.map((sql) => parseIndex(sql)?.name.toLowerCase() ?? sql),
    );
    const keptIndexes = current.indexes.filter((sql) => {
      const parts = parseIndex(sql);
      if (!parts || oldScaffoldIndexes.has(parts.name.toLowerCase())) return false;
      return parts.columns.every((c) => names.has(columnName(c).toLowerCase()));
    });
    const next: CollectionModel = {
      ...scaffold,
      name: current.name,
      fields: [...scaffold.fields, ...own],
      indexes: [...scaffold.indexes, ...keptIndexes].map((sql) => setIndexTable(sql, current.name)),
    };
    for (const rule of ruleKeys) {
      if (rule in current && rule in next)
        (next as Record<string, unknown>)[rule] = (current as Record<string, unknown>)[rule];
    }
    this.draft = next;
  }

  /** setName renames the collection; its indexes follow the new name. */
  setName(name: string): void {
    this.draft.name = name;
    this.draft.indexes = this.draft.indexes.map((sql) => setIndexTable(sql, name));
  }

  // saving

  /**
   * duplicateNames lists the positions of fields named as an earlier one (in any case): the server would
   * keep only the last of them, so the editor refuses them first.
   */
  duplicateNames(): number[] {
    const seen = new Set<string>();
    const out: number[] = [];
    this.draft.fields.forEach((f, i) => {
      const name = f.name.toLowerCase();
      if (name !== "" && seen.has(name)) out.push(i);
      seen.add(name);
    });
    return out;
  }

  /** dangerousChanges lists what the save would do that loses data or breaks references. */
  dangerousChanges(): DangerousChanges {
    const before = this.original;
    const after = this.payload();
    const changes: DangerousChanges = {
      renamedCollection: null,
      renamedFields: [],
      removedFields: [],
      toSingleFields: [],
      changedRules: [],
    };
    if (!before) return changes;
    if (before.name !== after.name) changes.renamedCollection = { from: before.name, to: after.name };
    if (after.type !== "view") {
      for (const field of after.fields) {
        const old = before.fields.find((f) => f.id !== "" && f.id === field.id);
        if (!old) continue;
        if (old.name !== field.name) changes.renamedFields.push({ from: old.name, to: field.name });
        if (isMultiple(old) && !isMultiple(field)) changes.toSingleFields.push(field.name);
      }
      changes.removedFields = this.removed.map((r) => r.field.name);
    }
    if (window.location.protocol === "https:") {
      for (const rule of ruleKeys) {
        const from = (before as Record<string, unknown>)[rule];
        const to = (after as Record<string, unknown>)[rule];
        if (from === undefined || from === to) continue;
        changes.changedRules.push({ rule, from: from as string | null, to: to as string | null });
      }
    }
    return changes;
  }

  /** save sends the draft; the saved collection, or the server's error (shown by `errors`). */
  async save(): Promise<CollectionModel> {
    this.saving = true;
    this.errors.reset();
    try {
      const body = this.payload();
      const saved = this.original
        ? await pb.collections.update<CollectionModel>(this.original.id, body)
        : await pb.collections.create<CollectionModel>(body);
      collections.upsert(saved);
      this.reset(saved, false);
      return saved;
    } finally {
      this.saving = false;
    }
  }
}

/** newCollection is where a new collection starts: the base scaffold with `created` and `updated` dates. */
export function newCollection(scaffolds: Scaffolds, type: CollectionType): CollectionModel {
  const collection = clone(scaffolds[type]);
  if (type !== "view") {
    const created: FieldModel = { ...fieldTypes.autodate.defaults(), name: "created" };
    const updated: FieldModel = { ...fieldTypes.autodate.defaults(), name: "updated", onUpdate: true };
    collection.fields.push(created, updated);
  }
  return collection;
}

/** duplicateOf is a new collection copied from a saved one: new ids, `<name>_duplicate`, renamed indexes. */
export function duplicateOf(source: CollectionModel): CollectionModel {
  const copy = clone(source);
  copy.id = "";
  copy.system = false;
  copy.name = `${source.name}_duplicate`;
  copy.created = "";
  copy.updated = "";
  for (const field of copy.fields) field.id = "";
  copy.indexes = copy.indexes.map((sql) => setIndexTable(sql, copy.name, randomIndexName()));
  if (copy.type === "auth") {
    for (const provider of copy.oauth2.providers) delete provider.clientSecret;
  }
  return copy;
}
