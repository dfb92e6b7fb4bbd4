import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A mail as the test SMTP server received it, with its MIME parts decoded. */
export interface ReceivedMail {
  /** The envelope sender and recipients. */
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  html: string;
  text: string;
  raw: string;
  /** The AUTH user the client logged in as, and the method it used ("" when it didn't). */
  user: string;
  authMethod: string;
}

/** TestSmtpServer is a real SMTP server on a random loopback port that keeps every mail it receives. */
export interface TestSmtpServer {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** waitForMail resolves with the first (or next) mail matching, failing after `timeoutMs`. */
  waitForMail(match?: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

export interface SmtpServerOptions {
  /** Accepted credentials; when set, clients must log in with them. */
  credentials?: { username: string; password: string };
  /** The loopback address to listen on (127.0.0.1 by default). */
  host?: string;
}

/** startSmtpServer starts the server on a loopback address (plain SMTP, no STARTTLS). */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      const want = options.credentials;
      if (want && (auth.username !== want.username || auth.password !== want.password))
        return cb(new Error("Invalid username or password"));
      cb(null, { user: { name: auth.username, method: auth.method } });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const to = session.envelope.rcptTo.map((r) => r.address);
        const user = session.user as { name: string; method: string } | undefined;
        mails.push({ ...parseMail(raw), from, to, raw, user: user?.name ?? "", authMethod: user?.method ?? "" });
        for (const wake of waiters) wake();
        cb();
      });
    },
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  let seen = 0;
  return {
    host,
    port,
    mails,
    async waitForMail(match = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const index = mails.findIndex((m, i) => i >= seen && match(m));
        if (index >= 0) {
          seen = index + 1;
          return mails[index] as ReceivedMail;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no matching mail arrived");
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** parseMail reads the headers and the text and HTML parts of a MIME message. */
export function parseMail(raw: string): Pick<ReceivedMail, "headers" | "subject" | "html" | "text"> {
  const { headers, body } = splitEntity(raw);
  const parts = { html: "", text: "" };
  collectParts(headers, body, parts);
  return { headers, subject: decodeWords(headers.subject ?? ""), ...parts };
}

function splitEntity(entity: string): { headers: Record<string, string>; body: string } {
  const split = entity.search(/\r?\n\r?\n/);
  const head = split < 0 ? entity : entity.slice(0, split);
  const body = split < 0 ? "" : entity.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function collectParts(headers: Record<string, string>, body: string, out: { html: string; text: string }): void {
  const type = (headers["content-type"] ?? "text/plain").toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  if (type.startsWith("multipart/") && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith("--")) break;
      // the line break before a boundary belongs to the boundary
      const part = splitEntity(section.replace(/^\r?\n/, "").replace(/\r?\n$/, ""));
      collectParts(part.headers, part.body, out);
    }
    return;
  }
  const decoded = decodeBody(body, headers["content-transfer-encoding"] ?? "");
  if (type.startsWith("text/html")) out.html ||= decoded;
  else if (type.startsWith("text/plain")) out.text ||= decoded;
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") {
    const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25"));
  }
  return body;
}

/** decodeWords decodes RFC 2047 encoded words (`=?utf-8?Q?...?=`, `=?utf-8?B?...?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === "B") return Buffer.from(text, "base64").toString("utf8");
      const bytes = text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (__, h: string) => `%${h}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25"));
    });
}

/** tokenFromMail pulls the token out of a link like `.../confirm-verification/<token>` in the mail's HTML. */
export function tokenFromMail(mail: ReceivedMail, action: string): string {
  const m = new RegExp(`/${action}/([A-Za-z0-9_\\-.]+)`).exec(mail.html);
  if (!m?.[1]) throw new Error(`no ${action} link in the mail`);
  return m[1];
}
