import { PasswordField, PasswordValue } from "../core/field-password.ts";
import { RecordAuthWithOTPRequestEvent } from "../core/otp-events.ts";
import { findOtpById, otpHasExpired, validateOtpPassword } from "../core/otp-query.ts";
import type { RecordModel } from "../core/record-model.ts";
import { refreshTokenKey } from "../core/record-save.ts";
import { newAuthToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { ApiError, badRequest, forbidden, tooManyRequests } from "../tools/router/api-error.ts";
import { randomString } from "../tools/security/random.ts";
import { length, required, validateObject } from "../tools/validation/validation.ts";
import { checkRateLimit } from "./middlewares-rate-limit.ts";
import { findAuthCollection, readForm, recordAuthResponse, validationFailedMessage } from "./record-auth-helpers.ts";
import { otpDisabledMessage } from "./record-auth-otp-request.ts";

const invalidOtpMessage = "Invalid or expired OTP";

/**
 * Every record's OTPs may be tried this many times per window and client IP, whatever the settings say:
 * one-time passwords are short digit strings, so guessing must stay slow.
 */
const otpAttemptsRule = { maxRequests: 5, duration: 180, audience: "" } as const;

/**
 * authWithOtp handles `POST /api/collections/{c}/auth-with-otp`: a matching, unexpired OTP of this
 * collection logs its record in (method "otp") and is deleted. Every failure before the password check
 * answers the same 400, so OTP ids can't be probed; an OTP sent to the record's current email also marks
 * the record verified.
 */
export async function authWithOtp(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.otp.enabled) throw forbidden(otpDisabledMessage);
  const form = await readForm(e, { otpId: "string", password: "string" });
  const errs = validateObject(form, {
    otpId: [required, length(1, 255)],
    password: [required, length(1, 71)],
  });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);
  e.context = "otp";

  const otp = await findOtpById(e.app, form.otpId);
  if (!otp) throw badRequest(invalidOtpMessage, new Error("no such OTP"));
  if (otp.getString("collectionRef") !== c.id)
    throw badRequest(invalidOtpMessage, new Error("the OTP is for a different collection"));
  if (otpHasExpired(otp, c.auth.otp.duration)) throw badRequest(invalidOtpMessage, new Error("the OTP is expired"));
  const record = await e.app.findRecordById(c, otp.getString("recordRef"));
  if (!record) throw badRequest(invalidOtpMessage, new Error("missing auth record"));

  try {
    checkRateLimit(e, `@pb_otp_${record.id}`, otpAttemptsRule);
  } catch (err) {
    if (err instanceof ApiError && err.status === 429)
      throw tooManyRequests("Too many attempts, please try again later with a new OTP.");
    throw err;
  }
  if (!(await validateOtpPassword(otp, form.password)))
    throw badRequest(invalidOtpMessage, new Error("incorrect password"));

  const event = e.derive(RecordAuthWithOTPRequestEvent);
  event.collection = c;
  event.record = record;
  event.otp = otp;
  await e.app.hooks.get("onRecordAuthWithOTPRequest").trigger(event, async (ev) => {
    const sentTo = ev.otp.getString("sentTo");
    // deleted first: the password change below would otherwise delete it a second time
    await ev.app
      .delete(ev.otp)
      .catch((err: unknown) =>
        ev.app.logger().error("failed to delete used OTP", { otpId: ev.otp.id, error: String(err) }),
      );

    // the OTP proves the email (whether or not MFA then lets the login through)
    if (!ev.record.verified() && sentTo !== "" && ev.record.email() === sentTo) {
      ev.record.set("verified", true);
      // a record that may log in by OTP alone gets a new password, against pre-hijacked accounts
      if (!ev.record.collection.auth.mfa.enabled) await setRandomPassword(ev.record);
      await ev.app.save(ev.record).catch((err: unknown) =>
        ev.app.logger().error("failed to update the record verified state after an OTP login", {
          otpId: ev.otp.id,
          recordId: ev.record.id,
          error: String(err),
        }),
      );
    }
    ev.response = await recordAuthResponse(ev, ev.record, await newAuthToken(ev.record), "otp");
  });
  return event.response;
}

/**
 * setRandomPassword gives the record an unguessable, already hashed password and a new token key (so the
 * password field's own rules, meant for user input, don't apply to it).
 */
async function setRandomPassword(record: RecordModel): Promise<void> {
  const field = record.collection.fields.byName("password");
  const cost = field instanceof PasswordField && field.cost > 0 ? field.cost : 10;
  const hash = await Bun.password.hash(randomString(30), { algorithm: "bcrypt", cost });
  record.setRaw("password", new PasswordValue(hash));
  refreshTokenKey(record);
}
