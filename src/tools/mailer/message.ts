import { Hook, HookEvent } from "../hook/hook.ts";

/** Address is a mailbox: an address with an optional display name. */
export interface Address {
  name?: string;
  address: string;
}

/** Attachment content, keyed by file name in a Message. */
export type AttachmentContent = Uint8Array | string;

/** Message is one email: HTML with an optional plain-text alternative (derived from the HTML when empty). */
export interface Message {
  from: Address;
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: Record<string, AttachmentContent>;
  inlineAttachments?: Record<string, AttachmentContent>;
}

/** Mailer sends messages. */
export interface Mailer {
  send(message: Message): Promise<void>;
}

/** SendEvent is a message about to be sent; handlers may change or replace it before `next()`. */
export class SendEvent extends HookEvent {
  constructor(public message: Message) {
    super();
  }
}

/** InterceptableMailer runs its `onSend` hook around every send, so the app can observe or stop mails. */
export abstract class InterceptableMailer implements Mailer {
  readonly onSend = new Hook<SendEvent>();

  send(message: Message): Promise<void> {
    return this.onSend.trigger(new SendEvent(message), (e) => this.deliver(e.message));
  }

  protected abstract deliver(message: Message): Promise<void>;
}

/**
 * formatAddress renders a mailbox as a header value (`"Name" <a@b.c>`, the name quoted and escaped only when
 * it needs to be, or RFC 2047 encoded when it isn't ASCII).
 */
export function formatAddress(a: Address): string {
  if (!a.name) return `<${a.address}>`;
  return `${encodeDisplayName(a.name)} <${a.address}>`;
}

function encodeDisplayName(name: string): string {
  if (!/^[\x20-\x7e]*$/.test(name)) return `=?utf-8?q?${qEncode(name)}?=`;
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(name) && !name.startsWith(" ") && !name.endsWith(" ")) return name;
  return `"${name.replace(/["\\]/g, "\\$&")}"`;
}

/** qEncode is RFC 2047's Q encoding of UTF-8 text. */
export function qEncode(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    if (byte === 0x20) out += "_";
    else if (/[A-Za-z0-9!*+\-/]/.test(c)) out += c;
    else out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** addressList renders addresses for a header, with their names or without. */
export function addressList(list: readonly Address[] | undefined, withNames: boolean): string[] {
  return (list ?? []).map((a) => (withNames && a.name ? formatAddress(a) : a.address));
}

/** isLocalhost tells the hosts where credentials may travel without TLS. */
export function isLocalhost(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
}
