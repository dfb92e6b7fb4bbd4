import type { HookAccessor, TaggedHookAccessor } from "../tools/hook/accessor.ts";
import { Hook } from "../tools/hook/hook.ts";
import { TaggableHook, type TaggedEvent } from "../tools/hook/tagged-hook.ts";
import type { BackupEvent } from "./backup-events.ts";
import type {
  BootstrapEvent,
  CollectionErrorEvent,
  CollectionEvent,
  ModelErrorEvent,
  ModelEvent,
  RecordEnrichEvent,
  RecordErrorEvent,
  RecordEvent,
  ServeEvent,
  TerminateEvent,
} from "./events.ts";
import type { RecordAuthWithOAuth2RequestEvent } from "./external-auth-events.ts";
import type { FileDownloadRequestEvent, FileTokenRequestEvent } from "./file-events.ts";
import type { MailerEvent, MailerRecordEvent } from "./mailer-events.ts";
import type { RecordAuthWithOTPRequestEvent, RecordCreateOTPRequestEvent } from "./otp-events.ts";
import type {
  RealtimeConnectRequestEvent,
  RealtimeMessageEvent,
  RealtimeSubscribeRequestEvent,
} from "./realtime-events.ts";
import type {
  CollectionRequestEvent,
  CollectionsImportRequestEvent,
  CollectionsListRequestEvent,
  RecordAuthRefreshRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
} from "./request-event.ts";
import type {
  RecordConfirmEmailChangeRequestEvent,
  RecordConfirmPasswordResetRequestEvent,
  RecordConfirmVerificationRequestEvent,
  RecordRequestEmailChangeRequestEvent,
  RecordRequestPasswordResetRequestEvent,
  RecordRequestVerificationRequestEvent,
} from "./request-event-auth.ts";
import type { BatchRequestEvent } from "./request-event-batch.ts";
import type { SettingsListRequestEvent, SettingsReloadEvent, SettingsUpdateRequestEvent } from "./settings-events.ts";

/** The default hook timeout (ms): how long a handler may keep a chain waiting (see Handler.timeout). */
export const defaultHookTimeoutMs = 30_000;

/** A hook with no timeout: the app's lifecycle and its backups may legitimately take long. */
const untimed = { timeout: 0 };

/**
 * HookRegistry holds every hook of an app: one field per hook, the one place where hooks are declared (their
 * names are these fields' names; HookName, HookEvents and the app's `onX` methods are derived from them).
 * Tagged hooks (TaggableHook) can have handlers limited to collections, by id or name.
 *
 * The stages of a write nest: `onRecordCreate { onRecordValidate; onRecordCreateExecute { INSERT } }`, then,
 * once the transaction commits (or at once outside of one), `onRecordAfterCreateSuccess`, or
 * `onRecordAfterCreateError` when anything failed; the same for updates, deletes and collections. The onModel*
 * hooks fire for records and collections alike, their handlers of priority below -99 around the onRecord* and
 * onCollection* ones, the others inside them.
 */
export class HookRegistry {
  // app lifecycle

  /** onBootstrap fires when the app opens its databases and loads its migrations, settings and collections. */
  readonly onBootstrap = new Hook<BootstrapEvent>(untimed);
  /** onServe fires when the HTTP server is about to start (and after a restart): bind routes and middlewares to `e.router`. */
  readonly onServe = new Hook<ServeEvent>(untimed);
  /** onTerminate fires when the app stops (`isRestart` when it restarts in this process). */
  readonly onTerminate = new Hook<TerminateEvent>(untimed);
  /** onBackupCreate fires for each backup made (`app.createBackup`). */
  readonly onBackupCreate = new Hook<BackupEvent>(untimed);
  /** onBackupRestore fires before a backup replaces the data directory (`app.restoreBackup`). */
  readonly onBackupRestore = new Hook<BackupEvent>(untimed);

  // models (records and collections alike; tags: a record's collection id or name, `_collections`)

