import type { App } from "../core/app.ts";
import type { EmailTemplate } from "../core/collection-auth-templates.ts";
import type { HookName } from "../core/hooks.ts";
import { MailerRecordEvent } from "../core/mailer-events.ts";
import type { RecordModel } from "../core/record-model.ts";
import { newEmailChangeToken, newPasswordResetToken, newVerificationToken } from "../core/record-tokens.ts";
import { newMailClient } from "../core/settings-mail-client.ts";
import type { Message } from "../tools/mailer/message.ts";
import {
  escapeHtml,
  placeholderAlertInfo,
  placeholderOtp,
  placeholderOtpId,
  placeholderToken,
  resolveEmailTemplate,
} from "./template.ts";

type RecordMailHook =
  | "onMailerRecordVerificationSend"
  | "onMailerRecordPasswordResetSend"
  | "onMailerRecordEmailChangeSend"
  | "onMailerRecordOTPSend"
  | "onMailerRecordAuthAlertSend";

interface RecordMail {
  hook: RecordMailHook & HookName;
  template: EmailTemplate;
  placeholders: Record<string, string>;
  to: string;
  meta: Record<string, unknown>;
  /** Runs after a successful send, inside the hook's default action. */
  afterSend?: (e: MailerRecordEvent) => Promise<void>;
}

/** sendRecordMail builds the message from the template and sends it through the mail's hook. */
async function sendRecordMail(app: App, record: RecordModel, mail: RecordMail): Promise<void> {
  const client = newMailClient(app);
  const { subject, html } = resolveEmailTemplate(app, record, mail.template, mail.placeholders);
  const meta = app.settings().meta;
  const message: Message = {
    from: { name: meta.senderName, address: meta.senderAddress },
    to: [{ address: mail.to }],
    subject,
    html,
  };
  const event = new MailerRecordEvent(app, client, message, record, mail.meta);
  await app.hooks.get(mail.hook).trigger(event, async (e) => {
    await e.mailer.send(e.message);
    await mail.afterSend?.(e);
  });
}

/** sendRecordVerification mails a verification link (a `verification` token) to the record's email. */
export async function sendRecordVerification(app: App, record: RecordModel): Promise<void> {
  const token = await newVerificationToken(record);
  await sendRecordMail(app, record, {
    hook: "onMailerRecordVerificationSend",
    template: record.collection.auth.verificationTemplate,
    placeholders: { [placeholderToken]: token },
    to: record.email(),
    meta: { token },
  });
}

/** sendRecordPasswordReset mails a password reset link (a `passwordReset` token) to the record's email. */
export async function sendRecordPasswordReset(app: App, record: RecordModel): Promise<void> {
  const token = await newPasswordResetToken(record);
  await sendRecordMail(app, record, {
    hook: "onMailerRecordPasswordResetSend",
    template: record.collection.auth.resetPasswordTemplate,
    placeholders: { [placeholderToken]: token },
    to: record.email(),
    meta: { token },
  });
}

/** sendRecordChangeEmail mails the confirmation link of an email change (an `emailChange` token) to the new address. */
export async function sendRecordChangeEmail(app: App, record: RecordModel, newEmail: string): Promise<void> {
  const token = await newEmailChangeToken(record, newEmail);
  await sendRecordMail(app, record, {
    hook: "onMailerRecordEmailChangeSend",
    template: record.collection.auth.confirmEmailChangeTemplate,
    placeholders: { [placeholderToken]: token },
    to: newEmail,
    meta: { token, newEmail },
  });
}

/**
 * sendRecordOtp mails a one-time password to the record's email; once sent, the `_otps` row (when it exists
 * and has no `sentTo` yet) remembers the address it went to.
 */
export async function sendRecordOtp(app: App, record: RecordModel, otpId: string, password: string): Promise<void> {
  await sendRecordMail(app, record, {
    hook: "onMailerRecordOTPSend",
    template: record.collection.auth.otp.emailTemplate,
    placeholders: { [placeholderOtpId]: otpId, [placeholderOtp]: password },
    to: record.email(),
    meta: { otpId, password },
    afterSend: async (e) => {
      const to = e.message.to[0]?.address ?? "";
      if (to === "") return;
      const otp = await e.app.findRecordById("_otps", otpId);
      if (!otp) {
        e.app.logger().warn("no OTP to mark as sent (deleted, or an unknown id)", { otpId });
        return;
      }
      if (otp.getString("sentTo") !== "") return;
      otp.set("sentTo", to);
      await e.app
        .save(otp)
        .catch((err: unknown) =>
          e.app.logger().error("failed to store the OTP's sentTo", { otpId, to, error: String(err) }),
        );
    },
  });
}

/** sendRecordAuthAlert mails a "login from a new location" alert, `info` describing the login. */
export async function sendRecordAuthAlert(app: App, record: RecordModel, info: string): Promise<void> {
  const escaped = escapeHtml(info);
  await sendRecordMail(app, record, {
    hook: "onMailerRecordAuthAlertSend",
    template: record.collection.auth.authAlert.emailTemplate,
    placeholders: { [placeholderAlertInfo]: escaped },
    to: record.email(),
    meta: { info: escaped },
  });
}
