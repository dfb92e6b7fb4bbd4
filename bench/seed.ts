import { Database } from "bun:sqlite";
import { cpSync } from "node:fs";
import { databaseOpener } from "../src/cmd/open-database.ts";
import { createApp } from "../src/core/base-app.ts";
import { Collection } from "../src/core/collection-model.ts";
import { RecordModel } from "../src/core/record-model.ts";
import { cloneSettings } from "../src/core/settings-model.ts";
import { systemMigrations } from "../src/migrations/index.ts";
import { collectionJson, collectionName, seedInputs } from "./schema.ts";

/**
 * seedDataDir creates a Satchel data directory holding the benchmark collection and its records, written
 * through Satchel's own save pipeline (so values are stored exactly as Satchel stores them), and returns
 * the record ids. The WAL is checkpointed so the directory can be copied file by file. With `databaseUrl` the
 * app's tables are in that PostgreSQL database instead (copied with `CREATE DATABASE ... TEMPLATE`).
 */
export async function seedDataDir(dir: string, databaseUrl = ""): Promise<string[]> {
  const app = createApp({
    dataDir: dir,
    openDatabase: databaseOpener({ url: databaseUrl }),
    migrations: systemMigrations,
  });
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
    if (databaseUrl === "") checkpoint(dir);
  }
}

/** checkpoint folds the WAL files into the databases, so the directory can be copied file by file. */
function checkpoint(dir: string): void {
  for (const name of ["data.db", "auxiliary.db"]) {
    const db = new Database(`${dir}/${name}`);
    db.run("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
  }
}

/**
 * copyWithLogsOff copies a seeded data directory with request logging turned off (`settings.logs.maxDays = 0`);
 * with `databaseUrl`, in that PostgreSQL database (already a copy of the seeded one).
 */
export async function copyWithLogsOff(template: string, dir: string, databaseUrl = ""): Promise<void> {
  cpSync(template, dir, { recursive: true });
  const app = createApp({
    dataDir: dir,
    openDatabase: databaseOpener({ url: databaseUrl }),
    migrations: systemMigrations,
  });
  await app.bootstrap();
  try {
    const settings = cloneSettings(app.settings());
    settings.logs.maxDays = 0;
    await app.saveSettings(settings);
  } finally {
    await app.terminate();
    if (databaseUrl === "") checkpoint(dir);
  }
}
