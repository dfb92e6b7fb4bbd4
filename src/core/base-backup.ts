import type { Dirent } from "node:fs";
import { existsSync } from "node:fs";
import { copyFile, link, mkdir, readdir, realpath, rename, rm, stat, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Driver, Snapshot } from "../db/driver.ts";
import { createZip } from "../tools/archive/create.ts";
import { ArchiveError, extractZip } from "../tools/archive/extract.ts";
import { LocalFilesystem } from "../tools/filesystem/local.ts";
import { snakecase } from "../tools/inflector/inflector.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import type { App } from "./app.ts";
import { BackupEvent } from "./backup-events.ts";
import { hasTable } from "./collection-record-table-sync.ts";
import { type CopiedDatabase, clearDatabase, copyDatabase } from "./database-copy.ts";
import { sendSystemAlertToAllSuperusers } from "./system-alert.ts";

/** The data directory's entries with a role of their own, as PocketBase names them. */
export const backupsDirName = "backups";
/** Scratch space inside the data directory (renames stay on one device), emptied at each bootstrap. */
export const tempDirName = ".pb_temp_to_delete";
const notifyDirName = ".notify";
const autocertDirName = ".autocert_cache";
const lostFoundDirName = "lost+found";
/**
 * Where a running server names its cluster bus for the commands run beside it (cmd/cluster-bus-file.ts):
 * it belongs to the process running on the directory, so it is neither backed up nor replaced by a restore.
 */
export const clusterBusFileName = ".cluster_bus";

/** The prefix of the backups the `__pbAutoBackup__` job makes, and of the ones it prunes. */
export const autoBackupPrefix = "@auto_pb_backup_";
export const autoBackupJobId = "__pbAutoBackup__";

/** The databases of the data directory: copied through Driver.backupTo, never as the files lie on disk. */
const databaseFiles = new Set(["data.db", "auxiliary.db"]);
const databaseSideFiles = ["-wal", "-shm", "-journal"];

/** Where a restore keeps the data directory's previous content until the app has started on the new one. */
const oldDataPrefix = "old_pb_data_";

/** The most entries a restored archive may hold. */
const maxRestoreEntries = 10_000_000;
/** Free space a restore leaves on the data directory's disk. */
const restoreDiskMargin = 64 << 20;

/** BackupBusyError is a backup or restore asked for while another one runs. */
export class BackupBusyError extends Error {
  constructor() {
    super("try again later - another backup/restore operation has already been started");
  }
}

/** InvalidBackupError is a backup that can't be restored as it is (what it holds, not the server's state). */
export class InvalidBackupError extends Error {}

/** A restore asked of one process of several (`serve --workers`): only a server running alone can restore. */
export class ClusterRestoreError extends Error {
  constructor() {
    super(
      "a backup can't be restored while other server processes share the data directory: restart with --workers=1 to restore",
    );
  }
}

/** A change of the data directory's content that can be undone: the restore's swap. */
export interface DataDirSwap {
  apply(): Promise<void>;
  revert(): Promise<void>;
}

/** What backups need of the app beyond App: the lock, the open databases, and a restart around a swap. */
export interface BackupHost {
  readonly app: App;
  /** The backup being created or restored (PocketBase's `@activeBackup`), null when none. */
  readonly lock: { name: string | null };
  /** The open databases, by their file name in the data directory. */
  databases(): [file: string, driver: Driver][];
  /** openDatabase opens a database file as the app opens its own (the caller closes it). */
  openDatabase(path: string): Driver | Promise<Driver>;
  /**
   * openBackupFile opens a database file of a backup (PocketBase's format: SQLite), whatever engine the app
   * runs on: a backup of a database on a server is written into such files, and restored from them.
   */
  openBackupFile(path: string): Driver | Promise<Driver>;
  /** restart stops the app, applies the swap and starts again; on failure it reverts and starts again. */
  restart(swap: DataDirSwap): Promise<void>;
}

export interface RestoreOptions {
  /**
   * onReady is called once the backup is checked and extracted, just before the app stops to swap the data
   * directory: the restore request answers then (it can't wait for a restart that waits for it).
   */
  onReady?: () => void;
}

