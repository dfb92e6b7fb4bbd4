import type { RecordModel } from "./record-model.ts";
import { CollectionScopedRequestEvent } from "./request-event.ts";

/**
 * RecordCreateOTPRequestEvent fires for a valid `request-otp` (onRecordRequestOTPRequest). `record` is null
 * for an unknown email (the answer is then a made-up otpId); `password` is the one-time password to store
 * and send, which a handler may replace.
 */
export class RecordCreateOTPRequestEvent extends CollectionScopedRequestEvent {
  record: RecordModel | null = null;
  password = "";
}

/**
 * RecordAuthWithOTPRequestEvent fires for an `auth-with-otp` whose OTP matched (onRecordAuthWithOTPRequest);
 * the default action deletes the OTP and answers with the auth response.
 */
export class RecordAuthWithOTPRequestEvent extends CollectionScopedRequestEvent {
  record!: RecordModel;
  otp!: RecordModel;
}
