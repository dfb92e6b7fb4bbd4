import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { register } from "./setup.ts";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await t.pb.collections.create({ name: "rl_posts", type: "base", listRule: "", viewRule: "", createRule: "" });
});
afterAll(() => t.stop());

interface Rule {
  label: string;
  audience?: "" | "@guest" | "@auth";
  duration?: number;
  maxRequests: number;
}

/**
 * setLimits replaces the rate limit settings (every rule field given, as a settings patch merges list items
 * into the stored ones); saving the settings also starts every count afresh.
 */
async function setLimits(rules: Rule[], extra: { enabled?: boolean; excludedIPs?: string[] } = {}) {
  await t.pb.settings.update({
    rateLimits: {
      enabled: extra.enabled ?? true,
      excludedIPs: extra.excludedIPs ?? [],
      rules: rules.map((r) => ({ audience: "", duration: 10, ...r })),
    },
  });
}

const tooMany = { data: {}, message: "Too Many Requests.", status: 429 };

async function call(method: string, path: string, body?: unknown, token = "") {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = token;
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
}

const statuses = async (n: number, fn: () => Promise<{ status: number }>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fn()).status);
  return out;
};

const login = (collection: string) => () =>
  call("POST", `/api/collections/${collection}/auth-with-password`, { identity: "x@example.com", password: "nope" });

test("PocketBase's default rules: the third auth within 3 s is refused, per collection and endpoint", async () => {
  await setLimits([
    { label: "*:auth", duration: 3, maxRequests: 2 },
    { label: "*:create", duration: 5, maxRequests: 20 },
    { label: "/api/batch", duration: 1, maxRequests: 3 },
    { label: "/api/", duration: 10, maxRequests: 300 },
  ]);
  expect(await statuses(3, login("users"))).toEqual([400, 400, 429]);
  const refused = await login("users")();
  expect(refused.body).toEqual(tooMany);
  // another collection and another auth endpoint count on their own
  expect(await statuses(2, login("_superusers"))).toEqual([400, 400]);
  const otp = await call("POST", "/api/collections/users/auth-with-otp", { otpId: "x", password: "1" });
  expect(otp.status).toBe(403);
  // other endpoints fall back to the `/api/` rule
  expect(await statuses(3, () => call("GET", "/api/collections/users/auth-methods"))).toEqual([200, 200, 200]);
});

test("a new window starts once the rule's duration has passed", async () => {
  await setLimits([{ label: "*:auth", duration: 1, maxRequests: 1 }]);
  // windows start at whole seconds: begin right after one, and send both at once (the limiter counts them on
  // arrival, before the password check), so each pair shares a window however slow the machine is
  const pair = async () => (await Promise.all([login("users")(), login("users")()])).map((r) => r.status).sort();
  await Bun.sleep(1000 - (Date.now() % 1000) + 20);
  expect(await pair()).toEqual([400, 429]);
  await Bun.sleep(1100);
  expect(await pair()).toEqual([400, 429]);
});

test("labels: collection tags, method and path, path, path prefix", async () => {
  await setLimits([{ label: "users:create", maxRequests: 1 }]);
  const signUp = (email: string) =>
    call("POST", "/api/collections/users/records", { email, password: "pass-12345", passwordConfirm: "pass-12345" });
  expect((await signUp("rl1@example.com")).status).toBe(200);
  expect((await signUp("rl2@example.com")).body).toEqual(tooMany);
  // no rule for the other collection's creates
  expect(await statuses(3, () => call("POST", "/api/collections/rl_posts/records", {}))).toEqual([200, 200, 200]);

  await setLimits([{ label: "GET /api/health", maxRequests: 1 }]);
  expect(await statuses(2, () => call("GET", "/api/health"))).toEqual([200, 429]);

  await setLimits([{ label: "/api/health", maxRequests: 2 }]);
  expect(await statuses(3, () => call("GET", "/api/health"))).toEqual([200, 200, 429]);

  // a prefix rule counts each collection's records endpoint on its own; other routes share one count
  await setLimits([{ label: "/api/collections/", maxRequests: 2 }]);
  expect(await statuses(3, () => call("GET", "/api/collections/users/records"))).toEqual([200, 200, 429]);
  expect(await statuses(3, () => call("GET", "/api/collections/rl_posts/records"))).toEqual([200, 200, 429]);
  expect(await statuses(3, () => call("GET", "/api/collections"))).toEqual([401, 401, 429]);
  expect((await call("GET", "/api/health")).status).toBe(200);
});