/**
 * generateBackupName is PocketBase's name for a backup: the prefix, the app name in snake case (50
 * characters at most) and the UTC time, `pb_backup_acme_20240102150405.zip`.
 */
export function generateBackupName(app: App, prefix: string): string {
  const appName = snakecase(app.settings().meta.appName).slice(0, 50);
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  return `${prefix}${appName}_${stamp}.zip`;
}

async function withLock<T>(host: BackupHost, name: string, fn: () => Promise<T>): Promise<T> {
  if (host.lock.name !== null) throw new BackupBusyError();
  host.lock.name = name;
  try {
    return await fn();
  } finally {
    host.lock.name = null;
  }
}

/**
 * createBackup zips the data directory into the backups filesystem under name (generated when empty; an
 * existing backup of that name is replaced), through onBackupCreate. The zip is made from a consistent
 * snapshot: with writes held (a transaction), each database is copied from its committed state and the
 * other files are hard-linked into a scratch directory (copied where links can't be made); then writes go
 * on while the snapshot is zipped and stored. Left out: `backups/`, the scratch and cache directories.
 */
export async function createBackup(host: BackupHost, name: string): Promise<void> {
  const { app } = host;
  await withLock(host, name, async () => {
    const exclude = [backupsDirName, tempDirName, notifyDirName, autocertDirName, lostFoundDirName, clusterBusFileName];
    await app.hooks.get("onBackupCreate").trigger(new BackupEvent(app, name, exclude), async (e) => {
      if (e.name === "") e.name = generateBackupName(e.app, "pb_backup_");
      host.lock.name = e.name;
      const snapshot = join(app.dataDir, tempDirName, `pb_backup_${pseudorandomString(6)}`);
      const zipPath = `${snapshot}.zip`;
      try {
        await snapshotDataDir(host, snapshot, e.exclude);
        await createZip(snapshot, zipPath);
        await rm(snapshot, { recursive: true, force: true });
        await e.app.backupsFilesystem().uploadFile(e.name, zipPath, {
          contentType: "application/zip",
          originalName: e.name,
        });
      } finally {
        await rm(snapshot, { recursive: true, force: true });
        await rm(zipPath, { force: true });
      }
    });
  });
}

/** snapshotDataDir fills dest with a consistent copy of the data directory, minus the excluded root entries. */
async function snapshotDataDir(host: BackupHost, dest: string, exclude: readonly string[]): Promise<void> {
  const skipped = new Set(exclude);
  const skip = (name: string) =>
    skipped.has(name) || [...databaseFiles].some((db) => name === db || databaseSideFiles.some((s) => name === db + s));
  await mkdir(dest, { recursive: true });
  const snapshots: [string, Snapshot][] = [];
  try {
    // the transaction holds writers back: the databases' committed state and the files it refers to agree
    // (record files are written before their row commits, and removed only after); a database on a
    // server is only pinned by a snapshot here, and copied once writes go on again
    await host.app.runInTransaction(async () => {
      for (const [file, driver] of host.databases()) {
        if (driver.isFile) await driver.backupTo(join(dest, file));
        else snapshots.push([file, await driver.openSnapshot()]);
      }
      await linkTree(host.app.dataDir, dest, "", skip);
    });
    for (const [file, snapshot] of snapshots) await writeBackupFile(host, snapshot, join(dest, file), kindOf(file));
  } finally {
    for (const [, snapshot] of snapshots) await snapshot.close();
  }
}

const kindOf = (file: string): CopiedDatabase => (file === "data.db" ? "data" : "logs");

/** writeBackupFile writes a snapshot of a database on a server into a new database file of the backup format. */
async function writeBackupFile(host: BackupHost, snapshot: Snapshot, path: string, which: CopiedDatabase) {
  const file = await host.openBackupFile(path);
  try {
    await file.transaction((tx) => copyDatabase(snapshot, tx, which));
  } finally {
    await file.close();
  }
}

/**
 * loadServerDatabases replaces the content of the app's databases on a server with the backup files in
 * `from` (one missing: emptied), each in one transaction; with `dump`, each database is first written as it
 * is into a file there (the previous data, for a revert), and `dumped` records which ones were.
 */
