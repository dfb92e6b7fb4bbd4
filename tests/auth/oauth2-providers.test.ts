import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AuthUser } from "../../src/tools/auth/auth.ts";
import { listProviders, newProviderByName } from "../../src/tools/auth/registry.ts";
import { isPublicAddress, SafeDownloadError, safeDownload } from "../../src/tools/auth/safe-fetch.ts";

/**
 * A fake provider API on loopback: `/token` answers a token (refusing Basic credentials when the path says
 * so, as providers that want them in the body do), `/user` the profile under test, `/user/emails` a list.
 */
let server: ReturnType<typeof Bun.serve>;
let profile: Record<string, unknown> = {};
let emails: unknown = [];
const seen: { authorization: string | null; body: string; headers: Headers }[] = [];

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const body = req.method === "POST" ? await req.text() : "";
      seen.push({ authorization: req.headers.get("authorization"), body, headers: req.headers });
      if (url.pathname.startsWith("/token")) {
        const form = new URLSearchParams(body);
        if (form.get("code") !== "good-code") return Response.json({ error: "invalid_grant" }, { status: 400 });
        if (url.pathname === "/token-body-only" && req.headers.get("authorization"))
          return Response.json({ error: "invalid_client" }, { status: 401 });
        return Response.json({ access_token: "at-123", token_type: "bearer", expires_in: 60, email: "vk@example.com" });
      }
      if (url.pathname === "/user/emails") return Response.json(emails);
      if (url.pathname === "/user") return Response.json(profile);
      if (url.pathname === "/big") return new Response(new Uint8Array(4096));
      if (url.pathname === "/hop") return Response.redirect(`${url.origin}/user`, 302);
      return new Response("not found", { status: 404 });
    },
  });
});

afterAll(() => server?.stop(true));

const base = () => `http://127.0.0.1:${server.port}`;

async function authUser(name: string, raw: Record<string, unknown>, tokenPath = "/token"): Promise<AuthUser> {
  profile = raw;
  const provider = newProviderByName(name);
  if (!provider) throw new Error(`unknown provider ${name}`);
  provider.configure({
    clientId: "cid",
    clientSecret: "secret",
    tokenURL: `${base()}${tokenPath}`,
    userInfoURL: `${base()}/user`,
  });
  provider.redirectURL = "http://app.test/cb";
  const tokens = await provider.fetchToken("good-code", "verifier-1");
  return provider.fetchAuthUser(tokens);
}

