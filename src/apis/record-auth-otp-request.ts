import { RecordCreateOTPRequestEvent } from "../core/otp-events.ts";
import { findAllOtpsByRecord, newOtp, otpHasExpired } from "../core/otp-query.ts";
import type { RecordModel } from "../core/record-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { sendRecordOtp } from "../mails/record.ts";
import { badRequest, forbidden } from "../tools/router/api-error.ts";
import { randomString } from "../tools/security/random.ts";
import { length, required, validateObject } from "../tools/validation/validation.ts";
import { emailFormat, findAuthCollection, readForm, validationFailedMessage } from "./record-auth-helpers.ts";

export const otpDisabledMessage = "The collection is not configured to allow OTP authentication.";

/** The digits of a one-time password. */
const otpAlphabet = "1234567890";
/** The alphabet and length of record ids, for the made-up otpId of unknown emails. */
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const idLength = 15;
/** Past this many unexpired OTPs of one record, a request reuses the newest instead of creating another. */
const maxRecentOtps = 9;

/**
 * requestOtp handles `POST /api/collections/{c}/request-otp`: it stores a new one-time password (digits,
 * `otp.length` of them, bcrypt-hashed) for the record with that email and mails it in the background,
 * answering `{otpId}`. An unknown email gets a made-up otpId, so the answer doesn't tell which emails
 * exist; a record with more than 9 unexpired OTPs gets its newest one again, and no mail (outside dev mode).
 */
export async function requestOtp(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.otp.enabled) throw forbidden(otpDisabledMessage);
  const form = await readForm(e, { email: "string" });
  const errs = validateObject(form, { email: [required, length(1, 255), emailFormat] });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);

  const event = e.derive(RecordCreateOTPRequestEvent);
  event.collection = c;
  event.record = await e.app.findAuthRecordByEmail(c, form.email);
  event.password = randomString(c.auth.otp.length, otpAlphabet);
  const originalApp = e.app;
  await e.app.hooks.get("onRecordRequestOTPRequest").trigger(event, async (ev) => {
    if (!ev.record) {
      ev.json(200, { otpId: randomString(idLength, idAlphabet) });
      return;
    }
    let otp = ev.app.isDev ? null : await recentOtpToReuse(ev, ev.record);
    if (!otp) {
      const created = newOtp(ev.app, ev.record, ev.password);
      await ev.app.save(created);
      otp = created;
      const record = ev.record;
      const password = ev.password;
      // sent in the background, so known and unknown emails answer alike
      void sendRecordOtp(originalApp, record, created.id, password).catch(async (err: unknown) => {
        originalApp.logger().error("failed to send the OTP email", { otpId: created.id, error: String(err) });
        await originalApp.delete(created).catch((deleteErr: unknown) =>
          originalApp.logger().error("failed to delete the unsent OTP", {
            otpId: created.id,
            error: String(deleteErr),
          }),
        );
      });
    }
    const otpId = otp.id;
    await ev.app.onTxComplete(async (txErr) => {
      if (!txErr) ev.json(200, { otpId });
    });
  });
  return event.response;
}

/** recentOtpToReuse returns the record's newest OTP when it has more than `maxRecentOtps` unexpired ones. */
async function recentOtpToReuse(e: RequestEvent, record: RecordModel): Promise<RecordModel | null> {
  const otps = await findAllOtpsByRecord(e.app, record);
  const duration = record.collection.auth.otp.duration;
  const recent = otps.filter((otp) => !otpHasExpired(otp, duration)).length;
  if (recent <= maxRecentOtps) return null;
  e.app.logger().warn("too many OTP requests - reusing the last issued", { recordId: record.id, otpId: otps[0]?.id });
  return otps[0] ?? null;
}
