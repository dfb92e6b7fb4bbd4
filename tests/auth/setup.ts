import type PocketBase from "pocketbase";
import { type SmtpServerOptions, startSmtpServer, type TestSmtpServer } from "../helpers/smtp.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

export const appName = "Satchel Test";
export const appURL = "http://app.test";

/** AuthTestEnv is a served app whose mail goes to a real SMTP server on loopback. */
export interface AuthTestEnv {
  t: TestServer;
  smtp: TestSmtpServer;
  stop(): Promise<void>;
}

/** startAuthEnv starts both servers and points the app's SMTP settings (through the API) at the test one. */
export async function startAuthEnv(options: SmtpServerOptions = {}): Promise<AuthTestEnv> {
  const smtp = await startSmtpServer(options);
  const t = await startTestServer();
  await t.pb.settings.update({
    meta: { appName, appURL, senderName: "Satchel Mailer", senderAddress: "mailer@satchel.test" },
    smtp: {
      enabled: true,
      host: smtp.host,
      port: smtp.port,
      username: options.credentials?.username ?? "",
      password: options.credentials?.password ?? "",
    },
  });
  return {
    t,
    smtp,
    async stop() {
      await t.stop();
      await smtp.stop();
    },
  };
}

/** register creates a user through the records API, as a guest signing up would. */
export async function register(
  pb: PocketBase,
  email: string,
  password = "first-pass-1",
  extra: Record<string, unknown> = {},
) {
  return pb.collection("users").create({ email, password, passwordConfirm: password, ...extra });
}

/** apiError returns the status and body of a failed SDK call (throws when the call succeeds). */
export async function apiError(
  p: Promise<unknown>,
): Promise<{ status: number; message: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; response: { message: string; data: Record<string, unknown> } };
    return { status: e.status, message: e.response?.message, data: e.response?.data };
  }
  throw new Error("the call succeeded");
}

/** The codes of the field errors in an error body, by field. */
export function codes(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = (v as { code: string }).code;
  return out;
}
