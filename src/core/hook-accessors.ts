// Written by scripts/hook-accessors.ts from the hooks HookRegistry declares in hooks.ts: don't edit by hand.
import { hookAccessor as plain, taggedHookAccessor as tagged } from "../tools/hook/accessor.ts";
import type { HookMethods, HookRegistry } from "./hooks.ts";

/** HookAccessors gives an app its `onX` methods, one per hook of HookRegistry. */
export abstract class HookAccessors implements HookMethods {
  abstract readonly hooks: HookRegistry;

  /** onBootstrap fires when the app opens its databases and loads its migrations, settings and collections. */
  readonly onBootstrap = plain(() => this.hooks.onBootstrap);

  /** onServe fires when the HTTP server is about to start (and after a restart): bind routes and middlewares to `e.router`. */
  readonly onServe = plain(() => this.hooks.onServe);

  /** onTerminate fires when the app stops (`isRestart` when it restarts in this process). */
  readonly onTerminate = plain(() => this.hooks.onTerminate);

  /** onBackupCreate fires for each backup made (`app.createBackup`). */
  readonly onBackupCreate = plain(() => this.hooks.onBackupCreate);

  /** onBackupRestore fires before a backup replaces the data directory (`app.restoreBackup`). */
  readonly onBackupRestore = plain(() => this.hooks.onBackupRestore);

  /** onModelValidate fires when a model is validated (`app.validate`, and inside a save unless it skips validation). */
  readonly onModelValidate = tagged(() => this.hooks.onModelValidate);

  /** onModelCreate fires for each new model saved: validation and the INSERT run inside `e.next()`. */
  readonly onModelCreate = tagged(() => this.hooks.onModelCreate);

  /** onModelCreateExecute fires right before the INSERT, after validation. */
  readonly onModelCreateExecute = tagged(() => this.hooks.onModelCreateExecute);

  /** onModelAfterCreateSuccess fires once a created model is stored (after its transaction commits). */
  readonly onModelAfterCreateSuccess = tagged(() => this.hooks.onModelAfterCreateSuccess);

  /** onModelAfterCreateError fires when a create failed (at once), or its transaction rolled back. */
  readonly onModelAfterCreateError = tagged(() => this.hooks.onModelAfterCreateError);

  /** onModelUpdate fires for each stored model saved: validation and the UPDATE run inside `e.next()`. */
  readonly onModelUpdate = tagged(() => this.hooks.onModelUpdate);

  /** onModelUpdateExecute fires right before the UPDATE, after validation. */
  readonly onModelUpdateExecute = tagged(() => this.hooks.onModelUpdateExecute);

  /** onModelAfterUpdateSuccess fires once an update is stored (after its transaction commits). */
  readonly onModelAfterUpdateSuccess = tagged(() => this.hooks.onModelAfterUpdateSuccess);

  /** onModelAfterUpdateError fires when an update failed (at once), or its transaction rolled back. */
  readonly onModelAfterUpdateError = tagged(() => this.hooks.onModelAfterUpdateError);

  /** onModelDelete fires for each model deleted: the DELETE runs inside `e.next()`. */
  readonly onModelDelete = tagged(() => this.hooks.onModelDelete);

  /** onModelDeleteExecute fires right before the DELETE. */
  readonly onModelDeleteExecute = tagged(() => this.hooks.onModelDeleteExecute);

  /** onModelAfterDeleteSuccess fires once a delete is stored (after its transaction commits). */
  readonly onModelAfterDeleteSuccess = tagged(() => this.hooks.onModelAfterDeleteSuccess);

  /** onModelAfterDeleteError fires when a delete failed (at once), or its transaction rolled back. */
  readonly onModelAfterDeleteError = tagged(() => this.hooks.onModelAfterDeleteError);

  /** onRecordEnrich fires for each record sent to a client (responses, expands, realtime): hide or add fields. */
  readonly onRecordEnrich = tagged(() => this.hooks.onRecordEnrich);

  /** onRecordValidate fires when a record is validated; its default action checks every field. */
  readonly onRecordValidate = tagged(() => this.hooks.onRecordValidate);

