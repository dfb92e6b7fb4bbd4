import { SvelteMap } from "svelte/reactivity";
import type { CollectionModel, FieldModel, RecordJSON } from "../../../api/wire.ts";
import { isAuth, isMultiple, toList } from "../record-fields.ts";

/** The changes to a file field: stored files marked for removal, and new files to upload. */
export interface FileChanges {
  removed: string[];
  added: File[];
}

/** Keys of a record that are not field values. */
const metaKeys = new Set(["collectionId", "collectionName", "expand"]);

/** Unsaved edits are kept in this browser under this prefix, per collection and record, and offered back. */
const draftPrefix = "satchel.recordDraft.";

/** The first value of a new record's field, as the server would store an empty one. */
function emptyValue(field: FieldModel): unknown {
  switch (field.type) {
    case "bool":
      return false;
    case "number":
      return null;
    case "json":
      return null;
    case "geoPoint":
      return { lon: 0, lat: 0 };
    case "select":
    case "relation":
    case "file":
      return isMultiple(field) ? [] : "";
    default:
      return "";
  }
}

/** The fields whose values the form edits (autodate fields are set by the server, passwords separately). */
function editedFields(collection: CollectionModel): FieldModel[] {
  return collection.fields.filter((f) => f.type !== "autodate" && f.type !== "password");
}

/**
 * RecordDraft is the record panel's form: the record as loaded, the edited values, the file changes and the
 * new password; it tells whether anything changed and builds the body to send. The edits are kept in
 * localStorage as they are made (files and passwords excepted), so they survive a closed tab.
 */
export class RecordDraft {
  /** The record as stored (null for a new record). */
  original = $state<RecordJSON | null>(null);
  values = $state<Record<string, unknown>>({});
  files = $state<Record<string, FileChanges>>({});
  password = $state("");
  passwordConfirm = $state("");
  /** Inputs whose text can't be sent yet (JSON that doesn't parse), with why. */
  invalid = new SvelteMap<string, string>();
  /** Edits left from an earlier visit, which the user may restore. */
  storedDraft = $state<Record<string, unknown> | null>(null);

  constructor(readonly collection: CollectionModel) {
    this.reset(null);
  }

  get isNew(): boolean {
    return this.original === null;
  }

  /** reset starts over from a stored record (or a blank one). */
  reset(record: RecordJSON | null, values?: Record<string, unknown>): void {
    this.original = record;
    const next: Record<string, unknown> = {};
    for (const field of editedFields(this.collection)) {
      next[field.name] = record ? structuredClone(record[field.name] ?? emptyValue(field)) : emptyValue(field);
    }
    if (values) Object.assign(next, structuredClone(values));
    this.values = next;
    this.files = {};
    this.password = "";
    this.passwordConfirm = "";
    this.invalid.clear();
    this.storedDraft = this.#readStored();
  }

  /** hasChanges tells whether saving would change anything. */
  get hasChanges(): boolean {
    if (this.password !== "" || this.passwordConfirm !== "") return true;
    if (Object.values(this.files).some((c) => c.added.length > 0 || c.removed.length > 0)) return true;
    return this.#serializedValues() !== this.#serializedOriginal();
  }

  /** fileChanges is the changes of a file field (made on first use). */
  fileChanges(name: string): FileChanges {
    this.files[name] ??= { removed: [], added: [] };
    return this.files[name];
  }

  /**
   * body is what to send: every value for a new record, only the changed ones for a stored record; files as
   * uploads, and stored files to drop with the `name-` modifier (for lists).
   */
  body(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const original = this.original;
    for (const field of editedFields(this.collection)) {
      const value = this.values[field.name];
      if (field.type === "file") {
        const changes = this.files[field.name];
        if (!changes) continue;
        if (isMultiple(field)) {
          if (changes.removed.length > 0) out[`${field.name}-`] = changes.removed;
          if (changes.added.length > 0) out[`${field.name}+`] = changes.added;
        } else if (changes.added.length > 0) {
          out[field.name] = changes.added[changes.added.length - 1];
        } else if (changes.removed.length > 0) {
          out[field.name] = "";
        }
        continue;
      }
      if (original && JSON.stringify(value) === JSON.stringify(original[field.name] ?? emptyValue(field))) continue;
      if (field.type === "text" && field.primaryKey && value === "") continue;
      out[field.name] = value;
    }
    if (isAuth(this.collection) && (this.password !== "" || this.passwordConfirm !== "")) {
      out.password = this.password;
      out.passwordConfirm = this.passwordConfirm;
    }
    return multipartSafe(out);
  }

  /**
   * store keeps the edits in this browser while there are any, and forgets them when there are none (edits
   * kept from an earlier visit stay until the user restores or discards them, or edits anew).
   */
  store(): void {
    try {
      if (this.hasChanges) localStorage.setItem(this.#storageKey(), this.#serializedValues());
      else if (!this.storedDraft) localStorage.removeItem(this.#storageKey());
    } catch {
      // too large for the browser's storage: the edits are only in the form
    }
  }

  /** forgetStored drops the kept edits (saved, discarded, or restored). */
  forgetStored(): void {
    localStorage.removeItem(this.#storageKey());
    this.storedDraft = null;
  }

  /** restoreStored puts the kept edits back into the form. */
  restoreStored(): void {
    const stored = this.storedDraft;
    if (!stored) return;
    for (const [key, value] of Object.entries(stored)) if (key in this.values) this.values[key] = value;
    this.storedDraft = null;
  }

  #storageKey(): string {
    return `${draftPrefix}${this.collection.id}.${this.original?.id ?? ""}`;
  }

  #serializedValues(): string {
    return JSON.stringify($state.snapshot(this.values));
  }

  #serializedOriginal(): string {
    const out: Record<string, unknown> = {};
    for (const field of editedFields(this.collection)) {
      out[field.name] = this.original ? (this.original[field.name] ?? emptyValue(field)) : emptyValue(field);
    }
    return JSON.stringify(out);
  }

  #readStored(): Record<string, unknown> | null {
    try {
      const raw = localStorage.getItem(this.#storageKey());
      if (!raw || raw === this.#serializedOriginal()) return null;
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }
}

/**
 * multipartSafe keeps a body meaning the same when the SDK sends it as multipart (it does as soon as a file is
 * in it): an empty list would send nothing there, so it becomes "", which clears a list too.
 */
function multipartSafe(body: Record<string, unknown>): Record<string, unknown> {
  const hasFile = Object.values(body).some(
    (v) => v instanceof File || (Array.isArray(v) && v.some((x) => x instanceof File)),
  );
  if (!hasFile) return body;
  for (const [key, value] of Object.entries(body)) if (Array.isArray(value) && value.length === 0) body[key] = "";
  return body;
}

/** recordValues is a record's field values without the keys that aren't fields (for "Copy JSON", duplicates). */
export function recordValues(record: RecordJSON): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !metaKeys.has(key)));
}

/** keptFiles is the stored files of a field that are not marked for removal. */
export function keptFiles(draft: RecordDraft, field: FieldModel): string[] {
  const removed = draft.files[field.name]?.removed ?? [];
  return toList(draft.original?.[field.name]).filter((n) => !removed.includes(n));
}
