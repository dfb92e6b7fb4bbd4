import type { Queryable } from "../db/driver.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import type { Cron } from "../tools/cron/cron.ts";
import type { Filesystem } from "../tools/filesystem/filesystem.ts";
import type { Mailer } from "../tools/mailer/message.ts";
import type { JsonObject } from "../tools/types/merge.ts";
import type { AppLogger } from "./app-logger.ts";
import type { RestoreOptions } from "./base-backup.ts";
import type { Collection, CollectionType } from "./collection-model.ts";
import type { ExpandLimits } from "./expand-limits.ts";
import type { HookMethods, HookRegistry } from "./hooks.ts";
import type { Realtime } from "./realtime.ts";
import type { RecordModel } from "./record-model.ts";
import type { Settings } from "./settings-model.ts";

/** A callback run when the transaction it was registered in ends (with the error when it rolled back). */
export type TxCompleteFunc = (err: unknown) => Promise<void>;

/**
 * App is the kernel every layer above talks to: data access, the save/delete pipeline, the collections
 * cache, settings, storage, and the hooks (`app.onRecordCreate(...)`). Inside `runInTransaction` the
 * callback receives a transaction-bound App whose calls all run in that transaction.
 */
export interface App extends HookMethods {
  readonly dataDir: string;
  readonly isDev: boolean;
  readonly hooks: HookRegistry;
  /** logger is the app logger (`app.logger().info(message, attrs)`): the console, and `_logs` per `settings.logs`. */
  logger(): AppLogger;
  /** The data database (the transaction, inside runInTransaction). */
  readonly db: Queryable;
  /** The auxiliary database (request and app logs). */
  readonly auxDb: Queryable;
  /** How much one response may expand (`--maxExpandRecords`, `--maxExpandMiB`). */
  readonly expandLimits: ExpandLimits;
  /**
   * encryptionEnv names the environment variable whose value (16, 24 or 32 characters; PocketBase documents
   * 32) encrypts the stored settings ("" for none).
   */
  encryptionEnv(): string;
  settings(): Settings;
  /** saveSettings validates (throwing ValidationErrors), stores and reloads the settings. */
  saveSettings(settings: Settings): Promise<void>;
  /** reloadSettings reads the stored settings again (onSettingsReload). */
  reloadSettings(): Promise<void>;
  /** filesystem is the record files' storage: a record's files are under `record.baseFilesPath()`. */
  filesystem(): Filesystem;
  /**
   * newMailClient is a mail client as the settings say (SMTP, else the local sendmail); every mail sent with
   * it goes through onMailerSend.
   */
  newMailClient(): Mailer;
  /** realtime is the realtime hub: connected clients, custom broadcasts (`app.realtime().send(topic, data)`). */
  realtime(): Realtime;
  /**
   * cron is the app's scheduler (`app.cron().add(id, "0 * * * *", fn)`, `remove(id)`): PocketBase's
   * expressions, UTC; its jobs run on schedule while the app serves and are listed by `GET /api/crons`.
   */
  cron(): Cron;
  /**
   * cluster is the bus to the app's other processes (`satchel serve --workers`): what they must learn of
   * this one's changes goes through it. An app alone has a bus without peers, which costs nothing.
   */
  cluster(): ClusterBus;
  /** backupsFilesystem is where backups are kept: the S3 bucket of `settings.backups.s3` when enabled, else `backups/`. */
  backupsFilesystem(): Filesystem;
  /** activeBackup is the backup being created or restored (PocketBase's `@activeBackup`), null when none. */
  activeBackup(): string | null;
  /**
   * createBackup zips a consistent snapshot of the data directory (without `backups/`) into the backups
   * filesystem under name (PocketBase's `pb_backup_<app>_<time>.zip` when empty), through onBackupCreate;
   * a BackupBusyError while another backup or restore runs.
   */
  createBackup(name?: string): Promise<void>;
  /**
   * restoreBackup replaces the data directory with a backup's content and restarts the app in this process,
   * through onBackupRestore; a backup that can't be restored is an InvalidBackupError, and nothing changes.
   */
  restoreBackup(name: string, options?: RestoreOptions): Promise<void>;
  /**
   * restart stops the app (onTerminate with `isRestart`) and bootstraps it again in this process; a served
   * app keeps its port, lets requests in flight finish and holds new ones until it is back.
   */
  restart(): Promise<void>;

  isTransactional(): boolean;
  /** runInTransaction runs fn with a transaction-bound app: committed when fn resolves, rolled back when it throws. */
  runInTransaction<T>(fn: (txApp: App) => Promise<T>): Promise<T>;
  /** onTxComplete registers a callback for the end of the current transaction (runs at once outside of one). */
  onTxComplete(fn: TxCompleteFunc): Promise<void>;

  // collections
  findCachedCollectionByNameOrId(nameOrId: string): Collection | undefined;
  findAllCollections(...types: CollectionType[]): Collection[];
  /** Collections with relation fields pointing at the given one (self-references excluded when asked). */
  findCollectionReferences(collection: Collection, ...excludeIds: string[]): Map<Collection, string[]>;
  /** findCollectionByNameOrId reads a collection from the database (a copy free to change); NotFoundError when missing. */
  findCollectionByNameOrId(nameOrId: string): Promise<Collection>;
  /** importCollections creates, updates (and with deleteMissing deletes) collections from their JSON in one transaction. */
  importCollections(collections: JsonObject[], deleteMissing: boolean): Promise<void>;
  reloadCachedCollections(): Promise<void>;
  hasTable(name: string): Promise<boolean>;
  saveCollection(collection: Collection): Promise<void>;
  deleteCollection(collection: Collection): Promise<void>;
  truncateCollection(collection: Collection): Promise<void>;

  // records
  findRecordById(collection: Collection | string, id: string): Promise<RecordModel | null>;
  findRecordsByIds(collection: Collection, ids: readonly string[]): Promise<RecordModel[]>;
  findAuthRecordByEmail(collection: Collection | string, email: string): Promise<RecordModel | null>;
  countRecordsByIds(collection: Collection, ids: readonly string[]): Promise<number>;
  recordIdExistsIgnoringCase(collection: Collection, id: string): Promise<boolean>;
  /** save validates and writes a record through the hooks. */
  save(record: RecordModel): Promise<void>;
  /** saveNoValidate writes a record through the hooks without the validation step. */
  saveNoValidate(record: RecordModel): Promise<void>;
  /** delete removes a record through the hooks, with relation cascades and file cleanup. */
  delete(record: RecordModel): Promise<void>;
  validateRecord(record: RecordModel): Promise<void>;
}
