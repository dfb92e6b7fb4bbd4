import { castString } from "../tools/types/cast.ts";
import { isPlainObject, type JsonObject } from "../tools/types/merge.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { Collection } from "./collection-model.ts";
import { findStoredCollection, loadCollections } from "./collection-query.ts";
import { deleteCollection, saveCollection } from "./collection-save.ts";
import { validateCollection } from "./collection-validate.ts";

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
    const identifier = castString(data.id) || castString(data.name);
    const existing = identifier ? app.findCachedCollectionByNameOrId(identifier) : undefined;
    let c: Collection;
    if (existing) {
      c = existing.clone();
      const patch = { ...data };
      if (patch.fields == null && deleteMissing) patch.fields = [];
      c.applyJSON(patch);
      // fields not listed are kept unless deleteMissing (system fields always are)
      for (const f of existing.fields) {
        if (!f.system && deleteMissing) continue;
        if (c.fields.byId(f.id)) continue;
        const sameName = c.fields.byName(f.name);
        if (sameName && sameName.type === f.type) sameName.id = f.id;
        else c.fields.add(f);
      }
    } else {
      c = Collection.create(
        isPlainObject(data) && typeof data.type === "string" ? (data.type as Collection["type"]) : "base",
        castString(data.name),
        castString(data.id),
      );
      c.applyJSON(data);
    }
    imported.push(c);
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
        const detail = err instanceof ValidationErrors ? JSON.stringify(err.toJSON(), null, 2) : String(err);
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
