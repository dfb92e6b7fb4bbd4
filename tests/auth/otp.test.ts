import { afterAll, beforeAll, expect, test } from "bun:test";
import { newAuthOrigin } from "../../src/core/auth-origin-query.ts";
import { newMfa } from "../../src/core/mfa-query.ts";
import { deleteExpiredOtps, findAllOtpsByRecord, newOtp } from "../../src/core/otp-query.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { ident, sql } from "../../src/db/sql.ts";
import { ValidationErrors } from "../../src/tools/validation/validation.ts";
import { rawPost, requestOtpCode } from "./otp-helpers.ts";
import { type AuthTestEnv, apiError, appName, codes, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuthEnv();
  await env.t.pb.collections.update("users", { otp: { enabled: true } });
});
afterAll(() => env.stop());

const invalidOtp = { status: 400, message: "Invalid or expired OTP.", data: {} };

/** otpRows reads the `_otps` rows of a record straight from the database. */
async function otpRows(recordId: string) {
  return env.t.app.db.all<{ id: string; password: string; sentTo: string }>(
    sql`SELECT id, password, ${ident("sentTo")} FROM ${ident("_otps")} WHERE ${ident("recordRef")} = ${recordId}`,
  );
}

/** waitForSentTo waits until the OTP remembers where its mail went (stored once the mail is out). */
async function waitForSentTo(otpId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const row = await env.t.app.db.get<{ sentTo: string }>(
      sql`SELECT ${ident("sentTo")} FROM ${ident("_otps")} WHERE id = ${otpId}`,
    );
    if (row?.sentTo) return row.sentTo;
    await Bun.sleep(20);
  }
  throw new Error("the OTP's sentTo was never stored");
}

test("OTP login through the SDK with the code from the mail; the OTP works once and verifies the email", async () => {
  const pb = env.t.client();
  const user = await register(pb, "otp-login@example.com");
  expect(user.verified).toBe(false);

  const { otpId, code, mail } = await requestOtpCode(pb, env.smtp, "otp-login@example.com");
  expect(otpId).toMatch(/^[a-z0-9]{15}$/);
  expect(code).toMatch(/^\d{8}$/);
  expect(mail.subject).toBe(`OTP for ${appName}`);
  expect(mail.html).toContain(`<strong>${code}</strong>`);
  expect(await waitForSentTo(otpId)).toBe("otp-login@example.com");
  // only a bcrypt hash of the code is stored
  const [row] = await otpRows(user.id);
  expect(row?.password).toMatch(/^\$2[aby]\$08\$/);
  expect(row?.password).not.toContain(code);

  const auth = await pb.collection("users").authWithOTP(otpId, code);
  expect(auth.record.id).toBe(user.id);
  expect(auth.record.email).toBe("otp-login@example.com");
  expect(auth.record.verified).toBe(true);
  expect(pb.authStore.isValid).toBe(true);
  expect((await pb.collection("users").getOne(user.id)).id).toBe(user.id);
  expect(await otpRows(user.id)).toEqual([]);

  // spent: the same code is refused, and the verified upgrade replaced the password (MFA is off)
  expect(await apiError(env.t.client().collection("users").authWithOTP(otpId, code))).toEqual(invalidOtp);
  const oldPassword = await apiError(
    env.t.client().collection("users").authWithPassword("otp-login@example.com", "first-pass-1"),
  );
  expect(oldPassword.status).toBe(400);
});

test("an unknown email gets a made-up otpId, no mail, and the id logs nobody in", async () => {
  const before = env.t.calls.get("onRecordRequestOTPRequest") ?? 0;
  const pb = env.t.client();
  const { otpId } = await pb.collection("users").requestOTP("nobody-otp@example.com");
  expect(otpId).toMatch(/^[a-z0-9]{15}$/);
  expect(env.t.calls.get("onRecordRequestOTPRequest")).toBe(before + 1);
  expect(await apiError(pb.collection("users").authWithOTP(otpId, "12345678"))).toEqual(invalidOtp);
  await Bun.sleep(200);
  expect(env.smtp.mails.some((m) => m.to.includes("nobody-otp@example.com"))).toBe(false);
});

test("OTP disabled: both endpoints answer 403; unknown and non-auth collections 404", async () => {
  const disabled = { status: 403, message: "The collection is not configured to allow OTP authentication.", data: {} };
  const pb = env.t.client();
  expect(await apiError(pb.collection("_superusers").requestOTP("root@example.com"))).toEqual(disabled);
  expect(await apiError(pb.collection("_superusers").authWithOTP("abc", "123"))).toEqual(disabled);

  await env.t.pb.collections.create({ name: "otp_posts", type: "base" });
  for (const path of ["request-otp", "auth-with-otp"]) {
    const base = await rawPost(`${env.t.url}/api/collections/otp_posts/${path}`, {});
    expect(base).toEqual({
      status: 404,
      body: { data: {}, message: "Missing or invalid auth collection context.", status: 404 },
    });
    const unknown = await rawPost(`${env.t.url}/api/collections/nope/${path}`, {});
    expect(unknown.body.message).toBe("Missing or invalid collection context.");
  }
});

