import type { Mailer, Message } from "../tools/mailer/message.ts";
import type { App } from "./app.ts";
import { AppEvent } from "./events.ts";
import type { RecordModel } from "./record-model.ts";

/** MailerEvent fires for every mail the app sends (onMailerSend); handlers may change the message. */
export class MailerEvent extends AppEvent {
  constructor(
    app: App,
    public mailer: Mailer,
    public message: Message,
  ) {
    super(app);
  }
}

/**
 * MailerRecordEvent fires for a mail about an auth record (verification, password reset, email change,
 * OTP, login alert); `meta` carries what the mail was built from (token, newEmail, otpId...).
 */
export class MailerRecordEvent extends MailerEvent {
  constructor(
    app: App,
    mailer: Mailer,
    message: Message,
    public record: RecordModel,
    public meta: Record<string, unknown>,
  ) {
    super(app, mailer, message);
  }

  override tags(): readonly string[] {
    return this.record.hookTags();
  }
}
