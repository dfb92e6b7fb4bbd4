import { addressList, formatAddress, InterceptableMailer, type Message, qEncode } from "./message.ts";

const sendmailCandidates = ["/usr/sbin/sendmail", "/usr/bin/sendmail", "sendmail"];

/** findSendmailPath returns the first sendmail executable found among the candidates, or null. */
export function findSendmailPath(candidates: readonly string[] = sendmailCandidates): string | null {
  for (const candidate of candidates) {
    const path = Bun.which(candidate);
    if (path) return path;
  }
  return null;
}

/**
 * Sendmail hands messages to the local `sendmail -i -t` (the fallback when SMTP is off). It sends the HTML
 * body alone (or the text when there is no HTML), without attachments, as PocketBase's fallback does.
 */
export class Sendmail extends InterceptableMailer {
  /** `candidates` are the executables tried in order (the usual sendmail locations by default). */
  constructor(readonly candidates: readonly string[] = sendmailCandidates) {
    super();
  }

  protected async deliver(m: Message): Promise<void> {
    const path = findSendmailPath(this.candidates);
    if (!path) throw new Error("failed to locate a sendmail executable path");
    const headers: [string, string][] = [];
    if (m.bcc?.length) headers.push(["Bcc", addressList(m.bcc, false).join(",")]);
    if (m.cc?.length) headers.push(["Cc", addressList(m.cc, false).join(",")]);
    headers.push(["Content-Type", "text/html; charset=UTF-8"]);
    headers.push(["From", formatAddress(m.from)]);
    headers.push(["Subject", encodeSubject(m.subject)]);
    headers.push(["To", addressList(m.to, false).join(",")]);
    const head = headers.map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, " ")}\r\n`).join("");
    const body = m.html !== "" ? m.html : (m.text ?? "");
    const proc = Bun.spawn([path, "-i", "-t"], { stdin: "pipe", stdout: "ignore", stderr: "pipe" });
    proc.stdin.write(`${head}\r\n${body}`);
    await proc.stdin.end();
    const code = await proc.exited;
    if (code !== 0) {
      const stderr = (await new Response(proc.stderr).text()).trim();
      throw new Error(`sendmail exited with status ${code}${stderr ? `: ${stderr}` : ""}`);
    }
  }
}

/** A subject stays as it is when it is plain ASCII, else it is Q-encoded. */
function encodeSubject(subject: string): string {
  return /^[\x20-\x7e]*$/.test(subject) ? subject : `=?utf-8?q?${qEncode(subject)}?=`;
}
