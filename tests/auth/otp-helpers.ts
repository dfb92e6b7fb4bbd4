import type PocketBase from "pocketbase";
import type { ReceivedMail, TestSmtpServer } from "../helpers/smtp.ts";

/** otpFromMail reads the one-time password out of an OTP mail (its plain-text part). */
export function otpFromMail(mail: ReceivedMail): string {
  const m = /one-time password is: (\d+)/.exec(mail.text);
  if (!m?.[1]) throw new Error("no one-time password in the mail");
  return m[1];
}

/** requestOtpCode asks for an OTP through the SDK and returns its id with the code read from the mail. */
export async function requestOtpCode(
  pb: PocketBase,
  smtp: TestSmtpServer,
  email: string,
  collection = "users",
): Promise<{ otpId: string; code: string; mail: ReceivedMail }> {
  const { otpId } = await pb.collection(collection).requestOTP(email);
  const mail = await smtp.waitForMail((m) => m.to.includes(email) && /one-time password/.test(m.text));
  return { otpId, code: otpFromMail(mail), mail };
}

/** rawPost sends a JSON body and returns the status and the decoded answer. */
export async function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