  /** onRecordCreate fires for each new record saved: validation and the INSERT run inside `e.next()`. */
  readonly onRecordCreate = tagged(() => this.hooks.onRecordCreate);

  /** onRecordCreateExecute fires right before the INSERT, after validation. */
  readonly onRecordCreateExecute = tagged(() => this.hooks.onRecordCreateExecute);

  /** onRecordAfterCreateSuccess fires once a created record is stored (after its transaction commits). */
  readonly onRecordAfterCreateSuccess = tagged(() => this.hooks.onRecordAfterCreateSuccess);

  /** onRecordAfterCreateError fires when a record create failed, or its transaction rolled back. */
  readonly onRecordAfterCreateError = tagged(() => this.hooks.onRecordAfterCreateError);

  /** onRecordUpdate fires for each stored record saved: validation and the UPDATE run inside `e.next()`. */
  readonly onRecordUpdate = tagged(() => this.hooks.onRecordUpdate);

  /** onRecordUpdateExecute fires right before the UPDATE, after validation. */
  readonly onRecordUpdateExecute = tagged(() => this.hooks.onRecordUpdateExecute);

  /** onRecordAfterUpdateSuccess fires once a record update is stored (after its transaction commits). */
  readonly onRecordAfterUpdateSuccess = tagged(() => this.hooks.onRecordAfterUpdateSuccess);

  /** onRecordAfterUpdateError fires when a record update failed, or its transaction rolled back. */
  readonly onRecordAfterUpdateError = tagged(() => this.hooks.onRecordAfterUpdateError);

  /** onRecordDelete fires for each record deleted: the DELETE and the relation cascade run inside `e.next()`. */
  readonly onRecordDelete = tagged(() => this.hooks.onRecordDelete);

  /** onRecordDeleteExecute fires right before the DELETE. */
  readonly onRecordDeleteExecute = tagged(() => this.hooks.onRecordDeleteExecute);

  /** onRecordAfterDeleteSuccess fires once a record delete is stored (after its transaction commits). */
  readonly onRecordAfterDeleteSuccess = tagged(() => this.hooks.onRecordAfterDeleteSuccess);

  /** onRecordAfterDeleteError fires when a record delete failed, or its transaction rolled back. */
  readonly onRecordAfterDeleteError = tagged(() => this.hooks.onRecordAfterDeleteError);

  /** onCollectionValidate fires when a collection is validated. */
  readonly onCollectionValidate = tagged(() => this.hooks.onCollectionValidate);

  /** onCollectionCreate fires for each new collection saved: validation, the INSERT and the new table inside `e.next()`. */
  readonly onCollectionCreate = tagged(() => this.hooks.onCollectionCreate);

  /** onCollectionCreateExecute fires right before the collection is stored and its table made. */
  readonly onCollectionCreateExecute = tagged(() => this.hooks.onCollectionCreateExecute);

  /** onCollectionAfterCreateSuccess fires once a created collection is stored (after its transaction commits). */
  readonly onCollectionAfterCreateSuccess = tagged(() => this.hooks.onCollectionAfterCreateSuccess);

  /** onCollectionAfterCreateError fires when a collection create failed, or its transaction rolled back. */
  readonly onCollectionAfterCreateError = tagged(() => this.hooks.onCollectionAfterCreateError);

  /** onCollectionUpdate fires for each stored collection saved: validation, the UPDATE and the table change inside `e.next()`. */
  readonly onCollectionUpdate = tagged(() => this.hooks.onCollectionUpdate);

  /** onCollectionUpdateExecute fires right before the collection is stored and its table altered. */
  readonly onCollectionUpdateExecute = tagged(() => this.hooks.onCollectionUpdateExecute);

  /** onCollectionAfterUpdateSuccess fires once a collection update is stored (after its transaction commits). */
  readonly onCollectionAfterUpdateSuccess = tagged(() => this.hooks.onCollectionAfterUpdateSuccess);

  /** onCollectionAfterUpdateError fires when a collection update failed, or its transaction rolled back. */
  readonly onCollectionAfterUpdateError = tagged(() => this.hooks.onCollectionAfterUpdateError);

