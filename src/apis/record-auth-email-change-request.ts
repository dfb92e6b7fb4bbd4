import type { RequestEvent } from "../core/request-event.ts";
import { RecordRequestEmailChangeRequestEvent } from "../core/request-event-auth.ts";
import { sendRecordChangeEmail } from "../mails/record.ts";
import { badRequest, unauthorized } from "../tools/router/api-error.ts";
import { length, notIn, required, ValidationError, validateObject } from "../tools/validation/validation.ts";
import {
  emailFormat,
  findAuthCollection,
  readForm,
  saveFailure,
  validationFailedMessage,
} from "./record-auth-helpers.ts";

/**
 * requestEmailChange handles `POST /api/collections/{c}/request-email-change` for the authenticated record
 * of the collection: it mails a confirmation link to the new address (synchronously: a failed send is a 400).
 */
export async function requestEmailChange(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (c.name === "_superusers") throw badRequest("All superusers can change their emails directly.");
  const record = e.auth;
  if (!record) throw unauthorized("The request requires valid auth record.");

  const form = await readForm(e, { newEmail: "string" });
  const errs = validateObject(form, {
    newEmail: [required, length(1, 255), emailFormat, notIn(record.email())],
  });
  if (errs.isEmpty && form.newEmail !== "") {
    const existing = await e.app.findAuthRecordByEmail(c, form.newEmail);
    if (existing && existing.id !== record.id)
      errs.set("newEmail", new ValidationError("validation_invalid_new_email", "Invalid new email address."));
  }
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);

  const event = e.derive(RecordRequestEmailChangeRequestEvent);
  event.collection = c;
  event.record = record;
  event.newEmail = form.newEmail;
  await e.app.hooks.get("onRecordRequestEmailChangeRequest").trigger(event, async (ev) => {
    await sendRecordChangeEmail(ev.app, ev.record, ev.newEmail).catch((err: unknown) => {
      throw saveFailure(err, "Failed to request email change.");
    });
    ev.noContent();
  });
  return event.response;
}
