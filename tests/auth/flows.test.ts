import { afterAll, beforeAll, expect, test } from "bun:test";
import { tokenFromMail } from "../helpers/smtp.ts";
import { type AuthTestEnv, appName, appURL, register, startAuthEnv } from "./setup.ts";

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuthEnv();
});
afterAll(() => env.stop());

test("register, log in, refresh and log out through the SDK", async () => {
  const pb = env.t.client();
  const created = await register(pb, "alice@example.com", "alice-pass-1", { name: "Alice" });
  expect(created.verified).toBe(false);

  const auth = await pb.collection("users").authWithPassword("alice@example.com", "alice-pass-1");
  expect(auth.record.id).toBe(created.id);
  expect(auth.record.email).toBe("alice@example.com");
  expect(pb.authStore.isValid).toBe(true);
  expect(pb.authStore.record?.id).toBe(created.id);

  // a refresh gives a new token (a second later, so the expiry differs) for the same record
  await Bun.sleep(1100);
  const refreshed = await pb.collection("users").authRefresh();
  expect(refreshed.token).not.toBe(auth.token);
  expect(refreshed.record.id).toBe(created.id);
  expect(pb.authStore.isValid).toBe(true);

  // the new token is accepted by the API: the record can see itself with its email
  const self = await pb.collection("users").getOne(created.id);
  expect(self.email).toBe("alice@example.com");

  pb.authStore.clear();
  expect(pb.authStore.isValid).toBe(false);
  const guestView = await pb.collection("users").getList(1, 10);
  expect(guestView.items).toHaveLength(0);
});

test("verification: request, read the mail, follow its token, verified", async () => {
  const pb = env.t.client();
  const user = await register(pb, "bob@example.com", "bob-pass-1", { name: "Bob <the builder>" });

  expect(await pb.collection("users").requestVerification("bob@example.com")).toBe(true);
  const mail = await env.smtp.waitForMail((m) => m.to.includes("bob@example.com"));
  expect(mail.subject).toBe(`Verify your ${appName} email`);
  expect(mail.headers.from).toBe("Satchel Mailer <mailer@satchel.test>");
  expect(mail.html).toContain(`href="${appURL}/_/#/auth/confirm-verification/`);
  expect(mail.html).toContain(`Thank you for joining us at ${appName}.`);
  // the plain-text alternative is made from the HTML, the link written as [label](href)
  expect(mail.text).toContain(`[Verify](${appURL}/_/#/auth/confirm-verification/`);
  expect(mail.text.startsWith("Hello,")).toBe(true);

  const token = tokenFromMail(mail, "confirm-verification");
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
  expect(claims).toMatchObject({ type: "verification", id: user.id, email: "bob@example.com" });

  expect(await pb.collection("users").confirmVerification(token)).toBe(true);
  const after = await env.t.pb.collection("users").getOne(user.id);
  expect(after.verified).toBe(true);

  // confirming again is harmless, and a verified record is sent no more mails
  expect(await pb.collection("users").confirmVerification(token)).toBe(true);
  const before = env.smtp.mails.length;
  expect(await pb.collection("users").requestVerification("bob@example.com")).toBe(true);
  await Bun.sleep(200);
  expect(env.smtp.mails.length).toBe(before);
});

test("{RECORD:field} placeholders carry the record's values, HTML-escaped", async () => {
  const users = await env.t.pb.collections.getOne("users");
  await env.t.pb.collections.update("users", {
    verificationTemplate: {
      subject: "Hi {RECORD:name} from {APP_NAME}",
      body: "<p>{RECORD:name} / {RECORD:verified} / {RECORD:password} / {RECORD:tokenKey}</p><a href='{APP_URL}/v/{TOKEN}'>go</a>",
    },
  });
  try {
    const pb = env.t.client();
    await register(pb, "carol@example.com", "carol-pass-1", { name: `Carol "C" <b>&'` });
    await pb.collection("users").requestVerification("carol@example.com");
    const mail = await env.smtp.waitForMail((m) => m.to.includes("carol@example.com"));
    expect(mail.subject).toBe(`Hi Carol &#34;C&#34; &lt;b&gt;&amp;&#39; from ${appName}`);
    // hidden fields are no placeholders
    expect(mail.html).toContain(
      "<p>Carol &#34;C&#34; &lt;b&gt;&amp;&#39; / false / {RECORD:password} / {RECORD:tokenKey}</p>",
    );
    expect(mail.text).toContain(`[go](${appURL}/v/`);
  } finally {
    await env.t.pb.collections.update("users", { verificationTemplate: users.verificationTemplate });
  }
});

