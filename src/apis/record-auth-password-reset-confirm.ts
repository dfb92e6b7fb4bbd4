import type { Collection } from "../core/collection-model.ts";
import { PasswordField } from "../core/field-password.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { RecordConfirmPasswordResetRequestEvent } from "../core/request-event-auth.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { parseUnverifiedJwt } from "../tools/security/jwt.ts";
import { length, type Rule, required, ValidationError, validateObject } from "../tools/validation/validation.ts";
import { findAuthCollection, readForm, saveFailure, validationFailedMessage } from "./record-auth-helpers.ts";
import { passwordResetResendKey, ResendThrottle } from "./record-auth-throttle.ts";

/**
 * confirmPasswordReset handles `POST /api/collections/{c}/confirm-password-reset`: a valid `passwordReset`
 * token of this collection sets the new password (which rotates the token key, ending every session and
 * voiding the token), and verifies the record when the token was issued for its current email.
 */
export async function confirmPasswordReset(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  const form = await readForm(e, { token: "string", password: "string", passwordConfirm: "string" }, true);
  const field = c.fields.byName("password");
  const minLength = field instanceof PasswordField && field.min > 0 ? field.min : 1;
  const errs = validateObject(form, {
    token: [required],
    password: [required, length(minLength, 255)],
    passwordConfirm: [required, equalTo(form.password)],
  });
  if (form.token !== "") errs.set("token", await checkToken(e, c, form.token));
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);

  const found = await findAuthRecordByToken(e.app, form.token, "passwordReset");
  if (!found) throw badRequest("Invalid or expired password reset token.");

  const event = e.derive(RecordConfirmPasswordResetRequestEvent);
  event.collection = c;
  event.record = found.record;
  await e.app.hooks.get("onRecordConfirmPasswordResetRequest").trigger(event, async (ev) => {
    const record = ev.record;
    record.set("password", form.password);
    if (!record.verified() && record.email() === parseUnverifiedJwt(form.token)?.email) record.set("verified", true);
    await ev.app.save(record).catch((err: unknown) => {
      throw saveFailure(err, "Failed to set new password.");
    });
    ResendThrottle.of(ev.app).remove(passwordResetResendKey(record));
    ev.noContent();
  });
  return event.response;
}

function equalTo(expected: string): Rule {
  return (v) => (v === expected ? null : new ValidationError("validation_values_mismatch", "Values don't match."));
}

async function checkToken(e: RequestEvent, c: Collection, token: string): Promise<ValidationError | null> {
  const found = await findAuthRecordByToken(e.app, token, "passwordReset");
  if (!found) return new ValidationError("validation_invalid_token", "Invalid or expired token.");
  if (found.record.collection.id !== c.id)
    return new ValidationError(
      "validation_token_collection_mismatch",
      "The provided token is for different auth collection.",
    );
  return null;
}