describe("provider profiles map to PocketBase's fields", () => {
  const cases: [string, Record<string, unknown>, Partial<AuthUser>][] = [
    [
      "google",
      { sub: "g1", name: "G User", picture: "https://x/p.png", email: "g@example.com", email_verified: true },
      { id: "g1", name: "G User", avatarURL: "https://x/p.png", email: "g@example.com" },
    ],
    ["google", { sub: "g2", email: "g@example.com", email_verified: false }, { id: "g2", email: "" }],
    [
      "gitlab",
      { id: 42, name: "L", username: "lab", email: "l@example.com", confirmed_at: "2020-01-01T00:00:00Z" },
      { id: "42", username: "lab", email: "l@example.com" },
    ],
    ["gitlab", { id: 43, email: "l@example.com", confirmed_at: null }, { id: "43", email: "" }],
    [
      "discord",
      { id: "d1", username: "disco", discriminator: "1234", avatar: "abc", email: "d@example.com", verified: true },
      {
        id: "d1",
        name: "disco#1234",
        username: "disco",
        avatarURL: "https://cdn.discordapp.com/avatars/d1/abc.png",
        email: "d@example.com",
      },
    ],
    [
      "facebook",
      { id: "f1", name: "F", email: "f@example.com", picture: { data: { url: "https://x/f.png" } } },
      { id: "f1", name: "F", email: "f@example.com", avatarURL: "https://x/f.png" },
    ],
    [
      "microsoft",
      { id: "m1", displayName: "M S", mail: "m@example.com" },
      { id: "m1", name: "M S", email: "m@example.com" },
    ],
    [
      "oidc2",
      { sub: "o1", name: "O", preferred_username: "oo", picture: "p", email: "o@example.com", email_verified: "true" },
      { id: "o1", name: "O", username: "oo", avatarURL: "p", email: "o@example.com" },
    ],
    [
      "twitch",
      { data: [{ id: "t1", login: "tw", display_name: "T W", email: "t@example.com", profile_image_url: "i" }] },
      { id: "t1", name: "T W", username: "tw", email: "t@example.com", avatarURL: "i" },
    ],
    [
      "vk",
      { response: [{ id: 7, first_name: "V", last_name: "K", screen_name: "vk7", photo_max: "ph" }] },
      { id: "7", name: "V K", username: "vk7", avatarURL: "ph", email: "vk@example.com" },
    ],
    ["strava", { id: 9, firstname: "S", lastname: "T", username: "st" }, { id: "9", name: "S T", username: "st" }],
  ];
  for (const [name, raw, expected] of cases) {
    test(`${name}: ${JSON.stringify(raw).slice(0, 60)}`, async () => {
      const user = await authUser(name, raw);
      expect(user).toMatchObject({ ...expected, accessToken: "at-123", refreshToken: "", rawUser: raw });
      expect(user.expiry).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  }

  test("github reads the verified primary email from the emails list", async () => {
    emails = [
      { email: "old@example.com", verified: true, primary: false },
      { email: "main@example.com", verified: true, primary: true },
    ];
    const user = await authUser("github", { id: 5, login: "octo", name: "Octo", avatar_url: "a" });
    expect(user).toMatchObject({ id: "5", username: "octo", name: "Octo", email: "main@example.com" });
    emails = [{ email: "main@example.com", verified: false, primary: true }];
    expect((await authUser("github", { id: 5 })).email).toBe("");
  });

  test("inactive accounts are refused", async () => {
    await expect(authUser("box", { id: "b", status: "inactive" })).rejects.toThrow(/not active/);
    await expect(authUser("gitea", { id: 1, active: false })).rejects.toThrow(/not active/);
  });
});

describe("the code exchange", () => {
  test("sends the code, verifier and redirect with Basic credentials, then in the body when refused", async () => {
    seen.length = 0;
    await authUser("google", { sub: "x" });
    const token = seen.find((s) => s.body.includes("grant_type"));
    expect(token?.authorization).toBe(`Basic ${btoa("cid:secret")}`);
    const form = new URLSearchParams(token?.body);
    expect(form.get("code_verifier")).toBe("verifier-1");
    expect(form.get("redirect_uri")).toBe("http://app.test/cb");
    expect(seen.find((s) => s.authorization?.startsWith("Bearer"))?.authorization).toBe("Bearer at-123");

    seen.length = 0;
    await authUser("google", { sub: "x" }, "/token-body-only");
    const retried = seen.filter((s) => s.body.includes("grant_type"));
    expect(retried).toHaveLength(2);
    const second = new URLSearchParams(retried[1]?.body);
    expect(retried[1]?.authorization).toBeNull();
    expect([second.get("client_id"), second.get("client_secret")]).toEqual(["cid", "secret"]);
  });

  test("providers without PKCE send no verifier; a bad code fails", async () => {
    seen.length = 0;
    await authUser("vk", { response: [{ id: 1 }] });
    expect(new URLSearchParams(seen[0]?.body).has("code_verifier")).toBe(false);
    const provider = newProviderByName("google");
    provider?.configure({ clientId: "cid", clientSecret: "s", tokenURL: `${base()}/token` });
    await expect(provider?.fetchToken("bad-code", "v") ?? Promise.resolve()).rejects.toThrow();
  });
});

describe("authorization URLs", () => {
  test("are encoded with sorted keys as Go's oauth2 package does", () => {
    const google = newProviderByName("google")?.configure({ clientId: "my id" });
    expect(google?.buildAuthURL("st", { code_challenge: "cc", code_challenge_method: "S256" })).toBe(
      "https://accounts.google.com/o/oauth2/v2/auth?client_id=my+id&code_challenge=cc&code_challenge_method=S256" +
        "&response_type=code&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.profile+" +
        "https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.email&state=st",
    );
    const withQuery = newProviderByName("oidc")?.configure({ clientId: "c", authURL: "https://id.test/auth?x=1" });
    expect(withQuery?.buildAuthURL("s")).toBe(
      "https://id.test/auth?x=1&client_id=c&response_type=code&scope=openid+email+profile&state=s",
    );
  });

  test("microsoft asks for openid when the email comes from the id_token", () => {
    const ms = newProviderByName("microsoft")?.configure({ extra: { idTokenEmailClaim: "email" } });
    expect(ms?.settings.scopes).toEqual(["User.Read", "openid"]);
  });

  test("every provider has a display name and a logo", () => {
    for (const p of listProviders()) {
      expect(p.displayName).not.toBe("");
      expect(p.logo).toStartWith("<svg");
    }
  });
});

describe("safe downloads", () => {
  const anyAddress = () => true;

  test("refuse loopback, private and link-local addresses, by literal or by name", async () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd00::1"])
      expect(isPublicAddress(address)).toBe(false);
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    await expect(safeDownload(`${base()}/user`, { timeoutMs: 2000, maxBytes: 1000 })).rejects.toThrow(
      SafeDownloadError,
    );
    const byName = `http://localhost:${server.port}/user`;
    await expect(safeDownload(byName, { timeoutMs: 2000, maxBytes: 1000 })).rejects.toThrow(/disallowed/);
    await expect(safeDownload("file:///etc/passwd", { timeoutMs: 2000, maxBytes: 1000 })).rejects.toThrow(
      /unsupported/,
    );
  });

  test("follow redirects and bound the size when the address is allowed", async () => {
    profile = { ok: true };
    const body = await safeDownload(`${base()}/hop`, { timeoutMs: 2000, maxBytes: 1000, isAllowedAddress: anyAddress });
    expect(new TextDecoder().decode(body)).toBe('{"ok":true}');
    await expect(
      safeDownload(`${base()}/big`, { timeoutMs: 2000, maxBytes: 1000, isAllowedAddress: anyAddress }),
    ).rejects.toThrow(/larger/);
    await expect(
      safeDownload(`${base()}/missing`, { timeoutMs: 2000, maxBytes: 1000, isAllowedAddress: anyAddress }),
    ).rejects.toThrow(/404/);
  });
});