async function loadServerDatabases(host: BackupHost, from: string, dump: { dir: string; dumped: Set<string> } | null) {
  for (const file of ["auxiliary.db", "data.db"]) {
    if (!dump && !existsSync(join(from, file))) continue;
    const target = await host.openDatabase(join(host.app.dataDir, file));
    try {
      if (dump) {
        const snapshot = await target.openSnapshot();
        try {
          await writeBackupFile(host, snapshot, join(dump.dir, file), kindOf(file));
        } finally {
          await snapshot.close();
        }
        dump.dumped.add(file);
      }
      const path = join(from, file);
      const source = existsSync(path) ? await host.openBackupFile(path) : null;
      try {
        const snapshot = await source?.openSnapshot();
        try {
          await target.transaction(async (tx) => {
            await clearDatabase(tx);
            if (snapshot) await copyDatabase(snapshot, tx, kindOf(file));
          });
        } finally {
          await snapshot?.close();
        }
      } finally {
        await source?.close();
      }
    } finally {
      await target.close();
    }
  }
}

/**
 * serverDatabasesSwap is the restore's swap for an app whose databases live on a server: the files are
 * swapped as in the data directory (swapDataDir), and the databases loaded from the backup's files, the
 * previous content dumped first to put it back on a revert.
 */
function serverDatabasesSwap(host: BackupHost, files: DataDirSwap, databases: string, dumpDir: string): DataDirSwap {
  const dump = { dir: dumpDir, dumped: new Set<string>() };
  return {
    async apply() {
      await mkdir(dumpDir, { recursive: true });
      await files.apply();
      await loadServerDatabases(host, databases, dump);
    },
    async revert() {
      for (const file of ["auxiliary.db", "data.db"]) {
        if (!dump.dumped.has(file)) await rm(join(dumpDir, file), { force: true });
      }
      if (dump.dumped.size > 0) await loadServerDatabases(host, dumpDir, null);
      await files.revert();
    },
  };
}

/**
 * linkTree hard-links every regular file under src into dest, keeping the layout. Symbolic links are
 * followed (a storage folder on another disk is a common setup), each folder once.
 */
async function linkTree(
  src: string,
  dest: string,
  prefix: string,
  skip: (name: string) => boolean,
  seen = new Set<string>(),
): Promise<void> {
  let entries: Dirent[];
  try {
    const dir = await realpath(join(src, prefix));
    if (seen.has(dir)) return;
    seen.add(dir);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // a folder removed meanwhile (a deleted record's files, after its commit) is no loss
    if (errorCode(err) === "ENOENT") return;
    throw err;
  }
  for (const entry of entries) {
    if (prefix === "" && skip(entry.name)) continue;
    const rel = prefix === "" ? entry.name : join(prefix, entry.name);
    let kind: "dir" | "file" | null = entry.isDirectory() ? "dir" : entry.isFile() ? "file" : null;
    if (entry.isSymbolicLink()) {
      const target = await stat(join(src, rel)).catch(() => null);
      kind = target?.isDirectory() ? "dir" : target?.isFile() ? "file" : null;
    }
    if (kind === "dir") {
      await mkdir(join(dest, rel), { recursive: true });
      await linkTree(src, dest, rel, skip, seen);
    } else if (kind === "file") {
      // a hard link to a symbolic link would be the link itself: its file is copied
      if (entry.isSymbolicLink()) await copyFile(join(src, rel), join(dest, rel));
      else await linkOrCopy(join(src, rel), join(dest, rel));
    }
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOENT") return;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP" && code !== "EMLINK") throw err;
    await copyFile(from, to).catch((copyErr: unknown) => {
      if (errorCode(copyErr) !== "ENOENT") throw copyErr;
    });
  }
}

/**
 * restoreBackup replaces the data directory with the backup's content and restarts the app in this
 * process, through onBackupRestore. The backup is checked before anything changes: it must be a safe zip
 * (see extractZip) that fits on the disk, holding a data.db that opens as a database with collections;
 * otherwise an InvalidBackupError. Then the app stops (requests in flight finish first when it serves),
 * the directory's entries are swapped by renames (`backups/` and the scratch directory stay), and the app
 * starts on the restored data; when that fails, the previous data is put back and started again.
 */
