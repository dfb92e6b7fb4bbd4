import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Driver, Queryable, Tx } from "../db/driver.ts";
import { type ClusterBus, holdLeadership } from "../tools/cluster/bus.ts";
import { aloneBus } from "../tools/cluster/memory-bus.ts";
import { Cron } from "../tools/cron/cron.ts";
import type { Filesystem } from "../tools/filesystem/filesystem.ts";
import { StorageSelector } from "../tools/filesystem/storage-selector.ts";
import type { Mailer } from "../tools/mailer/message.ts";
import { NotFoundError } from "../tools/router/api-error.ts";
import type { JsonObject } from "../tools/types/merge.ts";
import type { App, TxCompleteFunc } from "./app.ts";
import { type AppLogger, newAppLogger } from "./app-logger.ts";
import { registerAuthSystemHooks } from "./auth-system-hooks.ts";
import {
  type BackupHost,
  backupsDirName,
  clearScratchDir,
  createBackup,
  type DataDirSwap,
  type RestoreOptions,
  registerAutoBackupHooks,
  restoreBackup,
} from "./base-backup.ts";
import { clusterChannels, registerClusterSync } from "./cluster-sync.ts";
import { importCollections } from "./collection-import.ts";
import type { Collection, CollectionType } from "./collection-model.ts";
import { CollectionsCache, findStoredCollectionByNameOrId, loadCollections } from "./collection-query.ts";
import { hasTable, upgradeRecordColumns } from "./collection-record-table-sync.ts";
import { deleteCollection, saveCollection } from "./collection-save.ts";
import { BootstrapEvent, TerminateEvent } from "./events.ts";
import { defaultExpandLimits, type ExpandLimits } from "./expand-limits.ts";
import { HookAccessors } from "./hook-accessors.ts";
import { defaultHookTimeoutMs, HookRegistry } from "./hooks.ts";
import { registerLogsCleanupJob } from "./logs-cleanup.ts";
import { checkSystemMigrationsKnown, type Migration, runMigrations } from "./migrations-runner.ts";
import { Realtime } from "./realtime.ts";
import type { RecordModel } from "./record-model.ts";
import { registerSuperuserHooks } from "./record-model-superusers.ts";
import {
  countRecordsByIds,
  findAuthRecordByEmail,
  findRecordById,
  findRecordsByIds,
  recordIdExistsIgnoringCase,
} from "./record-query.ts";
import { deleteRecord, saveRecord, validateRecord } from "./record-save.ts";
import { SettingsReloadEvent } from "./settings-events.ts";
import { newMailClient } from "./settings-mail-client.ts";
import { defaultSettings, type Settings } from "./settings-model.ts";
import { loadSettings, type SettingsEncryption, saveSettings } from "./settings-query.ts";
import { validateSettings } from "./settings-validate.ts";
import { addMissingInsertionKeys, dropUnkeptLogsIndexes } from "./system-tables.ts";

export interface AppOptions {
  /** The data directory (created when missing). */
  dataDir: string;
  /** Dev mode: every log entry printed to the console. */
  isDev?: boolean;
  /**
   * Opens a database by its file in the data directory, `data.db` or `auxiliary.db` (the app owns and closes
   * it): that file on SQLite, or what stands for it on another engine.
   */
  openDatabase: (path: string) => Driver | Promise<Driver>;
  /**
   * Opens a database file of a backup (PocketBase's format, SQLite), for an app whose databases live on a
   * server: its backups are written into such files and restored from them (default: none, and such an
   * app can't make backups).
   */
  openBackupFile?: (path: string) => Driver | Promise<Driver>;
  /** The system migrations to apply on bootstrap. */
  migrations: readonly Migration[];
  /** How much one response may expand (defaults: defaultExpandLimits). */
  expandLimits?: Partial<ExpandLimits>;
  /** The environment variable holding the settings encryption key (PocketBase's `--encryptionEnv`). */
  encryptionEnv?: string;
  /** The bus to the other processes of the cluster (default: none, an app alone). */
  bus?: ClusterBus;
  /**
   * Refuse to start on a database migrated by a newer version (system migrations this one doesn't know):
   * nodes sharing a database must run one version.
   */
  strictSchemaVersion?: boolean;
  /**
   * How long (ms) a hook handler may keep its chain waiting before the trigger fails with a 500 naming it
   * (Handler.timeout; 0: no limit). Default 30 s. The app's lifecycle and backup hooks have none.
   */
  hookTimeout?: number;
}

