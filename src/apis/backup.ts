import type { Hono } from "hono";
import { BackupBusyError, ClusterRestoreError, InvalidBackupError } from "../core/base-backup.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { isIpInList } from "../core/settings-ip.ts";
import { serveObject } from "../tools/filesystem/serve.ts";
import { badRequest, forbidden, notFound } from "../tools/router/api-error.ts";
import { formatDateTime } from "../tools/types/datetime.ts";
import { backupCreate, busyMessage } from "./backup-create.ts";
import { backupUpload } from "./backup-upload.ts";
import { fileCacheControl, fileContentSecurityPolicy } from "./file.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { route } from "./route.ts";

/**
 * bindBackupApi registers PocketBase's backups endpoints: list, create, upload, delete and restore for
 * superusers, and the download, which takes a superuser's file token (`?token=`) instead.
 */
export function bindBackupApi(router: Hono<RouterEnv>): void {
  router.get("/api/backups", requireSuperuser, route(backupsList));
  router.post("/api/backups", requireSuperuser, route(backupCreate));
  router.post("/api/backups/upload", requireSuperuser, route(backupUpload));
  router.get("/api/backups/:key", route(backupDownload));
  router.delete("/api/backups/:key", requireSuperuser, route(backupDelete));
  router.post("/api/backups/:key/restore", requireSuperuser, route(backupRestore));
}

/** A backup as `GET /api/backups` lists it (the dashboard reads this type). */
export interface BackupInfo {
  modified: string;
  key: string;
  size: number;
}

/** backupsList answers `[{key, size, modified}]`, by key. */
async function backupsList(e: RequestEvent): Promise<Response> {
  const fs = e.app.backupsFilesystem();
  let items: BackupInfo[];
  try {
    const keys = await fs.list("");
    const objects = await Promise.all(keys.map((key) => fs.open(key)));
    items = objects
      .filter((o) => o !== null)
      .map((o) => ({ modified: formatDateTime(o.modified), key: o.key, size: o.size }));
  } catch (err) {
    throw badRequest(`Failed to retrieve backup items. Raw error: \n${errorText(err)}`, err);
  }
  return e.json(200, items);
}

/** backupDownload streams a backup (ranges and conditional requests too) to a superuser's file token. */
async function backupDownload(e: RequestEvent): Promise<Response> {
  const token = e.url.searchParams.get("token") ?? "";
  const auth = (await findAuthRecordByToken(e.app, token, "file"))?.record;
  const allowed = e.app.settings().superuserIPs;
  if (auth?.collection.name !== "_superusers" || (allowed.length > 0 && !isIpInList(allowed, e.realIp))) {
    throw forbidden("Insufficient permissions to access the resource.");
  }
  const key = e.params.key ?? "";
  const object = await e.app
    .backupsFilesystem()
    .open(key)
    .catch(() => null);
  if (!object) throw notFound();
  const headers = new Headers({
    "Content-Disposition": `attachment; filename=${key.slice(key.lastIndexOf("/") + 1)}`,
    "Content-Type": object.contentType,
    "Content-Security-Policy": fileContentSecurityPolicy,
    "Cache-Control": fileCacheControl,
  });
  return serveObject(e.request, object, headers);
}

/** backupDelete removes a backup; the one being created or restored can't be. */
async function backupDelete(e: RequestEvent): Promise<Response> {
  const key = e.params.key ?? "";
  if (key !== "" && e.app.activeBackup() === key) {
    throw badRequest("The backup is currently being used and cannot be deleted.");
  }
  const fs = e.app.backupsFilesystem();
  try {
    if (!(await fs.exists(key))) throw new Error(`[key: ${key}] resource not found`);
    await fs.delete(key);
  } catch (err) {
    throw badRequest(`Invalid or already deleted backup file. Raw error: \n${errorText(err)}`, err);
  }
  return e.noContent();
}

/**
 * backupRestore checks and extracts the backup, then answers 204 and restores it in the background: the
 * app restarts in this process once the requests in flight, this one included, have finished. A backup
 * that can't be restored (missing, not a safe zip, no data.db, no database) is a 400 and changes nothing;
 * so is a restore asked for while another backup or restore runs.
 */
async function backupRestore(e: RequestEvent): Promise<Response> {
  if (e.app.activeBackup() !== null) throw badRequest(`${busyMessage}.`);
  const key = e.params.key ?? "";
  const exists = await e.app
    .backupsFilesystem()
    .exists(key)
    .catch(() => false);
  if (!exists) throw badRequest("Missing or invalid backup file.");
  const ready = Promise.withResolvers<"ready">();
  const restored = e.app.restoreBackup(key, { onReady: () => ready.resolve("ready") });
  try {
    await Promise.race([ready.promise, restored]);
  } catch (err) {
    if (err instanceof InvalidBackupError)
      throw badRequest(`Missing or invalid backup file. Raw error: \n${err.message}`);
    if (err instanceof BackupBusyError) throw badRequest(`${busyMessage}.`);
    if (err instanceof ClusterRestoreError) throw badRequest(`Failed to restore backup: ${err.message}.`);
    throw badRequest("Failed to restore backup.", err);
  }
  restored.catch((err: unknown) => e.app.logger().error("Failed to restore backup", { key, error: errorText(err) }));
  return e.noContent();
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