export async function restoreBackup(host: BackupHost, name: string, options: RestoreOptions = {}): Promise<void> {
  const { app } = host;
  // the swap and the restart happen in this process: the others would keep the replaced files open
  if (app.cluster().peers() > 0) throw new ClusterRestoreError();
  await withLock(host, name, async () => {
    const exclude = [backupsDirName, tempDirName, autocertDirName, lostFoundDirName, clusterBusFileName];
    await app.hooks.get("onBackupRestore").trigger(new BackupEvent(app, name, exclude), async (e) => {
      const tempDir = join(app.dataDir, tempDirName);
      await mkdir(tempDir, { recursive: true });
      const extracted = join(tempDir, `pb_restore_${pseudorandomString(8)}`);
      const databases = `${extracted}_databases`;
      let download: string | null = null;
      try {
        const fs = e.app.backupsFilesystem();
        let zipPath: string;
        if (fs instanceof LocalFilesystem) {
          zipPath = fs.pathOf(e.name);
          if (!(await fs.exists(e.name))) throw new Error(`missing or invalid backup file ${JSON.stringify(e.name)}`);
        } else {
          const obj = await fs.open(e.name);
          if (!obj) throw new Error(`missing or invalid backup file ${JSON.stringify(e.name)}`);
          download = join(tempDir, `pb_restore_zip_${pseudorandomString(8)}`);
          await Bun.write(download, new Response(await obj.body()));
          zipPath = download;
        }
        await extractBackup(zipPath, extracted, tempDir);
        if (download) await rm(download, { force: true });
        const onServer = host.databases().some(([, driver]) => !driver.isFile);
        await checkDatabase(host, join(extracted, "data.db"), onServer);
        options.onReady?.();
        const old = join(tempDir, `${oldDataPrefix}${pseudorandomString(8)}`);
        let swap = swapDataDir(app.dataDir, extracted, old, e.exclude);
        if (onServer) {
          // the backup's database files are loaded into the server, not moved into the data directory
          await mkdir(databases, { recursive: true });
          for (const file of databaseFiles) {
            for (const name of [file, ...databaseSideFiles.map((side) => file + side)]) {
              if (existsSync(join(extracted, name))) await rename(join(extracted, name), join(databases, name));
            }
          }
          // the previous content is dumped beside the previous files: kept with them when a revert fails
          swap = serverDatabasesSwap(host, swap, databases, `${old}_databases`);
        }
        await host.restart(swap);
        await rm(old, { recursive: true, force: true });
        await rm(`${old}_databases`, { recursive: true, force: true });
      } finally {
        await rm(extracted, { recursive: true, force: true });
        await rm(databases, { recursive: true, force: true });
        if (download) await rm(download, { force: true });
      }
    });
  });
}

/**
 * clearScratchDir empties the scratch directory at bootstrap (as PocketBase does), but for the previous
 * data of a restore that was cut short (the process died in the middle of the swap): that is kept, and
 * where it lies is logged.
 */
export async function clearScratchDir(app: App): Promise<void> {
  const dir = join(app.dataDir, tempDirName);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(oldDataPrefix)) {
      app.logger().warn("A restore was interrupted: the data directory's previous content was kept", {
        path: join(dir, name),
      });
      continue;
    }
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => {});
  }
}

/** extractBackup extracts the zip, bounded by the free space on the disk (less a margin). */
async function extractBackup(zipPath: string, dest: string, tempDir: string): Promise<void> {
  const disk = await statfs(tempDir);
  const maxBytes = Math.max(0, disk.bavail * disk.bsize - restoreDiskMargin);
  try {
    await extractZip(zipPath, dest, { maxBytes, maxEntries: maxRestoreEntries, required: ["data.db"] });
  } catch (err) {
    if (err instanceof ArchiveError) throw new InvalidBackupError(err.message);
    throw err;
  }
}

/**
 * checkDatabase opens the restored data.db the way the app will (as a backup file when the app's databases
 * live on a server): it must be a database with collections.
 */
