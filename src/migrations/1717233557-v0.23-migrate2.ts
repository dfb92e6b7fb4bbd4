import type { App } from "../core/app.ts";
import { saveCollection } from "../core/collection-save.ts";
import type { Migration } from "../core/migrations-runner.ts";

/**
 * From PocketBase's v0.23 release candidates: the `_collections.type` index, and no delete rule on the
 * `_mfas` and `_otps` collections (their records are removed by the server only).
 */
export const v023Migration2: Migration = {
  file: "1717233557_v0.23_migrate2.go",
  async up(app: App): Promise<void> {
    const q = app.db.dialect.quote;
    await app.db.exec(`CREATE INDEX IF NOT EXISTS idx__collections_type ON ${q("_collections")} (${q("type")})`);
    for (const name of ["_mfas", "_otps"]) {
      const collection = app.findCachedCollectionByNameOrId(name);
      if (!collection) throw new Error(`missing the ${name} collection`);
      if (collection.deleteRule === null) continue;
      const locked = collection.clone();
      locked.deleteRule = null;
      await saveCollection(app, locked, false);
    }
  },
};
