import type { Collection } from "../core/collection-model.ts";
import type { RecordModel } from "../core/record-model.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { RecordConfirmVerificationRequestEvent } from "../core/request-event-auth.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { parseUnverifiedJwt } from "../tools/security/jwt.ts";
import { randomString } from "../tools/security/random.ts";
import { errRequired, ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import { findAuthCollection, readForm, saveFailure, validationFailedMessage } from "./record-auth-helpers.ts";
import { ResendThrottle, verificationResendKey } from "./record-auth-throttle.ts";

/**
 * confirmVerification handles `POST /api/collections/{c}/confirm-verification`: a valid `verification`
 * token of this collection, issued for the record's current email, marks the record verified.
 */
export async function confirmVerification(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (c.name === "_superusers") throw badRequest("All superusers are verified by default.");
  const form = await readForm(e, { token: "string" });
  const tokenErr = form.token === "" ? errRequired() : await checkToken(e, c, form.token);
  if (tokenErr) throw badRequest(validationFailedMessage, new ValidationErrors({ token: tokenErr }));

  const found = await findAuthRecordByToken(e.app, form.token, "verification");
  if (!found) throw badRequest("Invalid or expired verification token.");
  const wasVerified = found.record.verified();

  const event = e.derive(RecordConfirmVerificationRequestEvent);
  event.collection = c;
  event.record = found.record;
  await e.app.hooks.get("onRecordConfirmVerificationRequest").trigger(event, async (ev) => {
    if (!wasVerified) {
      ev.record.set("verified", true);
      if (!ev.record.collection.auth.passwordAuth.enabled) setRandomPassword(ev.record);
      await ev.app.save(ev.record).catch((err: unknown) => {
        throw saveFailure(err, "An error occurred while saving the verified state.");
      });
    }
    ResendThrottle.of(ev.app).remove(verificationResendKey(ev.record));
    ev.noContent();
  });
  return event.response;
}

async function checkToken(e: RequestEvent, c: Collection, token: string): Promise<ValidationError | null> {
  const email = parseUnverifiedJwt(token)?.email;
  if (typeof email !== "string" || email === "")
    return new ValidationError("validation_invalid_token_claims", "Missing email token claim.");
  const found = await findAuthRecordByToken(e.app, token, "verification");
  if (!found) return new ValidationError("validation_invalid_token", "Invalid or expired token.");
  if (found.record.collection.id !== c.id)
    return new ValidationError(
      "validation_token_collection_mismatch",
      "The provided token is for different auth collection.",
    );
  if (found.record.email() !== email)
    return new ValidationError(
      "validation_token_email_mismatch",
      "The record email doesn't match with the requested token claims.",
    );
  return null;
}

/** setRandomPassword gives the record an unguessable password (for records that never log in by password). */
function setRandomPassword(record: RecordModel): void {
  record.set("password", randomString(30));
}