  /** onCollectionDelete fires for each collection deleted: its table and row go inside `e.next()`. */
  readonly onCollectionDelete = tagged(() => this.hooks.onCollectionDelete);

  /** onCollectionDeleteExecute fires right before the collection's table and row are deleted. */
  readonly onCollectionDeleteExecute = tagged(() => this.hooks.onCollectionDeleteExecute);

  /** onCollectionAfterDeleteSuccess fires once a collection delete is stored (after its transaction commits). */
  readonly onCollectionAfterDeleteSuccess = tagged(() => this.hooks.onCollectionAfterDeleteSuccess);

  /** onCollectionAfterDeleteError fires when a collection delete failed, or its transaction rolled back. */
  readonly onCollectionAfterDeleteError = tagged(() => this.hooks.onCollectionAfterDeleteError);

  /** onMailerSend fires for every mail the app sends: change `e.message`, or don't call `e.next()` to drop it. */
  readonly onMailerSend = plain(() => this.hooks.onMailerSend);

  /** onMailerRecordAuthAlertSend fires before a new-login alert is mailed to an auth record. */
  readonly onMailerRecordAuthAlertSend = tagged(() => this.hooks.onMailerRecordAuthAlertSend);

  /** onMailerRecordPasswordResetSend fires before a password reset mail is sent. */
  readonly onMailerRecordPasswordResetSend = tagged(() => this.hooks.onMailerRecordPasswordResetSend);

  /** onMailerRecordVerificationSend fires before a verification mail is sent. */
  readonly onMailerRecordVerificationSend = tagged(() => this.hooks.onMailerRecordVerificationSend);

  /** onMailerRecordEmailChangeSend fires before an email change confirmation is sent. */
  readonly onMailerRecordEmailChangeSend = tagged(() => this.hooks.onMailerRecordEmailChangeSend);

  /** onMailerRecordOTPSend fires before a one-time password is mailed. */
  readonly onMailerRecordOTPSend = tagged(() => this.hooks.onMailerRecordOTPSend);

  /** onRealtimeConnectRequest fires when a realtime client connects; the connection lasts inside `e.next()`. */
  readonly onRealtimeConnectRequest = plain(() => this.hooks.onRealtimeConnectRequest);

  /** onRealtimeMessageSend fires for each message about to be written to a realtime client. */
  readonly onRealtimeMessageSend = plain(() => this.hooks.onRealtimeMessageSend);

  /** onRealtimeSubscribeRequest fires when a client sets its subscriptions. */
  readonly onRealtimeSubscribeRequest = plain(() => this.hooks.onRealtimeSubscribeRequest);

  /** onSettingsListRequest fires for `GET /api/settings`. */
  readonly onSettingsListRequest = plain(() => this.hooks.onSettingsListRequest);

  /** onSettingsUpdateRequest fires for `PATCH /api/settings`. */
  readonly onSettingsUpdateRequest = plain(() => this.hooks.onSettingsUpdateRequest);

  /** onSettingsReload fires when the app (re)loads its settings. */
  readonly onSettingsReload = plain(() => this.hooks.onSettingsReload);

  /** onFileDownloadRequest fires before a record's file is served. */
  readonly onFileDownloadRequest = tagged(() => this.hooks.onFileDownloadRequest);

  /** onFileTokenRequest fires for `POST /api/files/token`. */
  readonly onFileTokenRequest = tagged(() => this.hooks.onFileTokenRequest);

  /** onRecordAuthRequest fires for every successful authentication (password, OAuth2, OTP, refresh...), before the answer. */
  readonly onRecordAuthRequest = tagged(() => this.hooks.onRecordAuthRequest);

  /** onRecordAuthWithPasswordRequest fires for `auth-with-password`. */
  readonly onRecordAuthWithPasswordRequest = tagged(() => this.hooks.onRecordAuthWithPasswordRequest);

  /** onRecordAuthWithOAuth2Request fires for `auth-with-oauth2`, after the code exchange. */
  readonly onRecordAuthWithOAuth2Request = tagged(() => this.hooks.onRecordAuthWithOAuth2Request);

