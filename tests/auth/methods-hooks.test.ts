import { afterAll, beforeAll, expect, test } from "bun:test";
import { type AuthTestEnv, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuthEnv();
});
afterAll(() => env.stop());

// the SDK asks only for the current keys (`?fields=`), so the legacy ones are read with plain requests
const authMethods = async () =>
  (await (await fetch(`${env.t.url}/api/collections/users/auth-methods`)).json()) as Record<string, unknown>;

test("auth-methods lists the collection's methods, with the legacy keys", async () => {
  expect(await env.t.client().collection("users").listAuthMethods()).toEqual({
    password: { identityFields: ["email"], enabled: true },
    oauth2: { providers: [], enabled: false },
    mfa: { enabled: false, duration: 0 },
    otp: { enabled: false, duration: 0 },
  });
  expect(JSON.stringify(await authMethods())).toBe(
    JSON.stringify({
      password: { identityFields: ["email"], enabled: true },
      oauth2: { providers: [], enabled: false },
      mfa: { enabled: false, duration: 0 },
      otp: { enabled: false, duration: 0 },
      authProviders: null,
      usernamePassword: false,
      emailPassword: true,
    }),
  );

  await env.t.pb.collections.update("users", {
    oauth2: { enabled: true },
    otp: { enabled: true, duration: 120 },
    mfa: { enabled: true, duration: 900 },
  });
  try {
    expect(await authMethods()).toEqual({
      password: { identityFields: ["email"], enabled: true },
      oauth2: { providers: [], enabled: true },
      mfa: { enabled: true, duration: 900 },
      otp: { enabled: true, duration: 120 },
      authProviders: [],
      usernamePassword: false,
      emailPassword: true,
    });
  } finally {
    await env.t.pb.collections.update("users", {
      oauth2: { enabled: false },
      otp: { enabled: false },
      mfa: { enabled: false },
    });
  }

  await env.t.pb.collections.update("users", { passwordAuth: { enabled: false } });
  try {
    const off = await authMethods();
    expect(off.password).toEqual({ identityFields: [], enabled: false });
    expect(off.emailPassword).toBe(false);
    // and the password flows refuse
    await expect(env.t.client().collection("users").requestPasswordReset("x@example.com")).rejects.toMatchObject({
      status: 400,
      response: { message: "The collection is not configured to allow password authentication." },
    });
  } finally {
    await env.t.pb.collections.update("users", { passwordAuth: { enabled: true } });
  }
});

test("the request and mailer hooks fire, and a handler can stop a mail", async () => {
  const { t, smtp } = env;
  await register(t.client(), "hooked@example.com", "hooked-pass-1");
  const before = (name: Parameters<typeof t.calls.get>[0]) => t.calls.get(name) ?? 0;
  const counts = {
    request: before("onRecordRequestVerificationRequest"),
    mail: before("onMailerRecordVerificationSend"),
    send: before("onMailerSend"),
  };
  await t.client().collection("users").requestVerification("hooked@example.com");
  await smtp.waitForMail((m) => m.to.includes("hooked@example.com"));
  expect(t.calls.get("onRecordRequestVerificationRequest")).toBe(counts.request + 1);
  expect(t.calls.get("onMailerRecordVerificationSend")).toBe(counts.mail + 1);
  expect(t.calls.get("onMailerSend")).toBe(counts.send + 1);

  // a mailer hook can rewrite the message, or swallow it
  const rewrite = t.app.onMailerSend().bindFunc(async (e) => {
    e.message.subject = `[hooked] ${e.message.subject}`;
    await e.next();
  });
  const swallow = t.app.onMailerRecordPasswordResetSend("users").bindFunc(() => {});
  try {
    await t.client().collection("users").requestPasswordReset("hooked@example.com");
    await Bun.sleep(200);
    expect(smtp.mails.some((m) => m.subject.includes("Reset"))).toBe(false);
    await t.pb.settings.testEmail("users", "hooked@example.com", "otp");
    expect((await smtp.waitForMail((m) => m.subject.includes("OTP"))).subject).toStartWith("[hooked] OTP for");
  } finally {
    t.app.onMailerSend().unbind(rewrite);
    t.app.onMailerRecordPasswordResetSend("users").unbind(swallow);
  }

  const confirms = before("onRecordConfirmVerificationRequest");
  const mail = smtp.mails.find((m) => m.to.includes("hooked@example.com") && m.subject.startsWith("Verify"));
  const token = /confirm-verification\/([\w.-]+)/.exec(mail?.html ?? "")?.[1] ?? "";
  await t.client().collection("users").confirmVerification(token);
  expect(t.calls.get("onRecordConfirmVerificationRequest")).toBe(confirms + 1);
});

test("the auth endpoints read form bodies too", async () => {
  await register(env.t.client(), "form@example.com", "form-pass-1");
  const res = await fetch(`${env.t.url}/api/collections/users/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identity: "form@example.com", password: "form-pass-1" }),
  });
  expect(res.status).toBe(200);
  const reset = await fetch(`${env.t.url}/api/collections/users/request-password-reset`, {
    method: "POST",
    body: (() => {
      const f = new FormData();
      f.set("email", "form@example.com");
      return f;
    })(),
  });
  expect(reset.status).toBe(204);
  await env.smtp.waitForMail((m) => m.to.includes("form@example.com"));
});
