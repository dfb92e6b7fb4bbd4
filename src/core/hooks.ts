import { Hook } from "../tools/hook/hook.ts";
import { TaggedHook } from "../tools/hook/tagged-hook.ts";
import type { BackupEvent } from "./backup-events.ts";
import type {
  BootstrapEvent,
  CollectionErrorEvent,
  CollectionEvent,
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

/** Hooks whose handlers can be bound to collections by id or name (`app.onRecordCreate("posts")`). */
export interface TaggedHookEvents {
  onRecordEnrich: RecordEnrichEvent;
  onRecordValidate: RecordEvent;
  onRecordCreate: RecordEvent;
  onRecordCreateExecute: RecordEvent;
  onRecordAfterCreateSuccess: RecordEvent;
  onRecordAfterCreateError: RecordErrorEvent;
  onRecordUpdate: RecordEvent;
  onRecordUpdateExecute: RecordEvent;
  onRecordAfterUpdateSuccess: RecordEvent;
  onRecordAfterUpdateError: RecordErrorEvent;
  onRecordDelete: RecordEvent;
  onRecordDeleteExecute: RecordEvent;
  onRecordAfterDeleteSuccess: RecordEvent;
  onRecordAfterDeleteError: RecordErrorEvent;
  onCollectionValidate: CollectionEvent;
  onCollectionCreate: CollectionEvent;
  onCollectionCreateExecute: CollectionEvent;
  onCollectionAfterCreateSuccess: CollectionEvent;
  onCollectionAfterCreateError: CollectionErrorEvent;
  onCollectionUpdate: CollectionEvent;
  onCollectionUpdateExecute: CollectionEvent;
  onCollectionAfterUpdateSuccess: CollectionEvent;
  onCollectionAfterUpdateError: CollectionErrorEvent;
  onCollectionDelete: CollectionEvent;
  onCollectionDeleteExecute: CollectionEvent;
  onCollectionAfterDeleteSuccess: CollectionEvent;
  onCollectionAfterDeleteError: CollectionErrorEvent;
  onRecordsListRequest: RecordsListRequestEvent;
  onRecordViewRequest: RecordRequestEvent;
  onRecordCreateRequest: RecordRequestEvent;
  onRecordUpdateRequest: RecordRequestEvent;
  onRecordDeleteRequest: RecordRequestEvent;
  onRecordAuthRequest: RecordAuthRequestEvent;
  onRecordAuthWithPasswordRequest: RecordAuthWithPasswordRequestEvent;
  onRecordAuthWithOAuth2Request: RecordAuthWithOAuth2RequestEvent;
  onRecordAuthRefreshRequest: RecordAuthRefreshRequestEvent;
  onRecordRequestOTPRequest: RecordCreateOTPRequestEvent;
  onRecordAuthWithOTPRequest: RecordAuthWithOTPRequestEvent;
  onRecordRequestVerificationRequest: RecordRequestVerificationRequestEvent;
  onRecordConfirmVerificationRequest: RecordConfirmVerificationRequestEvent;
  onRecordRequestPasswordResetRequest: RecordRequestPasswordResetRequestEvent;
  onRecordConfirmPasswordResetRequest: RecordConfirmPasswordResetRequestEvent;
  onRecordRequestEmailChangeRequest: RecordRequestEmailChangeRequestEvent;
  onRecordConfirmEmailChangeRequest: RecordConfirmEmailChangeRequestEvent;
  onMailerRecordVerificationSend: MailerRecordEvent;
  onMailerRecordPasswordResetSend: MailerRecordEvent;
  onMailerRecordEmailChangeSend: MailerRecordEvent;
  onMailerRecordOTPSend: MailerRecordEvent;
  onMailerRecordAuthAlertSend: MailerRecordEvent;
  onFileTokenRequest: FileTokenRequestEvent;
  onFileDownloadRequest: FileDownloadRequestEvent;
}

/** Hooks that apply to the whole app. */
export interface PlainHookEvents {
  onBootstrap: BootstrapEvent;
  onServe: ServeEvent;
  onTerminate: TerminateEvent;
  onCollectionsListRequest: CollectionsListRequestEvent;
  onCollectionViewRequest: CollectionRequestEvent;
  onCollectionCreateRequest: CollectionRequestEvent;
  onCollectionUpdateRequest: CollectionRequestEvent;
  onCollectionDeleteRequest: CollectionRequestEvent;
  onCollectionsImportRequest: CollectionsImportRequestEvent;
  onRealtimeConnectRequest: RealtimeConnectRequestEvent;
  onRealtimeSubscribeRequest: RealtimeSubscribeRequestEvent;
  onRealtimeMessageSend: RealtimeMessageEvent;
  onMailerSend: MailerEvent;
  onSettingsListRequest: SettingsListRequestEvent;
  onSettingsUpdateRequest: SettingsUpdateRequestEvent;
  onSettingsReload: SettingsReloadEvent;
  onBatchRequest: BatchRequestEvent;
  onBackupCreate: BackupEvent;
  onBackupRestore: BackupEvent;
}

export type HookEvents = TaggedHookEvents & PlainHookEvents;
export type HookName = keyof HookEvents;

const taggedNames: readonly (keyof TaggedHookEvents)[] = [
  "onRecordEnrich",
  "onRecordValidate",
  "onRecordCreate",
  "onRecordCreateExecute",
  "onRecordAfterCreateSuccess",
  "onRecordAfterCreateError",
  "onRecordUpdate",
  "onRecordUpdateExecute",
  "onRecordAfterUpdateSuccess",
  "onRecordAfterUpdateError",
  "onRecordDelete",
  "onRecordDeleteExecute",
  "onRecordAfterDeleteSuccess",
  "onRecordAfterDeleteError",
  "onCollectionValidate",
  "onCollectionCreate",
  "onCollectionCreateExecute",
  "onCollectionAfterCreateSuccess",
  "onCollectionAfterCreateError",
  "onCollectionUpdate",
  "onCollectionUpdateExecute",
  "onCollectionAfterUpdateSuccess",
  "onCollectionAfterUpdateError",
  "onCollectionDelete",
  "onCollectionDeleteExecute",
  "onCollectionAfterDeleteSuccess",
  "onCollectionAfterDeleteError",
  "onRecordsListRequest",
  "onRecordViewRequest",
  "onRecordCreateRequest",
  "onRecordUpdateRequest",
  "onRecordDeleteRequest",
  "onRecordAuthRequest",
  "onRecordAuthWithPasswordRequest",
  "onRecordAuthWithOAuth2Request",
  "onRecordAuthRefreshRequest",
  "onRecordRequestOTPRequest",
  "onRecordAuthWithOTPRequest",
  "onRecordRequestVerificationRequest",
  "onRecordConfirmVerificationRequest",
  "onRecordRequestPasswordResetRequest",
  "onRecordConfirmPasswordResetRequest",
  "onRecordRequestEmailChangeRequest",
  "onRecordConfirmEmailChangeRequest",
  "onMailerRecordVerificationSend",
  "onMailerRecordPasswordResetSend",
  "onMailerRecordEmailChangeSend",
  "onMailerRecordOTPSend",
  "onMailerRecordAuthAlertSend",
  "onFileTokenRequest",
  "onFileDownloadRequest",
];

const plainNames: readonly (keyof PlainHookEvents)[] = [
  "onBootstrap",
  "onServe",
  "onTerminate",
  "onCollectionsListRequest",
  "onCollectionViewRequest",
  "onCollectionCreateRequest",
  "onCollectionUpdateRequest",
  "onCollectionDeleteRequest",
  "onCollectionsImportRequest",
  "onRealtimeConnectRequest",
  "onRealtimeSubscribeRequest",
  "onRealtimeMessageSend",
  "onMailerSend",
  "onSettingsListRequest",
  "onSettingsUpdateRequest",
  "onSettingsReload",
  "onBatchRequest",
  "onBackupCreate",
  "onBackupRestore",
];

/** The `app.onX(...)` methods: tagged hooks take optional collection ids or names. */
export type HookMethods = {
  [K in keyof TaggedHookEvents]: (...tags: string[]) => TaggedHook<TaggedHookEvents[K]>;
} & {
  [K in keyof PlainHookEvents]: () => Hook<PlainHookEvents[K]>;
};

/** HookRegistry holds every hook of an app, one per name. */
export class HookRegistry {
  readonly #hooks = new Map<HookName, Hook<HookEvents[HookName]>>();

  constructor() {
    for (const name of [...taggedNames, ...plainNames]) this.#hooks.set(name, new Hook());
  }

  get<K extends HookName>(name: K): Hook<HookEvents[K]> {
    return this.#hooks.get(name) as unknown as Hook<HookEvents[K]>;
  }

  names(): HookName[] {
    return [...this.#hooks.keys()];
  }

  /** methods builds the `onX` accessor functions for an app. */
  methods(): HookMethods {
    const out: Record<string, unknown> = {};
    for (const name of taggedNames) {
      const hook = this.get(name) as unknown as Hook<TaggedHookEvents[typeof name]>;
      out[name] = (...tags: string[]) => new TaggedHook(hook, tags);
    }
    for (const name of plainNames) out[name] = () => this.get(name);
    return out as HookMethods;
  }
}