  /** onRecordAuthRefreshRequest fires for `auth-refresh`. */
  readonly onRecordAuthRefreshRequest = tagged(() => this.hooks.onRecordAuthRefreshRequest);

  /** onRecordRequestPasswordResetRequest fires for `request-password-reset`. */
  readonly onRecordRequestPasswordResetRequest = tagged(() => this.hooks.onRecordRequestPasswordResetRequest);

  /** onRecordConfirmPasswordResetRequest fires for `confirm-password-reset`. */
  readonly onRecordConfirmPasswordResetRequest = tagged(() => this.hooks.onRecordConfirmPasswordResetRequest);

  /** onRecordRequestVerificationRequest fires for `request-verification`. */
  readonly onRecordRequestVerificationRequest = tagged(() => this.hooks.onRecordRequestVerificationRequest);

  /** onRecordConfirmVerificationRequest fires for `confirm-verification`. */
  readonly onRecordConfirmVerificationRequest = tagged(() => this.hooks.onRecordConfirmVerificationRequest);

  /** onRecordRequestEmailChangeRequest fires for `request-email-change`. */
  readonly onRecordRequestEmailChangeRequest = tagged(() => this.hooks.onRecordRequestEmailChangeRequest);

  /** onRecordConfirmEmailChangeRequest fires for `confirm-email-change`. */
  readonly onRecordConfirmEmailChangeRequest = tagged(() => this.hooks.onRecordConfirmEmailChangeRequest);

  /** onRecordRequestOTPRequest fires for `request-otp`. */
  readonly onRecordRequestOTPRequest = tagged(() => this.hooks.onRecordRequestOTPRequest);

  /** onRecordAuthWithOTPRequest fires for `auth-with-otp`. */
  readonly onRecordAuthWithOTPRequest = tagged(() => this.hooks.onRecordAuthWithOTPRequest);

  /** onRecordsListRequest fires for a records list, with the page about to be sent. */
  readonly onRecordsListRequest = tagged(() => this.hooks.onRecordsListRequest);

  /** onRecordViewRequest fires for a record view, with the record about to be sent. */
  readonly onRecordViewRequest = tagged(() => this.hooks.onRecordViewRequest);

  /** onRecordCreateRequest fires for a record create request: the save runs inside `e.next()`. */
  readonly onRecordCreateRequest = tagged(() => this.hooks.onRecordCreateRequest);

  /** onRecordUpdateRequest fires for a record update request: the save runs inside `e.next()`. */
  readonly onRecordUpdateRequest = tagged(() => this.hooks.onRecordUpdateRequest);

  /** onRecordDeleteRequest fires for a record delete request: the delete runs inside `e.next()`. */
  readonly onRecordDeleteRequest = tagged(() => this.hooks.onRecordDeleteRequest);

  /** onCollectionsListRequest fires for `GET /api/collections`. */
  readonly onCollectionsListRequest = plain(() => this.hooks.onCollectionsListRequest);

  /** onCollectionViewRequest fires for `GET /api/collections/{collection}`. */
  readonly onCollectionViewRequest = plain(() => this.hooks.onCollectionViewRequest);

  /** onCollectionCreateRequest fires for `POST /api/collections`. */
  readonly onCollectionCreateRequest = plain(() => this.hooks.onCollectionCreateRequest);

  /** onCollectionUpdateRequest fires for `PATCH /api/collections/{collection}`. */
  readonly onCollectionUpdateRequest = plain(() => this.hooks.onCollectionUpdateRequest);

  /** onCollectionDeleteRequest fires for `DELETE /api/collections/{collection}`. */
  readonly onCollectionDeleteRequest = plain(() => this.hooks.onCollectionDeleteRequest);

  /** onCollectionsImportRequest fires for `PUT /api/collections/import`. */
  readonly onCollectionsImportRequest = plain(() => this.hooks.onCollectionsImportRequest);

  /** onBatchRequest fires for `POST /api/batch`: the whole transaction runs inside `e.next()`. */
  readonly onBatchRequest = plain(() => this.hooks.onBatchRequest);
}
