import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import type { AuthProviderInfo, RecordAuthResponse, RecordModel } from "pocketbase";
import { type OidcAccount, startOidcServer, type TestOidcServer } from "../helpers/oidc.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError } from "./setup.ts";

let t: TestServer;
let oidc: TestOidcServer;
/** A redirect URI the tests complete by hand (nothing listens there: the code is read from the redirect). */
const manualRedirect = "http://127.0.0.1:9/callback";

const alice: OidcAccount = {
  sub: "alice-sub",
  email: "alice@example.com",
  email_verified: true,
  name: "Alice Liddell",
  preferred_username: "alice",
  picture: "https://images.example.com/alice.png",
};

beforeAll(async () => {
  t = await startTestServer();
  oidc = await startOidcServer({ redirectUris: [manualRedirect, `${t.url}/api/oauth2-redirect`] });
  oidc.addAccount(alice);
  await t.pb.collections.update("users", {
    fields: [...(await t.pb.collections.getOne("users")).fields, { name: "website", type: "url" }],
  });
  await configureOidc({ name: "name", avatarURL: "website" });
});

afterAll(async () => {
  await t?.stop();
  await oidc?.stop();
});

/** configureOidc makes the test provider the `oidc` provider of `users`, with the given mapped fields. */
async function configureOidc(
  mappedFields: Record<string, string>,
  createRule: string | null = "",
  issuers: string[] = [oidc.issuer],
) {
  await t.pb.collections.update("users", {
    createRule,
    oauth2: {
      enabled: true,
      mappedFields: { id: "", name: "", username: "", avatarURL: "", ...mappedFields },
      providers: [
        {
          name: "oidc",
          displayName: "Test OIDC",
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          authURL: oidc.authURL,
          tokenURL: oidc.tokenURL,
          userInfoURL: oidc.userInfoURL,
        },
        {
          // no user info URL: the profile is the id_token, checked against the provider's keys
          name: "oidc2",
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          authURL: oidc.authURL,
          tokenURL: oidc.tokenURL,
          extra: { jwksURL: oidc.jwksURL, issuers },
        },
      ],
    },
  });
}

async function oidcInfo(pb: PocketBase, provider = "oidc"): Promise<AuthProviderInfo> {
  const methods = await pb.collection("users").listAuthMethods();
  const info = methods.oauth2.providers.find((p) => p.name === provider);
  if (!info) throw new Error("the oidc provider is not listed");
  return info;
}

/** login runs the browser part of the flow for `account` and exchanges the code through the SDK. */
async function login(
  account: OidcAccount,
  options: { pb?: PocketBase; createData?: Record<string, unknown>; provider?: string } = {},
): Promise<RecordAuthResponse<RecordModel>> {
  oidc.addAccount(account);
  const pb = options.pb ?? t.client();
  const provider = options.provider ?? "oidc";
  const info = await oidcInfo(pb, provider);
  const back = await oidc.authorize(info.authURL + encodeURIComponent(manualRedirect), account.sub);
  expect(back.searchParams.get("state")).toBe(info.state);
  const code = back.searchParams.get("code") ?? "";
  return pb
    .collection("users")
    .authWithOAuth2Code(provider, code, info.codeVerifier, manualRedirect, options.createData);
}

async function linksOf(recordId: string) {
  return t.pb.collection("_externalAuths").getFullList({ filter: t.pb.filter("recordRef = {:id}", { id: recordId }) });
}

describe("auth-methods", () => {
  test("lists the provider with a fresh state, an S256 PKCE pair and an authorization URL to complete", async () => {
    const info = await oidcInfo(t.client());
    expect(info.displayName).toBe("Test OIDC");
    expect(info.state).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(info.codeVerifier).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(info.codeChallengeMethod).toBe("S256");
    const digest = new Bun.CryptoHasher("sha256").update(info.codeVerifier).digest("base64url");
    expect(info.codeChallenge).toBe(digest);
    expect(info.authURL.endsWith("&redirect_uri=")).toBe(true);
    const url = new URL(info.authURL);
    expect(`${url.origin}${url.pathname}`).toBe(oidc.authURL);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: oidc.clientId,
      code_challenge: info.codeChallenge,
      code_challenge_method: "S256",
      response_type: "code",
      scope: "openid email profile",
      state: info.state,
      redirect_uri: "",
    });
    // legacy names for older SDKs
    expect((info as unknown as { authUrl: string }).authUrl).toBe(info.authURL);
    const again = await oidcInfo(t.client());
    expect(again.state).not.toBe(info.state);
  });
});

