import { createTransport } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { pseudorandomString } from "../security/random.ts";
import { htmlToText } from "./html-to-text.ts";
import { type AttachmentContent, addressList, InterceptableMailer, isLocalhost, type Message } from "./message.ts";

export const smtpAuthLogin = "LOGIN";

/** SmtpConfig is how to reach and log in to an SMTP server (the settings' `smtp` block). */
export interface SmtpConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  /** PLAIN (the default when empty) or LOGIN. */
  authMethod: string;
  /** true: implicit TLS from the first byte; false: plain, upgraded with STARTTLS when the server offers it. */
  tls: boolean;
  /** The EHLO/HELO name ("localhost" when empty). */
  localName: string;
}

/**
 * SmtpClient sends mail through an SMTP server. As PocketBase's client does, it refuses to send credentials
 * over an unencrypted connection to a host other than localhost.
 */
export class SmtpClient extends InterceptableMailer {
  constructor(readonly config: SmtpConfig) {
    super();
  }

  protected async deliver(m: Message): Promise<void> {
    const c = this.config;
    const withAuth = c.username !== "" || c.password !== "";
    const transport = createTransport({
      host: c.host,
      port: c.port,
      secure: c.tls,
      requireTLS: withAuth && !c.tls && !isLocalhost(c.host),
      name: c.localName || "localhost",
      auth: withAuth
        ? { user: c.username, pass: c.password, method: c.authMethod === smtpAuthLogin ? "LOGIN" : "PLAIN" }
        : undefined,
    });
    try {
      await transport.sendMail(toNodemailer(m));
    } finally {
      transport.close();
    }
  }
}

function toNodemailer(m: Message): Mail.Options {
  const headers: Record<string, string> = { ...m.headers };
  const hasMessageId = Object.keys(headers).some((k) => k.toLowerCase() === "message-id");
  const domain = m.from.address.split("@");
  const messageId = !hasMessageId && domain.length === 2 ? `<${pseudorandomString(15)}@${domain[1]}>` : undefined;
  return {
    from: m.from.name ? { name: m.from.name, address: m.from.address } : m.from.address,
    to: addressList(m.to, true),
    cc: addressList(m.cc, true),
    bcc: addressList(m.bcc, true),
    subject: m.subject,
    html: m.html,
    text: m.text || htmlToText(m.html),
    headers,
    messageId,
    attachments: [...attachments(m.attachments, false), ...attachments(m.inlineAttachments, true)],
  };
}

function attachments(list: Record<string, AttachmentContent> | undefined, inline: boolean): Mail.Attachment[] {
  return Object.entries(list ?? {}).map(([filename, content]) => ({
    filename,
    content: typeof content === "string" ? content : Buffer.from(content),
    ...(inline ? { cid: filename, contentDisposition: "inline" as const } : {}),
  }));
}