/** How long a node waits for another one applying the migrations at start. */
const migrationsWaitMs = 120_000;

/** The state of one open transaction: callbacks for its end, and whether it changed collections. */
interface TxInfo {
  callbacks: TxCompleteFunc[];
  collectionsChanged: boolean;
  /**
   * How the transaction ended, once it did. Code that goes on after its transaction was stopped (a batch
   * past its timeout) may still register callbacks: they run at once with that outcome, instead of never.
   */
  ended: { err: unknown } | null;
  /** The transaction a released savepoint handed its callbacks to. */
  releasedInto: TxInfo | null;
}

/**
 * BaseApp implements App. Services are small modules taking the app; this class wires them, owns the
 * databases, the collections cache and the settings, and makes transaction-bound copies of itself.
 *
 * No `#private` fields: a transaction-bound app is `Object.create(app)` and must reach every member.
 */
export class BaseApp extends HookAccessors implements App {
  readonly dataDir: string;
  readonly isDev: boolean;
  readonly hooks: HookRegistry;
  protected readonly encryptionEnvName: string;
  protected readonly appLogger: AppLogger;
  readonly expandLimits: ExpandLimits;
  db!: Queryable;
  auxDb!: Queryable;
  protected dataDriver: Driver | null = null;
  protected auxDriver: Driver | null = null;
  protected txInfo: TxInfo | null = null;
  protected collectionsCache = new CollectionsCache([]);
  protected currentSettings: Settings = defaultSettings();
  protected storage: StorageSelector;
  protected readonly realtimeHub: Realtime = new Realtime(this);
  protected readonly cronScheduler: Cron;
  protected readonly bus: ClusterBus;
  /** Withdraws from the cron leadership (shared with the transaction-bound copies). */
  protected readonly cronLeadership = { withdraw: () => {} };
  protected readonly options: AppOptions;
  protected readonly backupsStorage: StorageSelector;
  /** Shared with the transaction-bound copies, which must see the same lock. */
  protected readonly backupLock: { name: string | null } = { name: null };

  constructor(options: AppOptions) {
    super();
    this.hooks = new HookRegistry(options.hookTimeout ?? defaultHookTimeoutMs);
    this.options = options;
    this.dataDir = options.dataDir;
    this.isDev = Boolean(options.isDev);
    this.expandLimits = { ...defaultExpandLimits, ...options.expandLimits };
    this.encryptionEnvName = options.encryptionEnv ?? "";
    this.bus = options.bus ?? aloneBus();
    this.storage = new StorageSelector(join(this.dataDir, "storage"));
    this.backupsStorage = new StorageSelector(join(this.dataDir, backupsDirName));
    this.appLogger = newAppLogger(this);
    this.cronScheduler = new Cron({
      onError: (id, err) => this.appLogger.error("cron job failed", { id, error: String(err) }),
    });
    this.cronScheduler.add("__pbDBOptimize__", "0 0 * * *", () => this.optimizeDatabases());
    // in a cluster, the jobs run on one process: the leader of "cron"
    this.onServe().bind({
      id: "__pbCronStart__",
      priority: 999,
      func: async (e) => {
        this.cronLeadership.withdraw();
        this.cronLeadership.withdraw = this.bus.lead("cron", (leader) => {
          if (leader) this.cronScheduler.start();
          else this.cronScheduler.stop();
        });
        await e.next();
      },
    });
    registerSuperuserHooks(this);
    registerAuthSystemHooks(this);
    registerAutoBackupHooks(this);
    registerClusterSync(this, {
      reloadCollections: () => this.loadCollectionsCache(),
    });
  }

  /** bootstrap opens the databases, applies pending migrations and loads settings and collections. */
  async bootstrap(): Promise<void> {
    await this.hooks.get("onBootstrap").trigger(new BootstrapEvent(this), async () => {
      await mkdir(this.dataDir, { recursive: true });
      if (!this.dataDriver) {
        const data = await this.options.openDatabase(join(this.dataDir, "data.db"));
        let aux: Driver;
        try {
          aux = await this.options.openDatabase(join(this.dataDir, "auxiliary.db"));
        } catch (err) {
          await data.close();
          throw err;
        }
        this.dataDriver = data;
        this.auxDriver = aux;
        this.db = data;
        this.auxDb = aux;
      }
      await this.loadCollectionsCache().catch(() => {});
      await this.migrateOncePerCluster();
      await this.loadCollectionsCache();
      await this.reloadSettings();
      registerLogsCleanupJob(this);
      // a restore restarting the app cleans up after itself once it knows the restart went well; a process
      // with others in its cluster leaves the scratch folder alone (another one may be making a backup in it)
      if (this.backupLock.name === null && this.bus.peers() === 0) await clearScratchDir(this);
    });
  }