test("password reset end to end: old sessions and the used token die, the new password works", async () => {
  const pb = env.t.client();
  const user = await register(pb, "dave@example.com", "dave-old-pass");
  const session = env.t.client();
  await session.collection("users").authWithPassword("dave@example.com", "dave-old-pass");

  expect(await pb.collection("users").requestPasswordReset("dave@example.com")).toBe(true);
  const mail = await env.smtp.waitForMail((m) => m.to.includes("dave@example.com"));
  expect(mail.subject).toBe(`Reset your ${appName} password`);
  const token = tokenFromMail(mail, "confirm-password-reset");

  expect(await pb.collection("users").confirmPasswordReset(token, "dave-new-pass", "dave-new-pass")).toBe(true);

  // the reset was sent to the record's email, so it is now verified
  expect((await env.t.pb.collection("users").getOne(user.id)).verified).toBe(true);
  // the old password is refused, the new one works
  await expect(pb.collection("users").authWithPassword("dave@example.com", "dave-old-pass")).rejects.toMatchObject({
    status: 400,
  });
  await pb.collection("users").authWithPassword("dave@example.com", "dave-new-pass");
  // the session from before the reset is over
  await expect(session.collection("users").authRefresh()).rejects.toMatchObject({ status: 401 });
  // and the token can't be used twice
  await expect(
    pb.collection("users").confirmPasswordReset(token, "dave-third-pass", "dave-third-pass"),
  ).rejects.toMatchObject({ status: 400, response: { data: { token: { code: "validation_invalid_token" } } } });
});

test("email change end to end: the link goes to the new address and needs the current password", async () => {
  const pb = env.t.client();
  const user = await register(pb, "erin@example.com", "erin-pass-1");
  await pb.collection("users").authWithPassword("erin@example.com", "erin-pass-1");

  expect(await pb.collection("users").requestEmailChange("erin.new@example.com")).toBe(true);
  // sent synchronously: the mail is there when the request returns
  const mail = env.smtp.mails.find((m) => m.to.includes("erin.new@example.com"));
  expect(mail?.subject).toBe(`Confirm your ${appName} new email address`);
  const token = tokenFromMail(mail ?? env.smtp.mails[0]!, "confirm-email-change");

  const guest = env.t.client();
  const wrong = guest.collection("users").confirmEmailChange(token, "not-her-password");
  await expect(wrong).rejects.toMatchObject({
    status: 400,
    response: { data: { password: { code: "validation_invalid_password" } } },
  });
  expect(await guest.collection("users").confirmEmailChange(token, "erin-pass-1")).toBe(true);

  const after = await env.t.pb.collection("users").getOne(user.id);
  expect(after.email).toBe("erin.new@example.com");
  expect(after.verified).toBe(true);
  // the email change rotated the token key: the old session is over, the new email logs in
  await expect(pb.collection("users").authRefresh()).rejects.toMatchObject({ status: 401 });
  await guest.collection("users").authWithPassword("erin.new@example.com", "erin-pass-1");
  await expect(guest.collection("users").authWithPassword("erin@example.com", "erin-pass-1")).rejects.toMatchObject({
    status: 400,
  });
});

test("impersonation: a superuser gets a non-refreshable token of the chosen duration", async () => {
  const user = await register(env.t.client(), "frank@example.com", "frank-pass-1");
  const client = await env.t.pb.collection("users").impersonate(user.id, 120);
  expect(client.authStore.isValid).toBe(true);
  expect(client.authStore.record?.id).toBe(user.id);
  const claims = JSON.parse(Buffer.from(client.authStore.token.split(".")[1] ?? "", "base64url").toString());
  expect(claims).toMatchObject({ type: "auth", id: user.id, refreshable: false });
  expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(110);
  expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(120);

  // the impersonated client acts as the user; a refresh echoes the same token
  const refreshed = await client.collection("users").authRefresh();
  expect(refreshed.token).toBe(client.authStore.token);

  // duration 0 means the collection's auth token duration
  const plain = await env.t.pb.collection("users").impersonate(user.id, 0);
  const plainClaims = JSON.parse(Buffer.from(plain.authStore.token.split(".")[1] ?? "", "base64url").toString());
  expect(plainClaims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(432000 - 10);

  // only superusers may impersonate
  const userClient = env.t.client();
  await userClient.collection("users").authWithPassword("frank@example.com", "frank-pass-1");
  await expect(userClient.collection("users").impersonate(user.id, 60)).rejects.toMatchObject({ status: 403 });
  await expect(env.t.client().collection("users").impersonate(user.id, 60)).rejects.toMatchObject({ status: 401 });
  await expect(env.t.pb.collection("users").impersonate("missing", 60)).rejects.toMatchObject({ status: 404 });
});