test("bad input is a 400 with PocketBase's codes", async () => {
  const url = (p: string) => `${env.t.url}/api/collections/users/${p}`;
  const missing = await rawPost(url("request-otp"), {});
  expect(missing.status).toBe(400);
  expect(missing.body.message).toBe("An error occurred while validating the submitted data.");
  expect(codes(missing.body.data as Record<string, unknown>)).toEqual({ email: "validation_required" });
  const malformed = await rawPost(url("request-otp"), { email: "not-an-email" });
  expect(codes(malformed.body.data as Record<string, unknown>)).toEqual({ email: "validation_is_email" });
  const wrongType = await rawPost(url("request-otp"), { email: 42 });
  expect(wrongType.body).toEqual({
    data: {},
    message: "An error occurred while loading the submitted data.",
    status: 400,
  });

  const empty = await rawPost(url("auth-with-otp"), {});
  expect(codes(empty.body.data as Record<string, unknown>)).toEqual({
    otpId: "validation_required",
    password: "validation_required",
  });
  const tooLong = await rawPost(url("auth-with-otp"), { otpId: "x", password: "1".repeat(72) });
  expect(tooLong.body.data).toEqual({
    password: {
      code: "validation_length_out_of_range",
      message: "The length must be between 1 and 71.",
      params: { max: 71, min: 1 },
    },
  });
  const notJson = await fetch(url("auth-with-otp"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  expect(notJson.status).toBe(400);
});

test("five wrong codes, then even the right one is refused with 429", async () => {
  const pb = env.t.client();
  await register(pb, "otp-guess@example.com");
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "otp-guess@example.com");
  const wrong = code === "00000000" ? "11111111" : "00000000";
  for (let i = 0; i < 5; i++)
    expect(await apiError(pb.collection("users").authWithOTP(otpId, wrong))).toEqual(invalidOtp);
  expect(await apiError(pb.collection("users").authWithOTP(otpId, code))).toEqual({
    status: 429,
    message: "Too many attempts, please try again later with a new OTP.",
    data: {},
  });
});

test("an expired OTP is refused, and the hourly cleanup deletes it", async () => {
  const pb = env.t.client();
  const user = await register(pb, "otp-expired@example.com");
  const old = await requestOtpCode(pb, env.smtp, "otp-expired@example.com");
  // the app saves the OTP again once its mail is out: age it after that save, not before
  await waitForSentTo(old.otpId);
  await env.t.app.db.run(
    sql`UPDATE ${ident("_otps")} SET created = ${"2020-01-01 00:00:00.000Z"} WHERE id = ${old.otpId}`,
  );
  expect(await apiError(pb.collection("users").authWithOTP(old.otpId, old.code))).toEqual(invalidOtp);

  const fresh = await requestOtpCode(pb, env.smtp, "otp-expired@example.com");
  await deleteExpiredOtps(env.t.app);
  expect((await otpRows(user.id)).map((r) => r.id)).toEqual([fresh.otpId]);
});

test("past ten unexpired OTPs, a request gets the newest one again and no new mail", async () => {
  const pb = env.t.client();
  const user = await register(pb, "otp-many@example.com");
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await requestOtpCode(pb, env.smtp, "otp-many@example.com")).otpId);
  expect(new Set(ids).size).toBe(10);
  const mailsBefore = env.smtp.mails.length;
  const again = await pb.collection("users").requestOTP("otp-many@example.com");
  expect(again.otpId).toBe(ids[9] as string);
  await Bun.sleep(200);
  expect(env.smtp.mails.length).toBe(mailsBefore);
  expect(await otpRows(user.id)).toHaveLength(10);
});

test("a password change deletes the pending OTPs", async () => {
  const pb = env.t.client();
  const user = await register(pb, "otp-rotate@example.com");
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "otp-rotate@example.com");
  await env.t.pb.collection("users").update(user.id, { password: "second-pass-2", passwordConfirm: "second-pass-2" });
  expect(await otpRows(user.id)).toEqual([]);
  expect(await apiError(pb.collection("users").authWithOTP(otpId, code))).toEqual(invalidOtp);
});

test("an OTP only logs in through its own collection", async () => {
  await env.t.pb.collections.create({ name: "otp_members", type: "auth", otp: { enabled: true } });
  const pb = env.t.client();
  await register(pb, "otp-other@example.com");
  const { otpId, code } = await requestOtpCode(pb, env.smtp, "otp-other@example.com");
  expect(await apiError(pb.collection("otp_members").authWithOTP(otpId, code))).toEqual(invalidOtp);
  expect((await pb.collection("users").authWithOTP(otpId, code)).record.email).toBe("otp-other@example.com");
});

