import { afterAll, beforeAll, expect, test } from "bun:test";
import { createSuperuserOtp } from "../../src/cmd/superuser.ts";
import { ident, sql } from "../../src/db/sql.ts";
import { superuserEmail, superuserPassword } from "../helpers/test-app.ts";
import { rawPost, requestOtpCode } from "./otp-helpers.ts";
import { type AuthTestEnv, apiError, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuthEnv();
  await env.t.pb.collections.update("users", { otp: { enabled: true }, mfa: { enabled: true } });
});
afterAll(() => env.stop());

/** firstFactor expects the call to stop at MFA and returns the 401's body. */
async function firstFactor(p: Promise<unknown>): Promise<{ mfaId: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; response: Record<string, unknown> };
    expect(e.status).toBe(401);
    expect(Object.keys(e.response)).toEqual(["mfaId"]);
    expect(e.response.mfaId).toMatch(/^[a-z0-9]{15}$/);
    return e.response as { mfaId: string };
  }
  throw new Error("the login went through without a second factor");
}

const mfaRows = (recordId: string) =>
  env.t.app.db.all<{ id: string; method: string }>(
    sql`SELECT id, method FROM ${ident("_mfas")} WHERE ${ident("recordRef")} = ${recordId}`,
  );

const invalidSession = { status: 400, message: "Invalid or expired MFA session.", data: {} };

test("password then OTP: the first factor answers 401 {mfaId}, the second completes the login", async () => {
  const pb = env.t.client();
  const user = await register(pb, "mfa-both@example.com", "mfa-pass-123");
  const authRequests = env.t.calls.get("onRecordAuthRequest") ?? 0;

  const { mfaId } = await firstFactor(pb.collection("users").authWithPassword("mfa-both@example.com", "mfa-pass-123"));
  expect(pb.authStore.isValid).toBe(false);
  expect(env.t.calls.get("onRecordAuthRequest")).toBe(authRequests + 1);
  expect(await mfaRows(user.id)).toEqual([{ id: mfaId, method: "password" }]);

  // the same method can't be the second factor
  expect(
    await apiError(pb.collection("users").authWithPassword("mfa-both@example.com", "mfa-pass-123", { mfaId })),
  ).toEqual({ status: 400, message: "A different authentication method is required.", data: {} });

  const { otpId, code } = await requestOtpCode(pb, env.smtp, "mfa-both@example.com");
  const auth = await pb.collection("users").authWithOTP(otpId, code, { mfaId });
  expect(auth.record.id).toBe(user.id);
  expect(pb.authStore.isValid).toBe(true);
  expect(await mfaRows(user.id)).toEqual([]);

  // the session is spent; the password still works as a first factor (MFA keeps it after the OTP)
  const again = await requestOtpCode(pb, env.smtp, "mfa-both@example.com");
  expect(await apiError(env.t.client().collection("users").authWithOTP(again.otpId, again.code, { mfaId }))).toEqual(
    invalidSession,
  );
  await firstFactor(env.t.client().collection("users").authWithPassword("mfa-both@example.com", "mfa-pass-123"));
});

test("OTP first, password second, with mfaId in the body", async () => {
  const pb = env.t.client();
  const user = await register(pb, "mfa-otp-first@example.com", "mfa-pass-123");
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "mfa-otp-first@example.com");
  const { mfaId } = await firstFactor(pb.collection("users").authWithOTP(otpId, code));
  expect(await mfaRows(user.id)).toEqual([{ id: mfaId, method: "otp" }]);

  const done = await rawPost(`${env.t.url}/api/collections/users/auth-with-password`, {
    identity: "mfa-otp-first@example.com",
    password: "mfa-pass-123",
    mfaId,
  });
  expect(done.status).toBe(200);
  expect((done.body.record as { id: string }).id).toBe(user.id);
  expect(typeof done.body.token).toBe("string");
});

