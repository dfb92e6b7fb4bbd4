import type { RequestEvent } from "../core/request-event.ts";
import { RecordRequestPasswordResetRequestEvent } from "../core/request-event-auth.ts";
import { sendRecordPasswordReset } from "../mails/record.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { length, required, validateObject } from "../tools/validation/validation.ts";
import { emailFormat, findAuthCollection, readForm, validationFailedMessage } from "./record-auth-helpers.ts";
import { passwordResetResendKey, ResendThrottle } from "./record-auth-throttle.ts";

/**
 * requestPasswordReset handles `POST /api/collections/{c}/request-password-reset`. It answers 204 whether
 * the email is known or not, and sends the mail in the background; after a mail went out, further requests
 * for the record send nothing for two minutes.
 */
export async function requestPasswordReset(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.passwordAuth.enabled)
    throw badRequest("The collection is not configured to allow password authentication.");
  const form = await readForm(e, { email: "string" });
  const errs = validateObject(form, { email: [required, length(1, 255), emailFormat] });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);

  const record = await e.app.findAuthRecordByEmail(c, form.email);
  if (!record) return e.noContent();
  const key = passwordResetResendKey(record);
  const throttle = ResendThrottle.of(e.app);
  if (throttle.has(key)) return e.noContent();

  const event = e.derive(RecordRequestPasswordResetRequestEvent);
  event.collection = c;
  event.record = record;
  await e.app.hooks.get("onRecordRequestPasswordResetRequest").trigger(event, async (ev) => {
    const app = ev.app;
    void sendRecordPasswordReset(app, ev.record).then(
      () => throttle.set(key),
      (err: unknown) => app.logger().error("failed to send the password reset email", { error: String(err) }),
    );
    ev.noContent();
  });
  return event.response;
}
