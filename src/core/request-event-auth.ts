import type { RecordModel } from "./record-model.ts";
import { CollectionScopedRequestEvent } from "./request-event.ts";

/** RecordRequestVerificationRequestEvent fires for a known, throttle-free `request-verification`. */
export class RecordRequestVerificationRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
}

/** RecordConfirmVerificationRequestEvent fires for a `confirm-verification` with a valid token. */
export class RecordConfirmVerificationRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
}

/** RecordRequestPasswordResetRequestEvent fires for a known, throttle-free `request-password-reset`. */
export class RecordRequestPasswordResetRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
}

/** RecordConfirmPasswordResetRequestEvent fires for a valid `confirm-password-reset`. */
export class RecordConfirmPasswordResetRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
}

/** RecordRequestEmailChangeRequestEvent fires for a valid `request-email-change` of the authenticated record. */
export class RecordRequestEmailChangeRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
  newEmail = "";
}

/** RecordConfirmEmailChangeRequestEvent fires for a valid `confirm-email-change`. */
export class RecordConfirmEmailChangeRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
  newEmail = "";
}