  /** onModelValidate fires when a model is validated (`app.validate`, and inside a save unless it skips validation). */
  readonly onModelValidate = new TaggableHook<ModelEvent>();
  /** onModelCreate fires for each new model saved: validation and the INSERT run inside `e.next()`. */
  readonly onModelCreate = new TaggableHook<ModelEvent>();
  /** onModelCreateExecute fires right before the INSERT, after validation. */
  readonly onModelCreateExecute = new TaggableHook<ModelEvent>();
  /** onModelAfterCreateSuccess fires once a created model is stored (after its transaction commits). */
  readonly onModelAfterCreateSuccess = new TaggableHook<ModelEvent>();
  /** onModelAfterCreateError fires when a create failed (at once), or its transaction rolled back. */
  readonly onModelAfterCreateError = new TaggableHook<ModelErrorEvent>();
  /** onModelUpdate fires for each stored model saved: validation and the UPDATE run inside `e.next()`. */
  readonly onModelUpdate = new TaggableHook<ModelEvent>();
  /** onModelUpdateExecute fires right before the UPDATE, after validation. */
  readonly onModelUpdateExecute = new TaggableHook<ModelEvent>();
  /** onModelAfterUpdateSuccess fires once an update is stored (after its transaction commits). */
  readonly onModelAfterUpdateSuccess = new TaggableHook<ModelEvent>();
  /** onModelAfterUpdateError fires when an update failed (at once), or its transaction rolled back. */
  readonly onModelAfterUpdateError = new TaggableHook<ModelErrorEvent>();
  /** onModelDelete fires for each model deleted: the DELETE runs inside `e.next()`. */
  readonly onModelDelete = new TaggableHook<ModelEvent>();
  /** onModelDeleteExecute fires right before the DELETE. */
  readonly onModelDeleteExecute = new TaggableHook<ModelEvent>();
  /** onModelAfterDeleteSuccess fires once a delete is stored (after its transaction commits). */
  readonly onModelAfterDeleteSuccess = new TaggableHook<ModelEvent>();
  /** onModelAfterDeleteError fires when a delete failed (at once), or its transaction rolled back. */
  readonly onModelAfterDeleteError = new TaggableHook<ModelErrorEvent>();

  // records

  /** onRecordEnrich fires for each record sent to a client (responses, expands, realtime): hide or add fields. */
  readonly onRecordEnrich = new TaggableHook<RecordEnrichEvent>();
  /** onRecordValidate fires when a record is validated; its default action checks every field. */
  readonly onRecordValidate = new TaggableHook<RecordEvent>();
  /** onRecordCreate fires for each new record saved: validation and the INSERT run inside `e.next()`. */
  readonly onRecordCreate = new TaggableHook<RecordEvent>();
  /** onRecordCreateExecute fires right before the INSERT, after validation. */
  readonly onRecordCreateExecute = new TaggableHook<RecordEvent>();
  /** onRecordAfterCreateSuccess fires once a created record is stored (after its transaction commits). */
  readonly onRecordAfterCreateSuccess = new TaggableHook<RecordEvent>();
  /** onRecordAfterCreateError fires when a record create failed, or its transaction rolled back. */
  readonly onRecordAfterCreateError = new TaggableHook<RecordErrorEvent>();
  /** onRecordUpdate fires for each stored record saved: validation and the UPDATE run inside `e.next()`. */
  readonly onRecordUpdate = new TaggableHook<RecordEvent>();
  /** onRecordUpdateExecute fires right before the UPDATE, after validation. */
  readonly onRecordUpdateExecute = new TaggableHook<RecordEvent>();
  /** onRecordAfterUpdateSuccess fires once a record update is stored (after its transaction commits). */
  readonly onRecordAfterUpdateSuccess = new TaggableHook<RecordEvent>();
  /** onRecordAfterUpdateError fires when a record update failed, or its transaction rolled back. */
  readonly onRecordAfterUpdateError = new TaggableHook<RecordErrorEvent>();
  /** onRecordDelete fires for each record deleted: the DELETE and the relation cascade run inside `e.next()`. */
  readonly onRecordDelete = new TaggableHook<RecordEvent>();
  /** onRecordDeleteExecute fires right before the DELETE. */
  readonly onRecordDeleteExecute = new TaggableHook<RecordEvent>();
  /** onRecordAfterDeleteSuccess fires once a record delete is stored (after its transaction commits). */
  readonly onRecordAfterDeleteSuccess = new TaggableHook<RecordEvent>();
  /** onRecordAfterDeleteError fires when a record delete failed, or its transaction rolled back. */
  readonly onRecordAfterDeleteError = new TaggableHook<RecordErrorEvent>();

