import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { ident, sql } from "../../src/db/sql.ts";
import { rawPost } from "./otp-helpers.ts";
import { type AuthTestEnv, appName, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuthEnv();
});
afterAll(() => env.stop());

const password = "alert-pass-123";

/** loginFrom logs in by password with the given user agent (the fetch comes from 127.0.0.1). */
async function loginFrom(email: string, userAgent: string, pass = password) {
  const res = await rawPost(
    `${env.t.url}/api/collections/users/auth-with-password`,
    { identity: email, password: pass },
    { "user-agent": userAgent },
  );
  expect(res.status).toBe(200);
  return res.body as { token: string; record: { id: string } };
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

const origins = (recordId: string) =>
  env.t.app.db
    .all<{ fingerprint: string }>(
      sql`SELECT fingerprint FROM ${ident("_authOrigins")} WHERE ${ident("recordRef")} = ${recordId} ORDER BY created`,
    )
    .then((rows) => rows.map((r) => r.fingerprint));

const alertsTo = (email: string) =>
  env.smtp.mails.filter((m) => m.to.includes(email) && m.subject === "Login from a new location");

test("no alert on the first login nor from a known place; a new place gets a mail", async () => {
  const email = "alert-new@example.com";
  const user = await register(env.t.client(), email, password);
  const sent = env.t.calls.get("onMailerRecordAuthAlertSend") ?? 0;

  await loginFrom(email, "Device-A");
  await loginFrom(email, "Device-A");
  await Bun.sleep(200);
  expect(alertsTo(email)).toHaveLength(0);
  expect(await origins(user.id)).toEqual([md5("127.0.0.1Device-A")]);

  await loginFrom(email, "Device-B");
  const mail = await env.smtp.waitForMail((m) => m.to.includes(email));
  expect(mail.subject).toBe("Login from a new location");
  expect(mail.text).toContain(`We noticed a login to your ${appName} account from a new location:`);
  expect(mail.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z - 127\.0\.0\.1 Device-B/);
  expect(env.t.calls.get("onMailerRecordAuthAlertSend")).toBe(sent + 1);
  expect(await origins(user.id)).toEqual([md5("127.0.0.1Device-A"), md5("127.0.0.1Device-B")]);
});

test("at most five places are remembered: the oldest are forgotten", async () => {
  const email = "alert-many@example.com";
  const user = await register(env.t.client(), email, password);
  for (let i = 1; i <= 6; i++) await loginFrom(email, `Device-${i}`);
  expect(await origins(user.id)).toEqual([2, 3, 4, 5, 6].map((i) => md5(`127.0.0.1Device-${i}`)));
  expect(alertsTo(email)).toHaveLength(5);
});

test("a long user agent is cut at 200 bytes in the fingerprint", async () => {
  const email = "alert-long@example.com";
  const user = await register(env.t.client(), email, password);
  await loginFrom(email, "x".repeat(300));
  expect(await origins(user.id)).toEqual([md5(`127.0.0.1${"x".repeat(200)}...`)]);
});

test("refresh and impersonation neither record places nor alert", async () => {
  const email = "alert-refresh@example.com";
  const user = await register(env.t.client(), email, password);
  const { token } = await loginFrom(email, "Device-A");
  const refreshed = await fetch(`${env.t.url}/api/collections/users/auth-refresh`, {
    method: "POST",
    headers: { authorization: token, "user-agent": "Device-Z" },
  });
  expect(refreshed.status).toBe(200);
  await env.t.pb.collection("users").impersonate(user.id, 60);
  await Bun.sleep(200);
  expect(await origins(user.id)).toEqual([md5("127.0.0.1Device-A")]);
  expect(alertsTo(email)).toHaveLength(0);
});

test("a password change forgets the places; disabled alerts record nothing", async () => {
  const email = "alert-reset@example.com";
  const user = await register(env.t.client(), email, password);
  await loginFrom(email, "Device-A");
  await env.t.pb.collection("users").update(user.id, { password: "other-pass-456", passwordConfirm: "other-pass-456" });
  expect(await origins(user.id)).toEqual([]);
  // with no known place left, the next login counts as a first one
  await loginFrom(email, "Device-B", "other-pass-456");
  await Bun.sleep(200);
  expect(alertsTo(email)).toHaveLength(0);

  await env.t.pb.collections.update("users", { authAlert: { enabled: false } });
  try {
    await loginFrom(email, "Device-C", "other-pass-456");
    await Bun.sleep(200);
    expect(alertsTo(email)).toHaveLength(0);
    expect(await origins(user.id)).toEqual([md5("127.0.0.1Device-B")]);
  } finally {
    await env.t.pb.collections.update("users", { authAlert: { enabled: true } });
  }
});
