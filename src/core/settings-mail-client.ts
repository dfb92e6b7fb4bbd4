import type { InterceptableMailer } from "../tools/mailer/message.ts";
import { Sendmail } from "../tools/mailer/sendmail.ts";
import { SmtpClient } from "../tools/mailer/smtp.ts";
import type { App } from "./app.ts";
import { MailerEvent } from "./mailer-events.ts";

/**
 * newMailClient builds the mail client the settings ask for: SMTP when `smtp.enabled`, else the local
 * sendmail. Every send goes through the app's onMailerSend hook.
 */
export function newMailClient(app: App): InterceptableMailer {
  const smtp = app.settings().smtp;
  const client: InterceptableMailer = smtp.enabled ? new SmtpClient({ ...smtp }) : new Sendmail();
  client.onSend.bind({
    id: "__pbMailerOnSend__",
    func: async (e) => {
      const event = new MailerEvent(app, client, e.message);
      await app.hooks.get("onMailerSend").trigger(event, async (ae) => {
        e.message = ae.message;
        await e.next();
      });
    },
  });
  return client;
}