  /** migrateOncePerCluster applies the pending migrations; in a cluster, one node at a time. */
  protected async migrateOncePerCluster(): Promise<void> {
    const release = this.options.bus ? await holdLeadership(this.bus, "migrations", migrationsWaitMs) : () => {};
    try {
      if (this.options.strictSchemaVersion) await checkSystemMigrationsKnown(this, this.options.migrations);
      await runMigrations(this, this.options.migrations);
      await addMissingInsertionKeys(this.db, "data");
      await upgradeRecordColumns(this.db);
      await addMissingInsertionKeys(this.auxDb, "logs");
      await dropUnkeptLogsIndexes(this.auxDb);
    } finally {
      release();
    }
  }

  logger(): AppLogger {
    return this.appLogger;
  }

  isBootstrapped(): boolean {
    return this.dataDriver !== null;
  }

  /** terminate fires onTerminate, stops the cron jobs and closes the databases (after an open transaction). */
  async terminate(isRestart = false): Promise<void> {
    await this.hooks.get("onTerminate").trigger(new TerminateEvent(this, isRestart), async () => {
      this.cronLeadership.withdraw();
      this.cronLeadership.withdraw = () => {};
      this.cronScheduler.stop();
      await this.appLogger.flush();
      await this.dataDriver?.close();
      await this.auxDriver?.close();
      this.dataDriver = null;
      this.auxDriver = null;
    });
  }

  /**
   * restart stops the app (onTerminate with isRestart) and bootstraps it again in this process. With a
   * swap (a restore), the swap is applied in between; when the app then fails to start, the swap is
   * reverted and the app started again on its previous data (and the failure thrown). When even that
   * fails, the app is terminated for good.
   */
  async restart(swap?: DataDirSwap): Promise<void> {
    await this.terminate(true);
    let failure: unknown;
    try {
      await swap?.apply();
      await this.bootstrap();
      return;
    } catch (err) {
      failure = err;
    }
    this.logger().error("Failed to restart the app", { error: String(failure) });
    try {
      await this.terminate(true);
      if (!swap) throw failure;
      await swap.revert();
      await this.bootstrap();
    } catch (err) {
      await this.terminate().catch(() => {});
      throw new Error(`the app failed to start again and was stopped: ${errorText(err)}`, { cause: err });
    }
    throw new Error(`the restored data failed to start, the previous data is back: ${errorText(failure)}`, {
      cause: failure,
    });
  }

  encryptionEnv(): string {
    return this.encryptionEnvName;
  }

  /** settingsEncryption is the settings key, read from the environment at each use as PocketBase does. */
  protected settingsEncryption(): SettingsEncryption {
    const env = this.encryptionEnvName;
    return { env, key: env === "" ? "" : (process.env[env] ?? "") };
  }

  settings(): Settings {
    return this.currentSettings;
  }

  /**
   * reloadSettings reads the stored settings, firing onSettingsReload; with no settings row it stores the
   * current ones (the defaults on first run). Unreadable settings (encrypted without the right key) throw.
   */
  async reloadSettings(): Promise<void> {
    await this.hooks.get("onSettingsReload").trigger(new SettingsReloadEvent(this), async () => {
      const encryption = this.settingsEncryption();
      const stored = await loadSettings(this.db, encryption);
      if (stored) this.currentSettings = stored;
      else await saveSettings(this.db, this.currentSettings, encryption);
    });
  }

  /** saveSettings validates (throwing ValidationErrors), stores and reloads the settings. */
  async saveSettings(settings: Settings): Promise<void> {
    validateSettings(settings).throwIfAny();
    await saveSettings(this.db, settings, this.settingsEncryption());
    await this.reloadSettings();
    if (this.bus.peers() > 0) await this.bus.publishAndWait(clusterChannels.settings, null);
  }

  /** filesystem is the record files' storage: the S3 bucket when `settings.s3.enabled`, else `storage/`. */
  filesystem(): Filesystem {
    return this.storage.select(this.currentSettings.s3);
  }