  // collections

  /** onCollectionValidate fires when a collection is validated. */
  readonly onCollectionValidate = new TaggableHook<CollectionEvent>();
  /** onCollectionCreate fires for each new collection saved: validation, the INSERT and the new table inside `e.next()`. */
  readonly onCollectionCreate = new TaggableHook<CollectionEvent>();
  /** onCollectionCreateExecute fires right before the collection is stored and its table made. */
  readonly onCollectionCreateExecute = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterCreateSuccess fires once a created collection is stored (after its transaction commits). */
  readonly onCollectionAfterCreateSuccess = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterCreateError fires when a collection create failed, or its transaction rolled back. */
  readonly onCollectionAfterCreateError = new TaggableHook<CollectionErrorEvent>();
  /** onCollectionUpdate fires for each stored collection saved: validation, the UPDATE and the table change inside `e.next()`. */
  readonly onCollectionUpdate = new TaggableHook<CollectionEvent>();
  /** onCollectionUpdateExecute fires right before the collection is stored and its table altered. */
  readonly onCollectionUpdateExecute = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterUpdateSuccess fires once a collection update is stored (after its transaction commits). */
  readonly onCollectionAfterUpdateSuccess = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterUpdateError fires when a collection update failed, or its transaction rolled back. */
  readonly onCollectionAfterUpdateError = new TaggableHook<CollectionErrorEvent>();
  /** onCollectionDelete fires for each collection deleted: its table and row go inside `e.next()`. */
  readonly onCollectionDelete = new TaggableHook<CollectionEvent>();
  /** onCollectionDeleteExecute fires right before the collection's table and row are deleted. */
  readonly onCollectionDeleteExecute = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterDeleteSuccess fires once a collection delete is stored (after its transaction commits). */
  readonly onCollectionAfterDeleteSuccess = new TaggableHook<CollectionEvent>();
  /** onCollectionAfterDeleteError fires when a collection delete failed, or its transaction rolled back. */
  readonly onCollectionAfterDeleteError = new TaggableHook<CollectionErrorEvent>();

  // mails

  /** onMailerSend fires for every mail the app sends: change `e.message`, or don't call `e.next()` to drop it. */
  readonly onMailerSend = new Hook<MailerEvent>();
  /** onMailerRecordAuthAlertSend fires before a new-login alert is mailed to an auth record. */
  readonly onMailerRecordAuthAlertSend = new TaggableHook<MailerRecordEvent>();
  /** onMailerRecordPasswordResetSend fires before a password reset mail is sent. */
  readonly onMailerRecordPasswordResetSend = new TaggableHook<MailerRecordEvent>();
  /** onMailerRecordVerificationSend fires before a verification mail is sent. */
  readonly onMailerRecordVerificationSend = new TaggableHook<MailerRecordEvent>();
  /** onMailerRecordEmailChangeSend fires before an email change confirmation is sent. */
  readonly onMailerRecordEmailChangeSend = new TaggableHook<MailerRecordEvent>();
  /** onMailerRecordOTPSend fires before a one-time password is mailed. */
  readonly onMailerRecordOTPSend = new TaggableHook<MailerRecordEvent>();

  // realtime

