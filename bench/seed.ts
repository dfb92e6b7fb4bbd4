import { Database } from "bun:sqlite";
import { createApp } from "../src/core/base-app.ts";
import { Collection } from "../src/core/collection-model.ts";
import { RecordModel } from "../src/core/record-model.ts";
import { SqliteDriver } from "../src/db/sqlite/driver.ts";
import { systemMigrations } from "../src/migrations/index.ts";
import { collectionJson, collectionName, seedInputs } from "./schema.ts";

/**
 * seedDataDir creates a Satchel data directory holding the benchmark collection and its records, written
 * through Satchel's own save pipeline (so values are stored exactly as Satchel stores them), and returns
 * the record ids. The WAL is checkpointed so the directory can be copied file by file.
 */
export async function seedDataDir(dir: string): Promise<string[]> {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  try {
    const collection = Collection.create("base", collectionName);
    collection.applyJSON(collectionJson);
    await app.saveCollection(collection);
    const saved = app.findCachedCollectionByNameOrId(collectionName);
    if (!saved) throw new Error("the benchmark collection was not saved");
    const ids: string[] = [];
    await app.runInTransaction(async (txApp) => {
      for (const input of seedInputs()) {
        const record = new RecordModel(saved);
        record.load({ ...input });
        await txApp.save(record);
        ids.push(record.id);
      }
    });
    return ids;
  } finally {
    await app.terminate();
    for (const name of ["data.db", "auxiliary.db"]) {
      const db = new Database(`${dir}/${name}`);
      db.run("PRAGMA wal_checkpoint(TRUNCATE)");
      db.close();
    }
  }
}