  newMailClient(): Mailer {
    return newMailClient(this);
  }

  realtime(): Realtime {
    return this.realtimeHub;
  }

  cron(): Cron {
    return this.cronScheduler;
  }

  cluster(): ClusterBus {
    return this.bus;
  }

  backupsFilesystem(): Filesystem {
    return this.backupsStorage.select(this.currentSettings.backups.s3);
  }

  activeBackup(): string | null {
    return this.backupLock.name;
  }

  createBackup(name = ""): Promise<void> {
    return createBackup(this.backupHost(), name);
  }

  restoreBackup(name: string, options?: RestoreOptions): Promise<void> {
    return restoreBackup(this.backupHost(), name, options);
  }

  /** backupHost gives the backups what they need of the app's own parts. */
  protected backupHost(): BackupHost {
    return {
      app: this,
      lock: this.backupLock,
      databases: () => {
        if (!this.dataDriver || !this.auxDriver) throw new Error("the app is not bootstrapped");
        return [
          ["data.db", this.dataDriver],
          ["auxiliary.db", this.auxDriver],
        ];
      },
      openDatabase: (path) => this.options.openDatabase(path),
      openBackupFile: (path) => {
        if (!this.options.openBackupFile) throw new Error("this app has no backup file format (openBackupFile)");
        return this.options.openBackupFile(path);
      },
      restart: (swap) => this.restart(swap),
    };
  }

  /** optimizeDatabases is the `__pbDBOptimize__` job: each database's periodic upkeep (Driver.optimize). */
  protected async optimizeDatabases(): Promise<void> {
    const drivers = [
      ["main", this.dataDriver],
      ["auxiliary", this.auxDriver],
    ] as const;
    for (const [name, driver] of drivers) {
      await driver?.optimize().catch((err: unknown) => {
        this.logger().warn(`Failed to run the periodic optimization of the ${name} DB`, { error: String(err) });
      });
    }
  }

  // transactions

  isTransactional(): boolean {
    return this.txInfo !== null;
  }

  /** withTx returns a copy of this app bound to an open transaction. */
  protected withTx(tx: Tx, info: TxInfo): App {
    const txApp = Object.create(this) as BaseApp;
    txApp.db = tx;
    txApp.txInfo = info;
    return txApp;
  }

  runInTransaction<T>(fn: (txApp: App) => Promise<T>): Promise<T> {
    const parent = this.txInfo;
    const info: TxInfo = { callbacks: [], collectionsChanged: false, ended: null, releasedInto: null };
    let run: Promise<T>;
    try {
      run = this.db.transaction((tx) => fn(this.withTx(tx, info)));
    } catch (err) {
      run = Promise.reject(err);
    }
    // committed at once (a body that waited on nothing) with nothing to do after it: done as it is
    if (!parent && !info.collectionsChanged && info.callbacks.length === 0 && Bun.peek.status(run) === "fulfilled") {
      info.ended = { err: undefined };
      return run;
    }
    return this.endTransaction(run, parent, info);
  }

  /** endTransaction waits for a transaction, then runs what its end needs (callbacks, collections reload). */
  private async endTransaction<T>(run: Promise<T>, parent: TxInfo | null, info: TxInfo): Promise<T> {
    let result: T;
    try {
      result = await run;
    } catch (err) {
      if (info.collectionsChanged || parent) await this.reloadCachedCollections().catch(() => {});
      await this.runTxCallbacks(info, err);
      info.ended = { err };
      throw err;
    }
    if (parent) {
      // a savepoint: its callbacks belong to the outer transaction
      parent.callbacks.push(...info.callbacks);
      parent.collectionsChanged ||= info.collectionsChanged;
      info.releasedInto = parent;
      return result;
    }
    if (info.collectionsChanged) await this.reloadCachedCollections();
    if (info.callbacks.length > 0) await this.runTxCallbacks(info, undefined);
    info.ended = { err: undefined };
    return result;
  }

  protected async runTxCallbacks(info: TxInfo, err: unknown): Promise<void> {
    for (const cb of info.callbacks) {
      try {
        await cb(err);
      } catch (cbErr) {
        this.appLogger.error("transaction completion callback failed", { error: String(cbErr) });
      }
    }
  }

