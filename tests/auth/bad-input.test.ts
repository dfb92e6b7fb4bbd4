import { afterAll, beforeAll, expect, test } from "bun:test";
import { SignJWT } from "jose";
import type { RecordModel } from "../../src/core/record-model.ts";
import { newAuthToken, newPasswordResetToken, newVerificationToken } from "../../src/core/record-tokens.ts";
import { type AuthTestEnv, apiError, codes, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;
let user: RecordModel;

beforeAll(async () => {
  env = await startAuthEnv();
  await register(env.t.client(), "known@example.com", "known-pass-1");
  user = (await env.t.app.findAuthRecordByEmail("users", "known@example.com")) as RecordModel;
  await env.t.pb.collections.create({
    name: "members",
    type: "auth",
    fields: [],
    createRule: "",
    viewRule: "",
  });
  await env.t.client().collection("members").create({
    email: "member@example.com",
    password: "member-pass-1",
    passwordConfirm: "member-pass-1",
  });
});
afterAll(() => env.stop());

/** A token signed with the record's real key for its type, already expired. */
async function expiredToken(record: RecordModel, type: "auth" | "verification" | "passwordReset", extra = {}) {
  const option = { auth: "authToken", verification: "verificationToken", passwordReset: "passwordResetToken" } as const;
  const key = record.tokenKey() + record.collection.auth[option[type]].secret;
  return new SignJWT({ id: record.id, type, collectionId: record.collection.id, ...extra })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
    .sign(new TextEncoder().encode(key));
}

const post = (path: string, body: unknown, token = "") =>
  fetch(`${env.t.url}/api/collections/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });

test("a wrong password and an unknown identity get the same 400", async () => {
  const pb = env.t.client();
  const wrong = await apiError(pb.collection("users").authWithPassword("known@example.com", "not-it"));
  const unknown = await apiError(pb.collection("users").authWithPassword("nobody@example.com", "not-it"));
  expect(wrong).toEqual({ status: 400, message: "Failed to authenticate.", data: {} });
  expect(unknown).toEqual(wrong);
});

test("request-* answer an unknown email exactly as a known one, and send it nothing", async () => {
  for (const action of ["request-verification", "request-password-reset"]) {
    const before = env.smtp.mails.length;
    const unknown = await post(`users/${action}`, { email: "nobody@example.com" });
    expect(unknown.status).toBe(204);
    expect(await unknown.text()).toBe("");
    await Bun.sleep(150);
    expect(env.smtp.mails.length).toBe(before);

    const known = await post(`users/${action}`, { email: "known@example.com" });
    expect(known.status).toBe(204);
    expect(await known.text()).toBe("");
    await env.smtp.waitForMail((m) => m.to.includes("known@example.com"));
  }
});

test("a repeated request within two minutes answers 204 and sends nothing more", async () => {
  await register(env.t.client(), "repeat@example.com", "repeat-pass-1");
  for (const action of ["request-verification", "request-password-reset"]) {
    expect((await post(`users/${action}`, { email: "repeat@example.com" })).status).toBe(204);
    await env.smtp.waitForMail((m) => m.to.includes("repeat@example.com"));
    const count = env.smtp.mails.length;
    expect((await post(`users/${action}`, { email: "repeat@example.com" })).status).toBe(204);
    await Bun.sleep(200);
    expect(env.smtp.mails.length).toBe(count);
  }
});

test("malformed or missing emails are validation errors", async () => {
  const pb = env.t.client();
  for (const call of [
    () => pb.collection("users").requestVerification("not-an-email"),
    () => pb.collection("users").requestPasswordReset("not-an-email"),
  ]) {
    const err = await apiError(call());
    expect(err.status).toBe(400);
    expect(err.message).toBe("An error occurred while validating the submitted data.");
    expect(err.data).toEqual({ email: { code: "validation_is_email", message: "Must be a valid email address." } });
  }
  const missing = await post("users/request-password-reset", {});
  expect(await missing.json()).toEqual({
    status: 400,
    message: "An error occurred while validating the submitted data.",
    data: { email: { code: "validation_required", message: "Cannot be blank." } },
  });
  const wrongType = await post("users/request-verification", { email: 5 });
  expect(await wrongType.json()).toEqual({
    status: 400,
    message: "An error occurred while loading the submitted data.",
    data: {},
  });
});

test("a weak or mismatched new password is refused with the field's min length", async () => {
  const token = await newPasswordResetToken(user);
  const err = await apiError(env.t.client().collection("users").confirmPasswordReset(token, "short", "other"));
  expect(err.status).toBe(400);
  expect(err.data).toEqual({
    password: {
      code: "validation_length_out_of_range",
      message: "The length must be between 8 and 255.",
      params: { max: 255, min: 8 },
    },
    passwordConfirm: { code: "validation_values_mismatch", message: "Values don't match." },
  });
  // longer than bcrypt's 72 bytes: hashing fails, and the password field answers with an invalid value
  const long = "x".repeat(80);
  const tooLong = await apiError(env.t.client().collection("users").confirmPasswordReset(token, long, long));
  expect(tooLong.status).toBe(400);
  expect(tooLong.message).toBe("Failed to set new password.");
  expect(codes(tooLong.data)).toEqual({ password: "validation_invalid_value" });
});

test("expired tokens are refused", async () => {
  const verification = await expiredToken(user, "verification", { email: user.email() });
  const err = await apiError(env.t.client().collection("users").confirmVerification(verification));
  expect(err).toEqual({
    status: 400,
    message: "An error occurred while validating the submitted data.",
    data: { token: { code: "validation_invalid_token", message: "Invalid or expired token." } },
  });
  const reset = await expiredToken(user, "passwordReset", { email: user.email() });
  const resetErr = await apiError(
    env.t.client().collection("users").confirmPasswordReset(reset, "new-pass-123", "new-pass-123"),
  );
  expect(codes(resetErr.data)).toEqual({ token: "validation_invalid_token" });

  // an expired auth token makes a guest: refresh is a 401
  const auth = await expiredToken(user, "auth", { refreshable: true });
  const refresh = await post("users/auth-refresh", {}, auth);
  expect(refresh.status).toBe(401);
  expect(((await refresh.json()) as { message: string }).message).toBe(
    "The request requires valid record authorization token.",
  );
});

test("a token of another type is refused", async () => {
  const auth = await newAuthToken(user);
  const asVerification = await apiError(env.t.client().collection("users").confirmVerification(auth));
  expect(asVerification.data).toEqual({
    token: { code: "validation_invalid_token_claims", message: "Missing email token claim." },
  });
  const reset = await newPasswordResetToken(user);
  const resetAsVerification = await apiError(env.t.client().collection("users").confirmVerification(reset));
  expect(codes(resetAsVerification.data)).toEqual({ token: "validation_invalid_token" });
  const verification = await newVerificationToken(user);
  const asReset = await apiError(
    env.t.client().collection("users").confirmPasswordReset(verification, "new-pass-123", "new-pass-123"),
  );
  expect(codes(asReset.data)).toEqual({ token: "validation_invalid_token" });
  const asEmailChange = await apiError(
    env.t.client().collection("users").confirmEmailChange(verification, "known-pass-1"),
  );
  expect(asEmailChange.data).toEqual({
    token: { code: "validation_invalid_token_payload", message: "Invalid token payload - newEmail must be set." },
    password: { code: "validation_invalid_password", message: "Missing or invalid auth record password." },
  });
  // a verification token is no Authorization
  const refresh = await post("users/auth-refresh", {}, verification);
  expect(refresh.status).toBe(401);
});

test("a token signed for another collection is refused", async () => {
  const member = (await env.t.app.findAuthRecordByEmail("members", "member@example.com")) as RecordModel;
  const token = await newVerificationToken(member);
  const err = await apiError(env.t.client().collection("users").confirmVerification(token));
  expect(err.data).toEqual({
    token: {
      code: "validation_token_collection_mismatch",
      message: "The provided token is for different auth collection.",
    },
  });
  // a users token pretending to be a members one fails its signature
  const forged = await newVerificationToken(user);
  const [, payload] = forged.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
  const tampered = forged.replace(
    payload ?? "",
    Buffer.from(JSON.stringify({ ...claims, id: member.id, collectionId: member.collection.id })).toString("base64url"),
  );
  const tamperedErr = await apiError(env.t.client().collection("members").confirmVerification(tampered));
  expect(codes(tamperedErr.data)).toEqual({ token: "validation_invalid_token" });
  // a members auth token can't refresh a users session
  const memberClient = env.t.client();
  await memberClient.collection("members").authWithPassword("member@example.com", "member-pass-1");
  const wrongCollection = await apiError(memberClient.send("/api/collections/users/auth-refresh", { method: "POST" }));
  expect(wrongCollection).toEqual({
    status: 403,
    message: "The request requires auth record from members collection.",
    data: {},
  });
});

test("email change requests: own auth only, a new valid and unused address", async () => {
  const pb = env.t.client();
  await pb.collection("users").authWithPassword("known@example.com", "known-pass-1");
  const same = await apiError(pb.collection("users").requestEmailChange("known@example.com"));
  expect(same.data).toEqual({ newEmail: { code: "validation_not_in_invalid", message: "Must not be in list." } });
  await register(env.t.client(), "taken@example.com", "taken-pass-1");
  const taken = await apiError(pb.collection("users").requestEmailChange("taken@example.com"));
  expect(taken.data).toEqual({
    newEmail: { code: "validation_invalid_new_email", message: "Invalid new email address." },
  });
  const malformed = await apiError(pb.collection("users").requestEmailChange("nope"));
  expect(codes(malformed.data)).toEqual({ newEmail: "validation_is_email" });
  const guest = await apiError(env.t.client().collection("users").requestEmailChange("new@example.com"));
  expect(guest).toEqual({ status: 401, message: "The request requires valid record authorization token.", data: {} });

  // the address got taken between the request and the confirmation
  expect(await pb.collection("users").requestEmailChange("later@example.com")).toBe(true);
  const mail = env.smtp.mails.find((m) => m.to.includes("later@example.com"));
  const token = /confirm-email-change\/([\w.-]+)/.exec(mail?.html ?? "")?.[1] ?? "";
  await register(env.t.client(), "later@example.com", "later-pass-1");
  const late = await apiError(env.t.client().collection("users").confirmEmailChange(token, "known-pass-1"));
  // as in PocketBase, a token that can't be used also fails the password check
  expect(late.data).toEqual({
    token: { code: "validation_invalid_token_email", message: "The new email address is invalid." },
    password: { code: "validation_invalid_password", message: "Missing or invalid auth record password." },
  });
});

test("superusers are always verified and change their email directly", async () => {
  const verify = await post("_superusers/request-verification", { email: "root@example.com" });
  expect(await verify.json()).toEqual({ status: 400, message: "All superusers are verified by default.", data: {} });
  const confirm = await post("_superusers/confirm-verification", { token: "x" });
  expect(confirm.status).toBe(400);
  const change = await apiError(env.t.pb.collection("_superusers").requestEmailChange("new-root@example.com"));
  expect(change).toEqual({ status: 400, message: "All superusers can change their emails directly.", data: {} });
});

test("unknown collections and non-auth collections are 404s", async () => {
  const unknown = await post("nope/request-password-reset", { email: "a@b.co" });
  expect(await unknown.json()).toEqual({ status: 404, message: "Missing or invalid collection context.", data: {} });
  await env.t.pb.collections.create({ name: "notes", type: "base", fields: [{ name: "title", type: "text" }] });
  const base = await post("notes/request-password-reset", { email: "a@b.co" });
  expect(await base.json()).toEqual({ status: 404, message: "Missing or invalid auth collection context.", data: {} });
});

test("impersonate refuses a negative duration and a malformed one", async () => {
  const negative = await post(`users/impersonate/${user.id}`, { duration: -1 }, env.t.pb.authStore.token);
  expect(await negative.json()).toEqual({
    status: 400,
    message: "An error occurred while validating the submitted data.",
    data: {
      duration: {
        code: "validation_min_greater_equal_than_required",
        message: "Must be no less than 0.",
        params: { threshold: 0 },
      },
    },
  });
  const text = await post(`users/impersonate/${user.id}`, { duration: "5" }, env.t.pb.authStore.token);
  expect(((await text.json()) as { message: string }).message).toBe(
    "An error occurred while loading the submitted data.",
  );
});
