import type { App } from "./app.ts";
import { PasswordValue } from "./field-password.ts";
import type { RecordModel } from "./record-model.ts";
import { newRecordRef } from "./record-ref-hooks.ts";
import {
  createdMoreThanAgo,
  deleteAllByRecordRef,
  deleteCreatedBefore,
  findAllByRecordRef,
} from "./record-ref-query.ts";

/** The system collection of one-time passwords: `collectionRef`, `recordRef`, `password` (bcrypt), `sentTo`. */
export const otpsCollectionName = "_otps";

/** newOtp builds (unsaved) a one-time password for an auth record; the plain password is hashed on save. */
export function newOtp(app: App, authRecord: RecordModel, password: string): RecordModel {
  const otp = newRecordRef(app, otpsCollectionName, authRecord);
  otp.set("password", password);
  return otp;
}

/** findOtpById returns the OTP with that id, or null. */
export function findOtpById(app: App, id: string): Promise<RecordModel | null> {
  return app.findRecordById(otpsCollectionName, id);
}

/** findAllOtpsByRecord lists the OTPs of an auth record, newest first. */
export function findAllOtpsByRecord(app: App, authRecord: RecordModel): Promise<RecordModel[]> {
  return findAllByRecordRef(app, otpsCollectionName, authRecord);
}

/** deleteAllOtpsByRecord deletes every OTP of an auth record. */
export function deleteAllOtpsByRecord(app: App, authRecord: RecordModel): Promise<void> {
  return deleteAllByRecordRef(app, otpsCollectionName, authRecord);
}

/** deleteExpiredOtps deletes the OTPs older than their collection's `otp.duration`. */
export function deleteExpiredOtps(app: App): Promise<void> {
  return deleteCreatedBefore(app, otpsCollectionName, (c) => c.auth.otp.duration);
}

/** otpHasExpired tells whether an OTP was created more than `durationSeconds` ago. */
export function otpHasExpired(otp: RecordModel, durationSeconds: number): boolean {
  return createdMoreThanAgo(otp, durationSeconds);
}

/** validateOtpPassword compares a plain password with the OTP's hash. */
export function validateOtpPassword(otp: RecordModel, plain: string): Promise<boolean> {
  const stored = otp.getRaw("password");
  return stored instanceof PasswordValue ? stored.validate(plain) : Promise.resolve(false);
}
