import { afterAll, beforeAll, expect, test } from "bun:test";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;
let smtp: TestSmtpServer;
const credentials = { username: "mailer", password: "mail-pass" };

beforeAll(async () => {
  smtp = await startSmtpServer({ credentials });
  t = await startTestServer();
  await t.pb.settings.update({
    meta: { appName: "Mail Test", appURL: "http://mail.test" },
    smtp: { enabled: true, host: smtp.host, port: smtp.port, ...credentials, authMethod: "LOGIN" },
  });
});
afterAll(async () => {
  await t.stop();
  await smtp.stop();
});

const send = (body: unknown) =>
  fetch(`${t.url}/api/settings/test/email`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: t.pb.authStore.token },
    body: JSON.stringify(body),
  });

test("every template can be sent as a test, filled with sample values", async () => {
  const expected: Record<string, [string, string]> = {
    verification: ["Verify your Mail Test email", "http://mail.test/_/#/auth/confirm-verification/"],
    "password-reset": ["Reset your Mail Test password", "http://mail.test/_/#/auth/confirm-password-reset/"],
    "email-change": ["Confirm your Mail Test new email address", "http://mail.test/_/#/auth/confirm-email-change/"],
    otp: ["OTP for Mail Test", "<strong>123456</strong>"],
    "login-alert": ["Login from a new location", " - TEST_IP TEST_USER_AGENT</em>"],
  };
  for (const [template, [subject, content]] of Object.entries(expected)) {
    expect(await t.pb.settings.testEmail("users", "tester@example.com", template)).toBe(true);
    const mail = await smtp.waitForMail();
    expect(mail.to).toEqual(["tester@example.com"]);
    expect(mail.user).toBe("mailer");
    expect(mail.from).toBe("support@example.com");
    expect(mail.subject).toBe(subject);
    expect(mail.html).toContain(content);
    expect(mail.text).not.toContain("<");
    expect(mail.headers["message-id"]).toMatch(/^<[A-Za-z0-9]{15}@example\.com>$/);
  }
});

test("the sample record's visible fields read __pb_test_<field>__", async () => {
  const users = await t.pb.collections.getOne("users");
  await t.pb.collections.update("users", {
    verificationTemplate: { subject: "{RECORD:name}|{RECORD:id}|{RECORD:email}", body: "<p>{RECORD:name}</p>" },
  });
  try {
    await t.pb.settings.testEmail("users", "sample@example.com", "verification");
    const mail = await smtp.waitForMail();
    expect(mail.subject).toBe("__pb_test_name__|__pb_test_id__|sample@example.com");
  } finally {
    await t.pb.collections.update("users", { verificationTemplate: users.verificationTemplate });
  }
});

test("without a collection the superusers' templates are used", async () => {
  await t.pb.collections.update("_superusers", {
    resetPasswordTemplate: { subject: "Superuser reset", body: "<p>{TOKEN}</p>" },
  });
  expect((await send({ email: "root2@example.com", template: "password-reset" })).status).toBe(204);
  expect((await smtp.waitForMail()).subject).toBe("Superuser reset");
});

test("bad input is a 400 with PocketBase's codes", async () => {
  const res = await send({ email: "bad", template: "x", collection: "nope" });
  expect(await res.json()).toEqual({
    status: 400,
    message: "Failed to send the test email.",
    data: {
      collection: {
        code: "validation_invalid_auth_collection",
        message: "Must be a valid auth collection id or name.",
      },
      email: { code: "validation_is_email", message: "Must be a valid email address." },
      template: { code: "validation_in_invalid", message: "Must be a valid value." },
    },
  });
  const empty = await send({});
  expect(((await empty.json()) as { data: unknown }).data).toEqual({
    email: { code: "validation_required", message: "Cannot be blank." },
    template: { code: "validation_required", message: "Cannot be blank." },
  });
  const user = t.client();
  await t.pb
    .collection("users")
    .create({ email: "plain@example.com", password: "plain-pass-1", passwordConfirm: "plain-pass-1" });
  await user.collection("users").authWithPassword("plain@example.com", "plain-pass-1");
  await expect(user.settings.testEmail("users", "x@example.com", "otp")).rejects.toMatchObject({ status: 403 });
});

test("a send that fails says why", async () => {
  await t.pb.settings.update({ smtp: { password: "wrong" } });
  const badLogin = await send({ email: "x@example.com", template: "otp" });
  const body = (await badLogin.json()) as { status: number; message: string };
  expect(body.status).toBe(400);
  expect(body.message).toStartWith("Failed to send the test email. Raw error: \n");
  expect(body.message).toContain("Invalid username or password");

  const closed = await startSmtpServer();
  const port = closed.port;
  await closed.stop();
  await t.pb.settings.update({ smtp: { port, password: credentials.password } });
  const refused = (await (await send({ email: "x@example.com", template: "otp" })).json()) as { message: string };
  expect(refused.message).toContain("ECONNREFUSED");

  // SMTP off: the sendmail fallback, which this machine may lack
  await t.pb.settings.update({ smtp: { enabled: false, port: smtp.port } });
  const fallback = await send({ email: "x@example.com", template: "otp" });
  if (!Bun.which("sendmail") && !(await Bun.file("/usr/sbin/sendmail").exists())) {
    expect(await fallback.json()).toEqual({
      status: 400,
      message: "Failed to send the test email. Raw error: \nfailed to locate a sendmail executable path.",
      data: {},
    });
  }
  await t.pb.settings.update({ smtp: { enabled: true } });
});