test("a session belongs to its record; unknown, expired and mistyped ids are refused", async () => {
  const pb = env.t.client();
  await register(pb, "mfa-a@example.com", "mfa-pass-123");
  const b = await register(pb, "mfa-b@example.com", "mfa-pass-123");
  const { mfaId } = await firstFactor(pb.collection("users").authWithPassword("mfa-a@example.com", "mfa-pass-123"));
  const url = `${env.t.url}/api/collections/users/auth-with-password`;
  const asB = (extra: Record<string, unknown>, query = "") =>
    rawPost(`${url}${query}`, { identity: "mfa-b@example.com", password: "mfa-pass-123", ...extra });

  expect((await asB({ mfaId })).body).toEqual({ data: {}, message: "Invalid MFA session.", status: 400 });
  // the query string wins over the body
  expect((await asB({ mfaId: "zzz" }, `?mfaId=${mfaId}`)).body.message).toBe("Invalid MFA session.");
  expect((await asB({ mfaId: "zzz" })).body).toEqual({ ...invalidSession, data: {} });
  expect((await asB({ mfaId: 123 })).body).toEqual({ data: {}, message: "Failed to read MFA Id.", status: 400 });

  const { mfaId: old } = await firstFactor(
    pb.collection("users").authWithPassword("mfa-b@example.com", "mfa-pass-123"),
  );
  await env.t.app.db.run(sql`UPDATE ${ident("_mfas")} SET created = ${"2020-01-01 00:00:00.000Z"} WHERE id = ${old}`);
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "mfa-b@example.com");
  expect(await apiError(pb.collection("users").authWithOTP(otpId, code, { mfaId: old }))).toEqual(invalidSession);
  expect(await mfaRows(b.id)).toEqual([]);
});

test("a failed first factor opens no session; a password change closes the open ones", async () => {
  const pb = env.t.client();
  const user = await register(pb, "mfa-change@example.com", "mfa-pass-123");
  const wrong = await apiError(pb.collection("users").authWithPassword("mfa-change@example.com", "wrong-pass"));
  expect(wrong).toEqual({ status: 400, message: "Failed to authenticate.", data: {} });
  expect(await mfaRows(user.id)).toEqual([]);

  const { mfaId } = await firstFactor(
    pb.collection("users").authWithPassword("mfa-change@example.com", "mfa-pass-123"),
  );
  await env.t.pb.collection("users").update(user.id, { password: "new-pass-456", passwordConfirm: "new-pass-456" });
  expect(await mfaRows(user.id)).toEqual([]);
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "mfa-change@example.com");
  expect(await apiError(pb.collection("users").authWithOTP(otpId, code, { mfaId }))).toEqual(invalidSession);
});

test("the MFA rule picks the records that need a second factor", async () => {
  await env.t.pb.collections.update("users", { mfa: { rule: "email ~ '@vip.test'" } });
  try {
    const pb = env.t.client();
    await register(pb, "plain@example.com", "mfa-pass-123");
    await register(pb, "boss@vip.test", "mfa-pass-123");
    const plain = await pb.collection("users").authWithPassword("plain@example.com", "mfa-pass-123");
    expect(plain.record.email).toBe("plain@example.com");
    await firstFactor(env.t.client().collection("users").authWithPassword("boss@vip.test", "mfa-pass-123"));
  } finally {
    await env.t.pb.collections.update("users", { mfa: { rule: "" } });
  }
});

test("refresh and impersonation skip MFA", async () => {
  const pb = env.t.client();
  const user = await register(pb, "mfa-refresh@example.com", "mfa-pass-123");
  const { mfaId } = await firstFactor(
    pb.collection("users").authWithPassword("mfa-refresh@example.com", "mfa-pass-123"),
  );
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "mfa-refresh@example.com");
  await pb.collection("users").authWithOTP(otpId, code, { mfaId });
  expect((await pb.collection("users").authRefresh()).record.id).toBe(user.id);
  const impersonated = await env.t.pb.collection("users").impersonate(user.id, 60);
  expect(impersonated.authStore.record?.id).toBe(user.id);
  expect(await mfaRows(user.id)).toEqual([]);
});

test("superusers: enabling OTP forces MFA, and a console OTP completes the password login", async () => {
  const updated = await env.t.pb.collections.update("_superusers", { otp: { enabled: true } });
  expect(updated.mfa.enabled).toBe(true);
  try {
    const pb = env.t.client();
    const { mfaId } = await firstFactor(
      pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword),
    );
    const otp = await createSuperuserOtp(env.t.app, superuserEmail);
    expect(otp.password).toMatch(/^\d{8}$/);
    const auth = await pb.collection("_superusers").authWithOTP(otp.id, otp.password, { mfaId });
    expect(auth.record.email).toBe(superuserEmail);
    expect(pb.authStore.isSuperuser).toBe(true);
  } finally {
    await env.t.pb.collections.update("_superusers", { otp: { enabled: false }, mfa: { enabled: false } });
  }
});