test("the collection's own label wins over the wildcard one", async () => {
  await setLimits([
    { label: "*:list", maxRequests: 1 },
    { label: "rl_posts:list", maxRequests: 3 },
  ]);
  expect(await statuses(4, () => call("GET", "/api/collections/rl_posts/records"))).toEqual([200, 200, 200, 429]);
  expect(await statuses(2, () => call("GET", "/api/collections/users/records"))).toEqual([200, 429]);
});

test("audiences: @guest rules leave authenticated requests alone, @auth rules the guests", async () => {
  const pb = t.client();
  await register(pb, "rl-audience@example.com", "pass-12345");
  const { token } = await pb.collection("users").authWithPassword("rl-audience@example.com", "pass-12345");
  const list =
    (tk = "") =>
    () =>
      call("GET", "/api/collections/rl_posts/records", undefined, tk);

  await setLimits([{ label: "rl_posts:list", audience: "@guest", maxRequests: 1 }]);
  expect(await statuses(2, list())).toEqual([200, 429]);
  expect(await statuses(3, list(token))).toEqual([200, 200, 200]);

  await setLimits([{ label: "rl_posts:list", audience: "@auth", maxRequests: 1 }]);
  expect(await statuses(2, list(token))).toEqual([200, 429]);
  expect(await statuses(3, list())).toEqual([200, 200, 200]);
});

test("superusers, excluded IPs and disabled limits are never counted", async () => {
  await setLimits([{ label: "/api/", maxRequests: 1 }]);
  for (let i = 0; i < 3; i++) await t.pb.collections.getList(1, 1);
  expect(await statuses(2, () => call("GET", "/api/health"))).toEqual([200, 429]);

  await setLimits([{ label: "/api/", maxRequests: 1 }], { excludedIPs: ["127.0.0.0/8"] });
  expect(await statuses(3, () => call("GET", "/api/health"))).toEqual([200, 200, 200]);
  await setLimits([{ label: "/api/", maxRequests: 1 }], { excludedIPs: ["10.0.0.1"] });
  expect(await statuses(2, () => call("GET", "/api/health"))).toEqual([200, 429]);

  await setLimits([{ label: "/api/", maxRequests: 1 }], { enabled: false });
  expect(await statuses(3, () => call("GET", "/api/health"))).toEqual([200, 200, 200]);
});

test("an unknown collection is a 404, never counted", async () => {
  await setLimits([
    { label: "*:auth", maxRequests: 1 },
    { label: "/api/", maxRequests: 1 },
  ]);
  for (const path of ["/api/collections/nope/auth-with-password", "/api/collections/nope/records"]) {
    const method = path.endsWith("records") ? "GET" : "POST";
    const answers = await Promise.all([1, 2, 3].map(() => call(method, path, method === "POST" ? {} : undefined)));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
  }
  expect((await call("POST", "/api/collections/nope/auth-with-password", {})).body).toEqual({
    data: {},
    message: "Missing or invalid collection context.",
    status: 404,
  });
});

test("realtime requests count like any other route", async () => {
  await setLimits([{ label: "/api/realtime", maxRequests: 1 }]);
  const first = await call("POST", "/api/realtime", { clientId: "missing", subscriptions: [] });
  expect(first.status).not.toBe(429);
  expect((await call("POST", "/api/realtime", { clientId: "missing", subscriptions: [] })).body).toEqual(tooMany);
  await setLimits([], { enabled: false });
});

test("a refusal by the global limiter carries the CORS and security headers, so a browser app can read it", async () => {
  await setLimits([{ label: "/api/health", maxRequests: 1 }]);
  const get = () => fetch(`${t.url}/api/health`, { headers: { origin: "http://localhost:5173" } });
  expect((await get()).status).toBe(200);
  const refused = await get();
  expect(refused.status).toBe(429);
  expect(await refused.json()).toEqual(tooMany);
  expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  expect(refused.headers.get("vary")).toBe("Origin");
  expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
  expect(refused.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  await setLimits([], { enabled: false });
});
