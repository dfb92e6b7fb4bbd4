import { castString } from "../tools/types/cast.ts";
import { isPlainObject, type JsonObject } from "../tools/types/merge.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { Collection } from "./collection-model.ts";
import { findStoredCollection, loadCollections } from "./collection-query.ts";
import { deleteCollection, saveCollection } from "./collection-save.ts";
import { validateCollection } from "./collection-validate.ts";
import { fieldFactories, UnknownFieldTypeError } from "./fields-registry.ts";

/**
 * importCollections creates or updates many collections in one transaction: each item is matched to an
 * existing collection by id, then by name, and laid over it; with deleteMissing, non-system collections
 * (and fields) that the import doesn't list are deleted. Everything is validated after all are saved, so
 * collections may reference each other in any order.
 */
export async function importCollections(app: App, toImport: JsonObject[], deleteMissing: boolean): Promise<void> {
  if (toImport.length === 0) throw new Error("no collections to import");
  const imported: Collection[] = [];
  for (const data of toImport) {
    try {
      imported.push(importedCollection(app, data, deleteMissing));
    } catch (err) {
      if (!(err instanceof UnknownFieldTypeError)) throw err;
      const fields = Array.isArray(data.fields) ? data.fields : [];
      const bad = fields.find((f) => !isPlainObject(f) || !(castString(f.type) in fieldFactories));
      throw new Error(`missing or unknown field type in ${goJson(bad ?? {}, 0)}`);
    }
  }
  imported.sort((a, b) => {
    const av = a.type === "view" ? 1 : -1;
    const bv = b.type === "view" ? 1 : -1;
    return av - bv || a.created.localeCompare(b.created) || a.updated.localeCompare(b.updated);
  });
  const importedIds = new Set(imported.map((c) => c.id));

  await app.runInTransaction(async (txApp) => {
    const existing = await loadCollections(txApp.db);
    const before = new Map(existing.map((c) => [c.id, c]));
    if (deleteMissing) {
      for (const c of existing) {
        if (importedIds.has(c.id) || c.system) continue;
        await deleteCollection(txApp, c, false);
      }
    }
    for (const c of imported) {
      try {
        await saveCollection(txApp, c, false);
      } catch (err) {
        throw new Error(
          `failed to save collection ${JSON.stringify(c.name)}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    for (const c of imported) {
      const stored = before.get(c.id) ?? (await findStoredCollection(txApp.db, c.id));
      try {
        await validateCollection(txApp, c, stored);
      } catch (err) {
        const detail = err instanceof ValidationErrors ? goJson(rawMessages(err)) : String(err);
        throw new ValidationErrors({
          collections: new ValidationError(
            "validation_collections_import_failure",
            `Data validations failed for collection ${JSON.stringify(c.name)} (${c.id}):\n${detail}`,
          ),
        });
      }
    }
  });
}

/**
 * importedCollection lays one import item over the existing collection it names (by id, then by name) or
 * over a new one. Fields the item doesn't list are kept unless deleteMissing (system fields always are);
 * a listed field without id that has a kept field's name and type takes that field's place, as in PocketBase.
 */
function importedCollection(app: App, data: JsonObject, deleteMissing: boolean): Collection {
  const identifier = castString(data.id) || castString(data.name);
  const existing = identifier ? app.findCachedCollectionByNameOrId(identifier) : undefined;
  if (!existing) {
    const type = typeof data.type === "string" ? (data.type as Collection["type"]) : "base";
    const c = Collection.create(type, castString(data.name), castString(data.id));
    c.applyJSON(data);
    return c;
  }
  const c = existing.clone();
  c.applyJSON(data.fields == null && deleteMissing ? { ...data, fields: [] } : data);
  for (const f of existing.fields) {
    if ((!f.system && deleteMissing) || c.fields.byId(f.id)) continue;
    const sameName = c.fields.byName(f.name);
    if (sameName && sameName.type === f.type) sameName.id = f.id;
    c.fields.add(f);
  }
  return c;
}

type RawMessages = { [key: string]: string | RawMessages };

/** rawMessages is nested validation errors as their plain messages, the way PocketBase prints them in import failures. */
function rawMessages(errs: ValidationErrors): RawMessages {
  const out: RawMessages = {};
  for (const [key, err] of Object.entries(errs.errors))
    out[key] = err instanceof ValidationErrors ? rawMessages(err) : err.message;
  return out;
}

/** goJson writes JSON as Go's encoder does: keys sorted, `<`, `>` and `&` escaped, indented by two spaces. */
function goJson(value: unknown, indent = 2): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (isPlainObject(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortKeys(v[k])]),
      );
    return v;
  };
  return JSON.stringify(sortKeys(value), null, indent || undefined)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026");
}
