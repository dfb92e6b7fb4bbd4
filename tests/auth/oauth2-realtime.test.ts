import { afterAll, beforeAll, expect, test } from "bun:test";
import { EventSource } from "eventsource";
import { startOidcServer, type TestOidcServer } from "../helpers/oidc.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// Bun has no EventSource: the SDK's realtime service uses this WHATWG-compliant one
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

let t: TestServer;
let oidc: TestOidcServer;
let redirectURL: string;

const failureText = "Failed to authenticate. You can close this window and go back to the app to try again.";

beforeAll(async () => {
  t = await startTestServer();
  redirectURL = `${t.url}/api/oauth2-redirect`;
  oidc = await startOidcServer({ redirectUris: [redirectURL] });
  oidc.addAccount({ sub: "ivy-sub", email: "ivy@example.com", email_verified: true, name: "Ivy" });
  await t.pb.collections.update("users", {
    oauth2: {
      enabled: true,
      providers: [
        {
          name: "oidc",
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          authURL: oidc.authURL,
          tokenURL: oidc.tokenURL,
          userInfoURL: oidc.userInfoURL,
        },
      ],
    },
  });
});

afterAll(async () => {
  await t?.stop();
  await oidc?.stop();
});

test("the SDK's all-in-one flow: realtime @oauth2, the provider's redirect, then the code exchange", async () => {
  const pb = t.client();
  let browser: Promise<string> = Promise.resolve("");
  const res = await pb.collection("users").authWithOAuth2({
    provider: "oidc",
    urlCallback: (url) => {
      const authURL = new URL(url);
      expect(authURL.searchParams.get("redirect_uri")).toBe(redirectURL);
      // what the popup window does; the SDK may resolve before the page is read, so it is awaited below
      browser = oidc.authorize(url, "ivy-sub").then(async (back) => {
        expect(`${back.origin}${back.pathname}`).toBe(redirectURL);
        const answer = await fetch(back);
        expect(answer.status).toBe(200);
        return answer.text();
      });
    },
  });
  expect(await browser).toBe("Auth completed. You can close this window and go back to the app.");
  expect(res.meta?.isNew).toBe(true);
  expect(res.record.email).toBe("ivy@example.com");
  expect(pb.authStore.isValid).toBe(true);
  expect(pb.authStore.record?.id).toBe(res.record.id);
});

test("Apple-style form_post redirects work too, answered like GET ones", async () => {
  const pb = t.client();
  let browser: Promise<Response> | null = null;
  const res = await pb.collection("users").authWithOAuth2({
    provider: "oidc",
    urlCallback: (url) => {
      browser = oidc.authorize(url, "ivy-sub").then((back) =>
        fetch(redirectURL, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            state: back.searchParams.get("state") ?? "",
            code: back.searchParams.get("code") ?? "",
          }),
        }),
      );
    },
  });
  expect(res.meta?.isNew).toBe(false);
  expect(res.record.email).toBe("ivy@example.com");
  const posted = await (browser as Promise<Response> | null);
  expect(posted?.status).toBe(200);
  expect(posted?.headers.get("content-type")).toStartWith("text/html");
});

test("a provider error reaches the waiting client, which rejects", async () => {
  const pb = t.client();
  let page: Promise<string> = Promise.resolve("");
  const login = pb.collection("users").authWithOAuth2({
    provider: "oidc",
    urlCallback: (url) => {
      const state = new URL(url).searchParams.get("state") ?? "";
      // the client may reject before this answer is read: the test awaits it below
      page = fetch(`${redirectURL}?state=${state}&error=access_denied`).then((r) => r.text());
    },
  });
  const err = await login.then(
    () => null,
    (e: { originalError?: { message?: string } }) => e,
  );
  expect(err?.originalError?.message).toContain("access_denied");
  expect(await page).toBe(failureText);
  expect(pb.authStore.isValid).toBe(false);
});

test("a redirect for no live @oauth2 subscriber tells the browser it failed", async () => {
  for (const url of [`${redirectURL}?state=nobody&code=abc`, redirectURL]) {
    const answer = await fetch(url, { redirect: "manual" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toStartWith("text/plain");
    expect(await answer.text()).toBe(failureText);
  }
  const posted = await fetch(redirectURL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  expect(await posted.text()).toBe(failureText);
});