  /** onRealtimeConnectRequest fires when a realtime client connects; the connection lasts inside `e.next()`. */
  readonly onRealtimeConnectRequest = new Hook<RealtimeConnectRequestEvent>();
  /** onRealtimeMessageSend fires for each message about to be written to a realtime client. */
  readonly onRealtimeMessageSend = new Hook<RealtimeMessageEvent>();
  /** onRealtimeSubscribeRequest fires when a client sets its subscriptions. */
  readonly onRealtimeSubscribeRequest = new Hook<RealtimeSubscribeRequestEvent>();

  // settings

  /** onSettingsListRequest fires for `GET /api/settings`. */
  readonly onSettingsListRequest = new Hook<SettingsListRequestEvent>();
  /** onSettingsUpdateRequest fires for `PATCH /api/settings`. */
  readonly onSettingsUpdateRequest = new Hook<SettingsUpdateRequestEvent>();
  /** onSettingsReload fires when the app (re)loads its settings. */
  readonly onSettingsReload = new Hook<SettingsReloadEvent>();

  // files

  /** onFileDownloadRequest fires before a record's file is served. */
  readonly onFileDownloadRequest = new TaggableHook<FileDownloadRequestEvent>();
  /** onFileTokenRequest fires for `POST /api/files/token`. */
  readonly onFileTokenRequest = new TaggableHook<FileTokenRequestEvent>();

  // record auth requests

  /** onRecordAuthRequest fires for every successful authentication (password, OAuth2, OTP, refresh...), before the answer. */
  readonly onRecordAuthRequest = new TaggableHook<RecordAuthRequestEvent>();
  /** onRecordAuthWithPasswordRequest fires for `auth-with-password`. */
  readonly onRecordAuthWithPasswordRequest = new TaggableHook<RecordAuthWithPasswordRequestEvent>();
  /** onRecordAuthWithOAuth2Request fires for `auth-with-oauth2`, after the code exchange. */
  readonly onRecordAuthWithOAuth2Request = new TaggableHook<RecordAuthWithOAuth2RequestEvent>();
  /** onRecordAuthRefreshRequest fires for `auth-refresh`. */
  readonly onRecordAuthRefreshRequest = new TaggableHook<RecordAuthRefreshRequestEvent>();
  /** onRecordRequestPasswordResetRequest fires for `request-password-reset`. */
  readonly onRecordRequestPasswordResetRequest = new TaggableHook<RecordRequestPasswordResetRequestEvent>();
  /** onRecordConfirmPasswordResetRequest fires for `confirm-password-reset`. */
  readonly onRecordConfirmPasswordResetRequest = new TaggableHook<RecordConfirmPasswordResetRequestEvent>();
  /** onRecordRequestVerificationRequest fires for `request-verification`. */
  readonly onRecordRequestVerificationRequest = new TaggableHook<RecordRequestVerificationRequestEvent>();
  /** onRecordConfirmVerificationRequest fires for `confirm-verification`. */
  readonly onRecordConfirmVerificationRequest = new TaggableHook<RecordConfirmVerificationRequestEvent>();
  /** onRecordRequestEmailChangeRequest fires for `request-email-change`. */
  readonly onRecordRequestEmailChangeRequest = new TaggableHook<RecordRequestEmailChangeRequestEvent>();
  /** onRecordConfirmEmailChangeRequest fires for `confirm-email-change`. */
  readonly onRecordConfirmEmailChangeRequest = new TaggableHook<RecordConfirmEmailChangeRequestEvent>();
  /** onRecordRequestOTPRequest fires for `request-otp`. */
  readonly onRecordRequestOTPRequest = new TaggableHook<RecordCreateOTPRequestEvent>();
  /** onRecordAuthWithOTPRequest fires for `auth-with-otp`. */
  readonly onRecordAuthWithOTPRequest = new TaggableHook<RecordAuthWithOTPRequestEvent>();

  // record requests

