/**
 * Collections compared for an import: what the server has and what a JSON file brings, as the import
 * screen shows them before anything is applied. The JSON may be anything, so it is read loosely.
 */

/** A collection as JSON: known keys are read where they are needed, the rest compared as they are. */
export type CollectionJson = Record<string, unknown> & { id: string; name: string };
type FieldJson = Record<string, unknown> & { id?: unknown; name?: unknown };

/** One key compared: its two values as text, and whether they differ. */
export interface PropDiff {
  key: string;
  before: string;
  after: string;
  changed: boolean;
}

export interface FieldDiff {
  name: string;
  kind: "added" | "removed" | "changed" | "same";
  props: PropDiff[];
}

export interface CollectionDiff {
  kind: "added" | "deleted" | "changed";
  before: CollectionJson | null;
  after: CollectionJson | null;
  props: PropDiff[];
  fields: FieldDiff[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function show(value: unknown): string {
  if (value === undefined) return "";
  return isObject(value) || Array.isArray(value) ? JSON.stringify(value, null, 2) : String(value);
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function fieldsOf(c: Record<string, unknown> | null): FieldJson[] {
  return Array.isArray(c?.fields) ? (c.fields.filter(isObject) as FieldJson[]) : [];
}

/** dedupeById keeps one item per id: the last one given, where the first one was (as JSON object keys do). */
function dedupeById<T extends { id?: unknown }>(items: T[]): T[] {
  const out: T[] = [];
  const at = new Map<unknown, number>();
  for (const item of items) {
    const i = item.id === undefined || item.id === "" ? undefined : at.get(item.id);
    if (i !== undefined) out[i] = item;
    else {
      if (item.id !== undefined && item.id !== "") at.set(item.id, out.length);
      out.push(item);
    }
  }
  return out;
}

/**
 * parseImport reads the collections of an import: a JSON array of objects with an id and a name, without
 * their timestamps, the repeated ones (by id, collections and fields alike) merged. null when it isn't one.
 */
export function parseImport(text: string): CollectionJson[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data) || data.length === 0) return null;
  if (
    !data.every(
      (c) => isObject(c) && typeof c.id === "string" && c.id !== "" && typeof c.name === "string" && c.name !== "",
    )
  ) {
    return null;
  }
  return dedupeById(data as CollectionJson[]).map((c) => {
    const { created: _c, updated: _u, ...rest } = c;
    return Array.isArray(rest.fields) ? { ...rest, fields: dedupeById(fieldsOf(rest)) } : rest;
  });
}

/**
 * forComparison is a saved collection as an export shows it: without its timestamps and OAuth2 providers
 * (exports leave those out, so that secrets and ids of one server don't travel to another).
 */
export function forComparison(c: Record<string, unknown> & { id: string; name: string }): CollectionJson {
  const { created: _c, updated: _u, ...rest } = c;
  if (isObject(rest.oauth2)) {
    const { providers: _p, ...oauth2 } = rest.oauth2;
    rest.oauth2 = oauth2;
  }
  return rest;
}

/** hasChanges tells whether importing `after` over `before` changes it (removed fields count with deleteMissing). */
export function hasChanges(before: CollectionJson, after: CollectionJson, deleteMissing: boolean): boolean {
  if (before.id !== after.id) return true;
  for (const key of Object.keys(before)) if (key !== "fields" && !same(before[key], after[key])) return true;
  const oldFields = fieldsOf(before);
  const newFields = fieldsOf(after);
  const removed = oldFields.some((f) => f.id && !newFields.some((n) => n.id === f.id));
  const addedOrChanged = newFields.some((f) => {
    const old = oldFields.find((o) => o.id === f.id);
    return !old || Object.keys(old).some((k) => !same(old[k], f[k]));
  });
  return addedOrChanged || (deleteMissing && removed);
}

function propDiffs(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  skip: string[],
): PropDiff[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter(
    (k) => !skip.includes(k),
  );
  return keys.map((key) => {
    const a = before?.[key];
    const b = after?.[key];
    return { key, before: show(a), after: show(b), changed: before !== null && after !== null && !same(a, b) };
  });
}

function fieldDiffs(before: CollectionJson | null, after: CollectionJson | null, deleteMissing: boolean): FieldDiff[] {
  const oldFields = fieldsOf(before);
  const newFields = fieldsOf(after);
  const named = (f: FieldJson) => String(f.name ?? f.id ?? "");
  if (!after) return oldFields.map((f) => ({ name: named(f), kind: "removed", props: propDiffs(f, null, []) }));
  if (!before) return newFields.map((f) => ({ name: named(f), kind: "added", props: propDiffs(null, f, []) }));
  const out: FieldDiff[] = [];
  for (const f of oldFields) {
    if (newFields.some((n) => n.id === f.id)) continue;
    // without deleteMissing a field the import leaves out stays as it is
    out.push(
      deleteMissing
        ? { name: named(f), kind: "removed", props: propDiffs(f, null, []) }
        : { name: named(f), kind: "same", props: propDiffs(f, f, []) },
    );
  }
  for (const f of newFields) {
    const old = oldFields.find((o) => o.id === f.id);
    if (!old) {
      out.push({ name: named(f), kind: "added", props: propDiffs(null, f, []) });
      continue;
    }
    const props = propDiffs(old, f, []);
    out.push({ name: named(f), kind: props.some((p) => p.changed) ? "changed" : "same", props });
  }
  return out;
}

/**
 * diffCollections compares the server's collections with those to import: the new ones, the changed
 * ones and (with deleteMissing) the ones the import deletes, each with its keys and fields compared.
 */
export function diffCollections(
  current: CollectionJson[],
  imported: CollectionJson[],
  deleteMissing: boolean,
): CollectionDiff[] {
  const out: CollectionDiff[] = [];
  for (const before of current) {
    const after = imported.find((c) => c.id === before.id) ?? null;
    if (!after) {
      if (deleteMissing)
        out.push({
          kind: "deleted",
          before,
          after: null,
          props: propDiffs(before, null, ["fields"]),
          fields: fieldDiffs(before, null, true),
        });
      continue;
    }
    if (!hasChanges(before, after, deleteMissing)) continue;
    out.push({
      kind: "changed",
      before,
      after,
      props: propDiffs(before, after, ["fields"]),
      fields: fieldDiffs(before, after, deleteMissing),
    });
  }
  for (const after of imported) {
    if (current.some((c) => c.id === after.id)) continue;
    out.push({
      kind: "added",
      before: null,
      after,
      props: propDiffs(null, after, ["fields"]),
      fields: fieldDiffs(null, after, deleteMissing),
    });
  }
  return out;
}

/** idsToReplace: the imported collections that share a name (or fields a name) with saved ones but not their ids. */
export function idsToReplace(current: CollectionJson[], imported: CollectionJson[]): CollectionJson[] {
  return imported.filter((c) => {
    const old = current.find((o) => o.name === c.name || o.id === c.id);
    if (!old) return false;
    if (old.id !== c.id) return true;
    const oldFields = fieldsOf(old);
    return fieldsOf(c).some((f) => {
      if (oldFields.some((o) => o.id === f.id)) return false;
      const byName = oldFields.find((o) => o.name === f.name);
      return byName !== undefined && byName.id !== f.id;
    });
  });
}

/**
 * replaceIds gives the imported collections the ids of the saved ones with their names (and their fields
 * the ids of the saved fields with their names), and points relations and index names at the new ids.
 */
export function replaceIds(current: CollectionJson[], imported: CollectionJson[]): CollectionJson[] {
  const out = JSON.parse(JSON.stringify(imported)) as CollectionJson[];
  for (const c of out) {
    const old = current.find((o) => o.name === c.name || o.id === c.id);
    if (!old) continue;
    const from = c.id;
    c.id = old.id;
    const oldFields = fieldsOf(old);
    for (const f of fieldsOf(c)) {
      const match = oldFields.find((o) => o.name === f.name);
      if (match?.id) f.id = match.id;
    }
    for (const ref of out) {
      for (const f of fieldsOf(ref)) if (f.collectionId === from) f.collectionId = old.id;
    }
    if (Array.isArray(c.indexes)) {
      c.indexes = c.indexes.map((sql) =>
        typeof sql === "string"
          ? sql.replace(/create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?\S*\s+on/i, (head) =>
              head.replace(from, old.id),
            )
          : sql,
      );
    }
  }
  return out;
}

/** deletedFieldNames lists what an import deletes for good: whole collections (`name.*`) and fields. */
export function deletedFieldNames(
  current: CollectionJson[],
  imported: CollectionJson[],
  deleteMissing: boolean,
): string[] {
  if (!deleteMissing) return [];
  const out: string[] = [];
  for (const old of current) {
    const next = imported.find((c) => c.id === old.id);
    if (!next) {
      out.push(`${old.name}.*`);
      continue;
    }
    for (const f of fieldsOf(old))
      if (!fieldsOf(next).some((n) => n.id === f.id)) out.push(`${old.name}.${String(f.name)}`);
  }
  return out;
}
