import type { Collection } from "../core/collection-model.ts";
import { PasswordValue } from "../core/field-password.ts";
import type { RecordModel } from "../core/record-model.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { RecordConfirmEmailChangeRequestEvent } from "../core/request-event-auth.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { parseUnverifiedJwt } from "../tools/security/jwt.ts";
import { length, required, ValidationError, validateObject } from "../tools/validation/validation.ts";
import { findAuthCollection, readForm, saveFailure, validationFailedMessage } from "./record-auth-helpers.ts";

/**
 * confirmEmailChange handles `POST /api/collections/{c}/confirm-email-change`: a valid `emailChange` token
 * of this collection plus the record's current password move the record to the token's new email (which
 * rotates the token key) and mark it verified.
 */
export async function confirmEmailChange(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (c.name === "_superusers") throw badRequest("All superusers can change their emails directly.");
  const form = await readForm(e, { token: "string", password: "string" });

  const parsed = await parseToken(e, c, form.token);
  const errs = validateObject(form, { token: [required], password: [required, length(1, 100)] });
  if (form.token !== "" && parsed instanceof ValidationError) errs.set("token", parsed);
  if (!errs.errors.password && form.password !== "") {
    const stored = parsed instanceof ValidationError ? null : parsed.record.getRaw("password");
    if (!(stored instanceof PasswordValue) || !(await stored.validate(form.password)))
      errs.set(
        "password",
        new ValidationError("validation_invalid_password", "Missing or invalid auth record password."),
      );
  }
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);
  if (parsed instanceof ValidationError) throw badRequest("Invalid or expired token.");

  const event = e.derive(RecordConfirmEmailChangeRequestEvent);
  event.collection = c;
  event.record = parsed.record;
  event.newEmail = parsed.newEmail;
  await e.app.hooks.get("onRecordConfirmEmailChangeRequest").trigger(event, async (ev) => {
    ev.record.set("email", ev.newEmail);
    ev.record.set("verified", true);
    await ev.app.save(ev.record).catch((err: unknown) => {
      throw saveFailure(err, "Failed to confirm email change.");
    });
    ev.noContent();
  });
  return event.response;
}

/** parseToken finds the token's record and new email, or says why the token can't be used. */
async function parseToken(
  e: RequestEvent,
  c: Collection,
  token: string,
): Promise<{ record: RecordModel; newEmail: string } | ValidationError> {
  const newEmail = parseUnverifiedJwt(token)?.newEmail;
  if (typeof newEmail !== "string" || newEmail === "")
    return new ValidationError("validation_invalid_token_payload", "Invalid token payload - newEmail must be set.");
  const found = await findAuthRecordByToken(e.app, token, "emailChange");
  if (!found) return new ValidationError("validation_invalid_token", "Invalid or expired token.");
  if (found.record.collection.id !== c.id)
    return new ValidationError(
      "validation_token_collection_mismatch",
      "The provided token is for different auth collection.",
    );
  if (await e.app.findAuthRecordByEmail(c, newEmail))
    return new ValidationError("validation_invalid_token_email", "The new email address is invalid.");
  return { record: found.record, newEmail };
}
