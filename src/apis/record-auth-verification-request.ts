import type { RequestEvent } from "../core/request-event.ts";
import { RecordRequestVerificationRequestEvent } from "../core/request-event-auth.ts";
import { sendRecordVerification } from "../mails/record.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { length, required, validateObject } from "../tools/validation/validation.ts";
import { emailFormat, findAuthCollection, readForm, validationFailedMessage } from "./record-auth-helpers.ts";
import { ResendThrottle, verificationResendKey } from "./record-auth-throttle.ts";

/**
 * requestVerification handles `POST /api/collections/{c}/request-verification`. It answers 204 whether the
 * email is known or not, and sends the mail in the background; a record already sent one in the last two
 * minutes, or already verified, gets none.
 */
export async function requestVerification(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (c.name === "_superusers") throw badRequest("All superusers are verified by default.");
  const form = await readForm(e, { email: "string" });
  const errs = validateObject(form, { email: [required, length(1, 255), emailFormat] });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);

  const record = await e.app.findAuthRecordByEmail(c, form.email);
  if (!record) return e.noContent();
  const key = verificationResendKey(record);
  const throttle = ResendThrottle.of(e.app);
  if (!record.verified() && throttle.has(key)) return e.noContent();

  const event = e.derive(RecordRequestVerificationRequestEvent);
  event.collection = c;
  event.record = record;
  await e.app.hooks.get("onRecordRequestVerificationRequest").trigger(event, async (ev) => {
    if (ev.record.verified()) {
      ev.noContent();
      return;
    }
    const app = ev.app;
    const target = ev.record;
    void sendRecordVerification(app, target)
      .catch((err: unknown) => app.logger().error("failed to send the verification email", { error: String(err) }))
      .finally(() => throttle.set(key));
    ev.noContent();
  });
  return event.response;
}