test("hooks see the request: a handler may choose the password, the OTP login fires its own hook", async () => {
  const id = env.t.app.onRecordRequestOTPRequest("users").bindFunc(async (e) => {
    e.password = "24680135";
    await e.next();
  });
  try {
    const pb = env.t.client();
    await register(pb, "otp-hook@example.com");
    const before = env.t.calls.get("onRecordAuthWithOTPRequest") ?? 0;
    const { otpId, code } = await requestOtpCode(pb, env.smtp, "otp-hook@example.com");
    expect(code).toBe("24680135");
    await pb.collection("users").authWithOTP(otpId, code);
    expect(env.t.calls.get("onRecordAuthWithOTPRequest")).toBe(before + 1);
  } finally {
    env.t.app.onRecordRequestOTPRequest().unbind(id);
  }
});

test("a failed OTP mail deletes the OTP it carried", async () => {
  const pb = env.t.client();
  const user = await register(pb, "otp-nomail@example.com");
  const id = env.t.app.onMailerRecordOTPSend().bindFunc(() => {
    throw new Error("mail server down");
  });
  try {
    await pb.collection("users").requestOTP("otp-nomail@example.com");
    for (let i = 0; i < 100 && (await otpRows(user.id)).length > 0; i++) await Bun.sleep(25);
    expect(await otpRows(user.id)).toEqual([]);
  } finally {
    env.t.app.onMailerRecordOTPSend().unbind(id);
  }
});

test("rows about a record go away with the record, and with its collection", async () => {
  const app = env.t.app;
  await env.t.pb.collections.create({ name: "otp_temp", type: "auth" });
  const make = async (collection: string, email: string) => {
    const c = app.findCachedCollectionByNameOrId(collection);
    if (!c) throw new Error("no collection");
    const r = new RecordModel(c);
    r.load({ email, password: "temp-pass-123" });
    await app.save(r);
    return r;
  };
  const countRows = async (recordId: string) => {
    let n = 0;
    for (const table of ["_otps", "_mfas", "_authOrigins", "_externalAuths"]) {
      const row = await app.db.get<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM ${ident(table)} WHERE ${ident("recordRef")} = ${recordId}`,
      );
      n += Number(row?.n ?? 0);
    }
    return n;
  };
  const attachRows = async (r: RecordModel) => {
    await app.save(newOtp(app, r, "12345678"));
    await app.save(newMfa(app, r, "password"));
    await app.save(newAuthOrigin(app, r, "fingerprint"));
    const externalAuths = app.findCachedCollectionByNameOrId("_externalAuths");
    if (!externalAuths) throw new Error("no _externalAuths");
    const link = new RecordModel(externalAuths);
    link.load({ collectionRef: r.collection.id, recordRef: r.id, provider: "github", providerId: r.id });
    await app.saveNoValidate(link);
  };

  const user = await make("users", "otp-cascade@example.com");
  await attachRows(user);
  expect(await countRows(user.id)).toBe(4);
  expect(await findAllOtpsByRecord(app, user)).toHaveLength(1);
  await env.t.pb.collection("users").delete(user.id);
  expect(await countRows(user.id)).toBe(0);

  const member = await make("otp_temp", "otp-cascade2@example.com");
  await attachRows(member);
  expect(await countRows(member.id)).toBe(4);
  await env.t.pb.collections.delete("otp_temp");
  expect(await countRows(member.id)).toBe(0);
});

test("a row must point at an existing auth record", async () => {
  const app = env.t.app;
  const users = app.findCachedCollectionByNameOrId("users");
  const otps = app.findCachedCollectionByNameOrId("_otps");
  if (!users || !otps) throw new Error("missing collections");
  const save = async (data: Record<string, unknown>) => {
    const r = new RecordModel(otps);
    r.load({ password: "12345678", ...data });
    try {
      await app.save(r);
    } catch (err) {
      if (err instanceof ValidationErrors) return err.toJSON();
      throw err;
    }
    throw new Error("saved");
  };
  expect(await save({ collectionRef: "nope", recordRef: "x" })).toEqual({
    collectionRef: { code: "validation_invalid_collection_id", message: "Missing or invalid collection." },
  });
  expect(await save({ collectionRef: otps.id, recordRef: "x" })).toEqual({
    collectionRef: { code: "validation_invalid_collection_type", message: "Invalid collection type - must be auth." },
  });
  expect(await save({ collectionRef: users.id, recordRef: "missing" })).toEqual({
    recordRef: { code: "validation_invalid_record", message: "Missing or invalid record." },
  });
});