  async onTxComplete(fn: TxCompleteFunc): Promise<void> {
    let info = this.txInfo;
    while (info?.releasedInto) info = info.releasedInto;
    if (!info) await fn(undefined);
    else if (info.ended) await fn(info.ended.err);
    else info.callbacks.push(fn);
  }

  // collections

  findCachedCollectionByNameOrId(nameOrId: string): Collection | undefined {
    return this.collectionsCache.find(nameOrId);
  }

  findAllCollections(...types: CollectionType[]): Collection[] {
    return this.collectionsCache.ofTypes(types);
  }

  findCollectionReferences(collection: Collection, ...excludeIds: string[]): Map<Collection, string[]> {
    return this.collectionsCache.references(collection, excludeIds);
  }

  /**
   * reloadCachedCollections reads the collections again. Outside a transaction, once bootstrapped, it also
   * has the cluster's other processes reload theirs, and waits until they did (so their next request sees
   * the change).
   */
  async reloadCachedCollections(): Promise<void> {
    await this.loadCollectionsCache();
    if (!this.txInfo && this.dataDriver && this.bus.peers() > 0) {
      await this.bus.publishAndWait(clusterChannels.collections, null);
    }
  }

  /** loadCollectionsCache reads the collections again, without telling anyone. */
  protected async loadCollectionsCache(): Promise<void> {
    if (this.txInfo) this.txInfo.collectionsChanged = true;
    this.collectionsCache = new CollectionsCache(await loadCollections(this.db));
  }

  async findCollectionByNameOrId(nameOrId: string): Promise<Collection> {
    const c = await findStoredCollectionByNameOrId(this.db, nameOrId);
    if (!c) throw new NotFoundError(`no collection with name or id ${JSON.stringify(nameOrId)}`);
    return c;
  }

  importCollections(collections: JsonObject[], deleteMissing: boolean): Promise<void> {
    return importCollections(this, collections, deleteMissing);
  }

  hasTable(name: string): Promise<boolean> {
    return hasTable(this.db, name);
  }

  saveCollection(collection: Collection): Promise<void> {
    return saveCollection(this, collection);
  }

  deleteCollection(collection: Collection): Promise<void> {
    return deleteCollection(this, collection);
  }

  /** truncateCollection deletes every record one by one (hooks, cascades and files included). */
  async truncateCollection(collection: Collection): Promise<void> {
    await this.runInTransaction(async (txApp) => {
      while (true) {
        const rows = await txApp.db.all<{ id: string }>(
          `SELECT ${txApp.db.dialect.quote("id")} AS id FROM ${txApp.db.dialect.quote(collection.name)} LIMIT 1000`,
        );
        if (rows.length === 0) break;
        for (const { id } of rows) {
          const record = await txApp.findRecordById(collection, id);
          if (record) await txApp.delete(record);
        }
      }
    });
  }

  // records

  protected resolveCollection(collection: Collection | string): Collection | undefined {
    return typeof collection === "string" ? this.findCachedCollectionByNameOrId(collection) : collection;
  }

  async findRecordById(collection: Collection | string, id: string): Promise<RecordModel | null> {
    const c = this.resolveCollection(collection);
    return c ? findRecordById(this.db, c, id) : null;
  }

  findRecordsByIds(collection: Collection, ids: readonly string[]): Promise<RecordModel[]> {
    return findRecordsByIds(this.db, collection, ids);
  }

  async findAuthRecordByEmail(collection: Collection | string, email: string): Promise<RecordModel | null> {
    const c = this.resolveCollection(collection);
    return c && c.type === "auth" ? findAuthRecordByEmail(this.db, c, email) : null;
  }

  countRecordsByIds(collection: Collection, ids: readonly string[]): Promise<number> {
    return countRecordsByIds(this.db, collection, ids);
  }

  recordIdExistsIgnoringCase(collection: Collection, id: string): Promise<boolean> {
    return recordIdExistsIgnoringCase(this.db, collection, id);
  }

  save(record: RecordModel): Promise<void> {
    return saveRecord(this, record, true);
  }

  saveNoValidate(record: RecordModel): Promise<void> {
    return saveRecord(this, record, false);
  }

  delete(record: RecordModel): Promise<void> {
    return deleteRecord(this, record);
  }

  validateRecord(record: RecordModel): Promise<void> {
    return validateRecord(this, record);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** createApp builds an app (not yet bootstrapped). */
export function createApp(options: AppOptions): BaseApp {
  return new BaseApp(options);
}