describe("auth-with-oauth2", () => {
  test("the first login signs up a verified user with the mapped profile; the second logs the same user in", async () => {
    const pb = t.client();
    const first = await login(alice, { pb });
    expect(first.meta?.isNew).toBe(true);
    expect(first.meta).toMatchObject({
      id: "alice-sub",
      name: "Alice Liddell",
      username: "alice",
      email: "alice@example.com",
      avatarURL: alice.picture,
      avatarUrl: alice.picture,
    });
    expect(first.meta?.accessToken).toBeString();
    expect(first.meta?.expiry).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.meta?.rawUser).toMatchObject({ sub: "alice-sub", email_verified: true });
    expect(first.record).toMatchObject({
      email: "alice@example.com",
      verified: true,
      name: "Alice Liddell",
      website: alice.picture,
    });
    expect(pb.authStore.isValid).toBe(true);
    expect(pb.authStore.record?.id).toBe(first.record.id);

    const links = await linksOf(first.record.id);
    expect(links.map((l) => [l.provider, l.providerId, l.collectionRef])).toEqual([
      ["oidc", "alice-sub", first.record.collectionId],
    ]);

    const second = await login(alice);
    expect(second.meta?.isNew).toBe(false);
    expect(second.record.id).toBe(first.record.id);
    expect(await linksOf(first.record.id)).toHaveLength(1);
  });

  test("links a new OAuth2 account to the verified user with the same email, keeping their password", async () => {
    const existing = await t.pb
      .collection("users")
      .create({ email: "bob@example.com", password: "bob-pass-123", passwordConfirm: "bob-pass-123", verified: true });
    const res = await login({ sub: "bob-sub", email: "bob@example.com", email_verified: true, name: "Bob" });
    expect(res.meta?.isNew).toBe(false);
    expect(res.record.id).toBe(existing.id);
    expect((await linksOf(existing.id)).map((l) => l.providerId)).toEqual(["bob-sub"]);
    await t.client().collection("users").authWithPassword("bob@example.com", "bob-pass-123");
  });

  test("an unverified user with the same email loses its password and becomes verified (no pre-hijack)", async () => {
    const squatter = await t
      .client()
      .collection("users")
      .create({ email: "carol@example.com", password: "squatter-pass-1", passwordConfirm: "squatter-pass-1" });
    const res = await login({ sub: "carol-sub", email: "carol@example.com", email_verified: true, name: "Carol" });
    expect(res.record.id).toBe(squatter.id);
    expect(res.record.verified).toBe(true);
    const err = await apiError(t.client().collection("users").authWithPassword("carol@example.com", "squatter-pass-1"));
    expect(err.status).toBe(400);
  });

  test("an email the provider didn't verify links nothing: the user is signed up with createData's email", async () => {
    const res = await login(
      { sub: "dave-sub", email: "alice@example.com", email_verified: false, name: "Dave" },
      { createData: { email: "dave@example.com", name: "Dave D" } },
    );
    expect(res.meta?.isNew).toBe(true);
    expect(res.meta?.email).toBe("");
    expect(res.record.email).toBe("dave@example.com");
    expect(res.record.name).toBe("Dave D");
    // the provider didn't vouch for that address
    expect(res.record.verified).toBe(false);
  });

  test("verifying a user's email later drops the OAuth2 links made before and signs them out", async () => {
    const pb = t.client();
    const res = await login(
      { sub: "henry-sub", email: "henry@example.com", email_verified: true },
      { pb, createData: { email: "henry.other@example.com" } },
    );
    expect(res.record.verified).toBe(false);
    expect(await linksOf(res.record.id)).toHaveLength(1);
    await t.pb.collection("users").update(res.record.id, { verified: true });
    expect(await linksOf(res.record.id)).toHaveLength(0);
    expect((await apiError(pb.collection("users").authRefresh())).status).toBe(401);
  });

  test("an OIDC provider without a user info URL reads the profile from the verified id_token", async () => {
    const jade: OidcAccount = { sub: "jade-sub", email: "jade@example.com", email_verified: true, name: "Jade" };
    const res = await login(jade, { provider: "oidc2" });
    expect(res.meta).toMatchObject({ id: "jade-sub", name: "Jade", email: "jade@example.com", isNew: true });
    expect(res.meta?.rawUser).toMatchObject({ iss: oidc.issuer, aud: oidc.clientId });
    expect((await linksOf(res.record.id)).map((l) => l.provider)).toEqual(["oidc2"]);

    await configureOidc({ name: "name", avatarURL: "website" }, "", ["https://someone-else.test"]);
    try {
      const err = await apiError(login(jade, { provider: "oidc2" }));
      expect(err).toMatchObject({ status: 400, message: "Failed to fetch OAuth2 user." });
    } finally {
      await configureOidc({ name: "name", avatarURL: "website" });
    }
  });

  test("with MFA, an OAuth2 login is a first factor that a password login completes", async () => {
    await t.pb.collection("users").create({
      email: "kim@example.com",
      password: "kim-pass-1234",
      passwordConfirm: "kim-pass-1234",
      verified: true,
    });
    const kim: OidcAccount = { sub: "kim-sub", email: "kim@example.com", email_verified: true };
    await t.pb.collections.update("users", { mfa: { enabled: true } });
    try {
      const first = await login(kim).then(
        () => null,
        (err: { status: number; response: { mfaId?: string } }) => err,
      );
      expect(first?.status).toBe(401);
      const mfaId = first?.response.mfaId ?? "";
      expect(mfaId).not.toBe("");
      const pb = t.client();
      const second = await pb.collection("users").authWithPassword("kim@example.com", "kim-pass-1234", { mfaId });
      expect(second.record.email).toBe("kim@example.com");
      expect(pb.authStore.isValid).toBe(true);
    } finally {
      await t.pb.collections.update("users", { mfa: { enabled: false } });
    }
  });

  test("onRecordAuthWithOAuth2Request sees the provider's user and may change the sign-up data", async () => {
    const seen: { provider: string; isNew: boolean; userId: string }[] = [];
    const id = t.app.onRecordAuthWithOAuth2Request("users").bindFunc(async (e) => {
      seen.push({ provider: e.providerName, isNew: e.isNewRecord, userId: e.oAuth2User.id });
      e.createData.name = "Named by a hook";
      await e.next();
    });
    try {
      const res = await login({ sub: "lena-sub", email: "lena@example.com", email_verified: true, name: "Lena" });
      expect(seen).toEqual([{ provider: "oidc", isNew: true, userId: "lena-sub" }]);
      expect(res.record.name).toBe("Named by a hook");
    } finally {
      t.app.onRecordAuthWithOAuth2Request("users").unbind(id);
    }
  });

  test("a logged-in user links the OAuth2 account to themself", async () => {
    const pb = t.client();
    await t.pb.collection("users").create({
      email: "erin@example.com",
      password: "erin-pass-123",
      passwordConfirm: "erin-pass-123",
      verified: true,
    });
    const authed = await pb.collection("users").authWithPassword("erin@example.com", "erin-pass-123");
    const res = await login({ sub: "erin-other", email: "erin.work@example.com", email_verified: true }, { pb });
    expect(res.record.id).toBe(authed.record.id);
    expect(res.record.email).toBe("erin@example.com");
    expect((await linksOf(authed.record.id)).map((l) => l.providerId)).toEqual(["erin-other"]);
  });

  test("the create rule applies to OAuth2 sign-ups (request context oauth2)", async () => {
    await configureOidc({ name: "name" }, "@request.context != 'oauth2'");
    try {
      const err = await apiError(login({ sub: "frank-sub", email: "frank@example.com", email_verified: true }));
      expect(err.status).toBe(400);
      expect(err.message).toBe("Failed to create record.");
      const found = await t.pb.collection("users").getList(1, 1, { filter: 'email = "frank@example.com"' });
      expect(found.totalItems).toBe(0);
      // logins of existing users don't create anything, so the rule doesn't stop them
      expect((await login(alice)).meta?.isNew).toBe(false);
    } finally {
      await configureOidc({ name: "name", avatarURL: "website" });
    }
  });

  test("an avatar mapped to a file field is never downloaded from an internal address", async () => {
    await configureOidc({ name: "name", avatarURL: "avatar" });
    try {
      const res = await login({
        sub: "gina-sub",
        email: "gina@example.com",
        email_verified: true,
        picture: `${t.url}/api/health`,
      });
      expect(res.meta?.isNew).toBe(true);
      expect(res.record.avatar).toBe("");
    } finally {
      await configureOidc({ name: "name", avatarURL: "website" });
    }
  });

  test("bad input gets PocketBase's 4xx answers", async () => {
    const pb = t.client();
    const info = await oidcInfo(pb);
    const users = pb.collection("users");

    const badCode = await apiError(users.authWithOAuth2Code("oidc", "not-a-code", info.codeVerifier, manualRedirect));
    expect(badCode).toMatchObject({ status: 400, message: "Failed to fetch OAuth2 token." });

    const unknown = await apiError(users.authWithOAuth2Code("github", "code", "", manualRedirect));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toBe("An error occurred while loading the submitted data.");
    expect(unknown.data.provider).toMatchObject({ code: "validation_invalid_provider" });

    const missing = await apiError(pb.send("/api/collections/users/auth-with-oauth2", { method: "POST", body: {} }));
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.data).sort()).toEqual(["code", "provider"]);

    const badCreateData = await apiError(
      pb.send("/api/collections/users/auth-with-oauth2", {
        method: "POST",
        body: { provider: "oidc", code: "x", createData: "nope" },
      }),
    );
    expect(badCreateData.status).toBe(400);

    const notAuth = await apiError(
      pb.send("/api/collections/_externalAuths/auth-with-oauth2", {
        method: "POST",
        body: { provider: "oidc", code: "x" },
      }),
    );
    expect(notAuth.status).toBe(404);

    const superusers = await apiError(
      pb.send("/api/collections/_superusers/auth-with-oauth2", {
        method: "POST",
        body: { provider: "oidc", code: "x" },
      }),
    );
    expect(superusers).toMatchObject({
      status: 403,
      message: "The collection is not configured to allow OAuth2 authentication.",
    });
  });
});

