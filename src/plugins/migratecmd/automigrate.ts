import { rm } from "node:fs/promises";
import type { App } from "../../core/app.ts";
import { findStoredCollection, loadCollections } from "../../core/collection-query.ts";
import { recordAppliedMigration } from "../../core/migrations-runner.ts";
import type { CollectionRequestEvent, CollectionsImportRequestEvent } from "../../core/request-event.ts";
import { ApiError, badRequest } from "../../tools/router/api-error.ts";
import { actionName, newMigrationFileName, writeNewMigration } from "./files.ts";
import { diffTemplate, importTemplate } from "./templates.ts";

export const automigrateHandlerId = "satchelAutomigrate";

/**
 * bindAutomigrate writes a migration file for every collection change made through the API (create,
 * update, delete and import), so that the files rebuild the schema on an empty data directory. The change,
 * its `_migrations` row and its file stand or fall together: a file that can't be written rolls the change
 * back, and a change that rolls back takes its file with it.
 */
export function bindAutomigrate(app: App, dir: string): void {
  const onChange = (isDelete: boolean) => (e: CollectionRequestEvent) => automigrateChange(e, dir, isDelete);
  app.onCollectionCreateRequest().bind({ id: automigrateHandlerId, func: onChange(false) });
  app.onCollectionUpdateRequest().bind({ id: automigrateHandlerId, func: onChange(false) });
  app.onCollectionDeleteRequest().bind({ id: automigrateHandlerId, func: onChange(true) });
  app.onCollectionsImportRequest().bind({ id: automigrateHandlerId, func: (e) => automigrateImport(e, dir) });
}

/**
 * inTransaction runs fn in a transaction; `next` runs the rest of the request's chain with the event bound
 * to that transaction. What fn reads before and after `next` is what the change did, however busy the app.
 */
async function inTransaction<E extends { app: App; next(): Promise<void> }>(
  e: E,
  fn: (txApp: App, next: () => Promise<void>) => Promise<void>,
): Promise<void> {
  await e.app.runInTransaction(async (txApp) => {
    await fn(txApp, async () => {
      const outer = e.app;
      e.app = txApp;
      try {
        await e.next();
      } finally {
        e.app = outer;
      }
    });
  });
}

async function automigrateChange(e: CollectionRequestEvent, dir: string, isDelete: boolean): Promise<void> {
  await inTransaction(e, async (txApp, next) => {
    const before = e.collection.isNew() ? null : await findStoredCollection(txApp.db, e.collection.lastSavedId);
    await next();
    const after = isDelete ? null : await findStoredCollection(txApp.db, e.collection.id);
    const content = diffTemplate(after, before);
    if (!content) return;
    const action = !after ? "deleted" : !before ? "created" : "updated";
    await writeAutomigration(txApp, dir, actionName(action, before?.name ?? after?.name ?? ""), content);
  });
}

async function automigrateImport(e: CollectionsImportRequestEvent, dir: string): Promise<void> {
  await inTransaction(e, async (txApp, next) => {
    const before = await loadCollections(txApp.db);
    await next();
    const content = importTemplate(await loadCollections(txApp.db), before);
    if (content) await writeAutomigration(txApp, dir, "imported_collections", content);
  });
}

/** writeAutomigration records the file as applied (the change is already made) and writes it. */
async function writeAutomigration(txApp: App, dir: string, action: string, content: string): Promise<void> {
  try {
    const file = await newMigrationFileName(dir, action);
    await recordAppliedMigration(txApp, file);
    const path = await writeNewMigration(dir, file, content);
    await txApp.onTxComplete(async (err) => {
      if (err) await rm(path, { force: true });
    });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    txApp.logger().error("failed to write the automigrate file", {
      error: err instanceof Error ? err.message : String(err),
    });
    throw badRequest("Failed to write the migration file of this change, so the change was not saved.", err);
  }
}