  /** onRecordsListRequest fires for a records list, with the page about to be sent. */
  readonly onRecordsListRequest = new TaggableHook<RecordsListRequestEvent>();
  /** onRecordViewRequest fires for a record view, with the record about to be sent. */
  readonly onRecordViewRequest = new TaggableHook<RecordRequestEvent>();
  /** onRecordCreateRequest fires for a record create request: the save runs inside `e.next()`. */
  readonly onRecordCreateRequest = new TaggableHook<RecordRequestEvent>();
  /** onRecordUpdateRequest fires for a record update request: the save runs inside `e.next()`. */
  readonly onRecordUpdateRequest = new TaggableHook<RecordRequestEvent>();
  /** onRecordDeleteRequest fires for a record delete request: the delete runs inside `e.next()`. */
  readonly onRecordDeleteRequest = new TaggableHook<RecordRequestEvent>();

  // collection requests

  /** onCollectionsListRequest fires for `GET /api/collections`. */
  readonly onCollectionsListRequest = new Hook<CollectionsListRequestEvent>();
  /** onCollectionViewRequest fires for `GET /api/collections/{collection}`. */
  readonly onCollectionViewRequest = new Hook<CollectionRequestEvent>();
  /** onCollectionCreateRequest fires for `POST /api/collections`. */
  readonly onCollectionCreateRequest = new Hook<CollectionRequestEvent>();
  /** onCollectionUpdateRequest fires for `PATCH /api/collections/{collection}`. */
  readonly onCollectionUpdateRequest = new Hook<CollectionRequestEvent>();
  /** onCollectionDeleteRequest fires for `DELETE /api/collections/{collection}`. */
  readonly onCollectionDeleteRequest = new Hook<CollectionRequestEvent>();
  /** onCollectionsImportRequest fires for `PUT /api/collections/import`. */
  readonly onCollectionsImportRequest = new Hook<CollectionsImportRequestEvent>();

  // batch

  /** onBatchRequest fires for `POST /api/batch`: the whole transaction runs inside `e.next()`. */
  readonly onBatchRequest = new Hook<BatchRequestEvent>();

  readonly #names: readonly HookName[];

  /** timeoutMs is the timeout of handlers bound without one, on every hook but the untimed ones (0: none). */
  constructor(timeoutMs = defaultHookTimeoutMs) {
    const names: HookName[] = [];
    for (const [name, hook] of Object.entries(this)) {
      if (!(hook instanceof Hook) || !isHookName(this, name)) continue;
      hook.name = name;
      hook.setDefaultTimeout(timeoutMs);
      names.push(name);
    }
    this.#names = names;
  }

  /** get returns a hook by name. */
  get<K extends HookName>(name: K): HookRegistry[K] {
    return this[name];
  }

  /** names lists every hook, in the order declared. */
  names(): readonly HookName[] {
    return this.#names;
  }
}

function isHookName(registry: HookRegistry, name: string): name is HookName {
  return Object.hasOwn(registry, name) && Reflect.get(registry, name) instanceof Hook;
}

/** HookName is the name of any hook (`"onRecordCreate"`...). */
export type HookName = {
  [K in keyof HookRegistry]: HookRegistry[K] extends Hook<infer _E> ? K : never;
}[keyof HookRegistry];

/** TaggedHookName is the name of a hook whose handlers can be limited to collections. */
export type TaggedHookName = {
  [K in HookName]: HookRegistry[K] extends TaggableHook<infer _E> ? K : never;
}[HookName];

/** HookEvents maps each hook's name to the type of its event. */
export type HookEvents = { [K in HookName]: HookRegistry[K] extends Hook<infer E> ? E : never };

/** HookMethods are the app's `onX` methods, one per hook (see HookAccessor and TaggedHookAccessor). */
export type HookMethods = {
  [K in keyof Pick<HookRegistry, HookName>]: HookRegistry[K] extends TaggableHook<infer E extends TaggedEvent>
    ? TaggedHookAccessor<E>
    : HookRegistry[K] extends Hook<infer E>
      ? HookAccessor<E>
      : never;
};