describe("collection options and the providers list", () => {
  test("provider configs are checked while OAuth2 is enabled", async () => {
    const err = await apiError(
      t.pb.collections.update("users", {
        oauth2: { enabled: true, providers: [{ name: "nope", clientId: "x", clientSecret: "y" }] },
      }),
    );
    expect(err.status).toBe(400);
    const providers = (err.data.oauth2 as { providers: Record<string, Record<string, { code: string }>> }).providers;
    expect(providers["0"]?.name?.code).toBe("validation_missing_provider");
    const saved = await t.pb.collections.create({
      name: "oauth2_off",
      type: "auth",
      oauth2: { enabled: false, providers: [{ name: "nope" }] },
    });
    expect(saved.oauth2.enabled).toBe(false);
    await t.pb.collections.delete("oauth2_off");
  });

  test("superusers list every known provider in PocketBase's order", async () => {
    const list = await t.pb.send<{ name: string; displayName: string; logo: string }[]>(
      "/api/collections/meta/oauth2-providers",
      {},
    );
    expect(list.slice(0, 4).map((p) => p.name)).toEqual(["apple", "google", "microsoft", "yandex"]);
    expect(list.slice(-3).map((p) => p.name)).toEqual(["oidc", "oidc2", "oidc3"]);
    expect(list).toHaveLength(32);
    expect(list.every((p) => p.logo.startsWith("<svg"))).toBe(true);
    const guest = await apiError(t.client().send("/api/collections/meta/oauth2-providers", {}));
    expect(guest.status).toBe(401);
  });
});