async function checkDatabase(host: BackupHost, path: string, onServer: boolean): Promise<void> {
  let driver: Driver | null = null;
  try {
    driver = await (onServer ? host.openBackupFile(path) : host.openDatabase(path));
    if (!(await hasTable(driver, "_collections"))) {
      throw new InvalidBackupError("data.db has no _collections table: it isn't a PocketBase or Satchel database");
    }
  } catch (err) {
    if (err instanceof InvalidBackupError) throw err;
    throw new InvalidBackupError(`data.db can't be opened: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await driver?.close();
  }
}

/**
 * swapDataDir moves the data directory's entries (but the excluded ones) to `old`, then the incoming ones
 * in; revert undoes exactly that, removing what was made in between (the restored databases' side files).
 */
function swapDataDir(dataDir: string, incoming: string, old: string, exclude: readonly string[]): DataDirSwap {
  const kept = (name: string) => !exclude.includes(name);
  let originals: string[] = [];
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  return {
    async apply() {
      originals = (await readdir(dataDir)).filter(kept);
      await mkdir(old, { recursive: true });
      for (const name of originals) {
        await rename(join(dataDir, name), join(old, name));
        movedOut.push(name);
      }
      for (const name of (await readdir(incoming)).filter(kept)) {
        await rename(join(incoming, name), join(dataDir, name));
        movedIn.push(name);
      }
    },
    async revert() {
      for (const name of (await readdir(dataDir)).filter(kept)) {
        if (movedIn.includes(name)) await rename(join(dataDir, name), join(incoming, name));
        else if (!originals.includes(name) || movedOut.includes(name)) {
          await rm(join(dataDir, name), { recursive: true, force: true });
        }
      }
      for (const name of movedOut) await rename(join(old, name), join(dataDir, name));
    },
  };
}

/**
 * registerAutoBackupHooks keeps the `__pbAutoBackup__` job in step with `settings.backups.cron`, after each
 * bootstrap and settings reload: added (or replaced) with the expression, removed when it is empty.
 */
export function registerAutoBackupHooks(app: App): void {
  const load = () => {
    const expression = app.settings().backups.cron;
    if (expression === "") {
      app.cron().remove(autoBackupJobId);
      return;
    }
    try {
      app.cron().add(autoBackupJobId, expression, () => runAutoBackup(app));
    } catch (err) {
      app.logger().error("[Backup cron] Invalid backups cron expression", { error: String(err) });
    }
  };
  app.onBootstrap().bind({
    id: "__pbAutoBackupOnBootstrap__",
    func: async (e) => {
      await e.next();
      load();
    },
  });
  app.onSettingsReload().bind({
    id: "__pbAutoBackupOnSettingsReload__",
    func: async (e) => {
      await e.next();
      load();
    },
  });
}

/**
 * runAutoBackup is the `__pbAutoBackup__` job: a backup named `@auto_pb_backup_<app>_<time>.zip` (its
 * failure logged and mailed to the superusers), then only the `cronMaxKeep` newest automatic backups kept.
 */
export async function runAutoBackup(app: App): Promise<void> {
  const name = generateBackupName(app, autoBackupPrefix);
  try {
    await app.createBackup(name);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    app.logger().error("[Backup cron] Failed to create backup", { name, error });
    await sendSystemAlertToAllSuperusers(
      app,
      "Autobackup failure",
      `Failed to create/upload automated backup. Raw error:\n${error}`,
    ).catch((alertErr: unknown) =>
      app.logger().warn("[Backup cron] Failed to send backup error alerts", { name, error: String(alertErr) }),
    );
  }
  const maxKeep = app.settings().backups.cronMaxKeep;
  if (maxKeep <= 0) return;
  const fs = app.backupsFilesystem();
  let keys: string[];
  try {
    keys = await fs.list(autoBackupPrefix);
  } catch (err) {
    app.logger().error("[Backup cron] Failed to list autogenerated backups", { error: String(err) });
    return;
  }
  if (keys.length <= maxKeep) return;
  const objects = (await Promise.all(keys.map((k) => fs.open(k).catch(() => null)))).filter((o) => o !== null);
  objects.sort((a, b) => b.modified.getTime() - a.modified.getTime());
  for (const obj of objects.slice(maxKeep)) {
    await fs.delete(obj.key).catch((err: unknown) =>
      app.logger().error("[Backup cron] Failed to remove old autogenerated backup", {
        key: obj.key,
        error: String(err),
      }),
    );
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}
