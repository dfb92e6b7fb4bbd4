import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Hono } from "hono";
import { newRouter } from "../../src/apis/base.ts";
import type { RouterEnv } from "../../src/apis/middlewares.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
let open: Hono<RouterEnv>;
let restricted: Hono<RouterEnv>;
beforeAll(async () => {
  t = await newTestApp();
  open = newRouter(t.app);
  restricted = newRouter(t.app, {
    origins: ["https://app.example.com", "https://*.example.org", "http://localhost:?000"],
  });
});
afterAll(async () => {
  await t.cleanup();
});

const call = (router: Hono<RouterEnv>, path: string, init: RequestInit = {}) =>
  router.fetch(new Request(`http://localhost${path}`, init));

const securityHeaders = {
  "x-xss-protection": "1; mode=block",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
};

function headersOf(res: Response, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((n) => [n, res.headers.get(n)]));
}

describe("CORS", () => {
  test("a preflight from an allowed origin gets the allowed methods and the requested headers", async () => {
    const res = await call(open, "/api/collections/posts/records", {
      method: "OPTIONS",
      headers: {
        Origin: "https://somewhere.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(
      headersOf(res, [
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "vary",
      ]),
    ).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
      "access-control-allow-headers": "authorization,content-type",
      vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    });
  });

  test("every OPTIONS request is a 204, on any path, with or without an origin", async () => {
    for (const path of ["/api/health", "/api/nope", "/anything"]) {
      const res = await call(open, path, { method: "OPTIONS" });
      expect(res.status).toBe(204);
      expect(headersOf(res, ["vary", "access-control-allow-origin"])).toEqual({
        vary: "Origin",
        "access-control-allow-origin": null,
      });
    }
  });

  test("responses name the allowed origin and vary on Origin", async () => {
    const res = await call(open, "/api/health", { headers: { Origin: "https://somewhere.test" } });
    expect(headersOf(res, ["access-control-allow-origin", "vary"])).toEqual({
      "access-control-allow-origin": "*",
      vary: "Origin",
    });
    const noOrigin = await call(open, "/api/health");
    expect(headersOf(noOrigin, ["access-control-allow-origin", "vary"])).toEqual({
      "access-control-allow-origin": null,
      vary: "Origin",
    });
  });

  test("an Access-Control-Allow-Origin the handler set is kept, as PocketBase sets it before the handler runs", async () => {
    const unbind = t.app.onRecordsListRequest().bind({
      func: async (e) => {
        await e.next();
        e.response?.headers.set("Access-Control-Allow-Origin", "https://mine.test");
      },
    });
    try {
      // `*` (the answer made with the shared headers) and an echoed origin (set after the handler)
      for (const [router, origin] of [
        [open, "https://somewhere.test"],
        [restricted, "https://app.example.com"],
      ] as const) {
        const res = await call(router, "/api/collections/users/records", { headers: { Origin: origin } });
        expect(res.status).toBe(200);
        expect(headersOf(res, ["access-control-allow-origin", "vary", "x-frame-options"])).toEqual({
          "access-control-allow-origin": "https://mine.test",
          vary: "Origin",
          "x-frame-options": "SAMEORIGIN",
        });
      }
    } finally {
      t.app.onRecordsListRequest().unbind(unbind);
    }
    const res = await call(restricted, "/api/collections/users/records", {
      headers: { Origin: "https://app.example.com" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  test("a list of origins allows exact entries, subdomain wildcards and patterns, and nothing else", async () => {
    const allowed = ["https://app.example.com", "https://a.b.example.org", "http://localhost:3000"];
    for (const origin of allowed) {
      const res = await call(restricted, "/api/health", { headers: { Origin: origin } });
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    }
    const refused = ["https://evil.com", "http://app.example.com", "https://example.org", "http://localhost:30000"];
    for (const origin of refused) {
      const res = await call(restricted, "/api/health", { headers: { Origin: origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await call(restricted, "/api/health", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
      });
      expect(preflight.status).toBe(204);
      expect(headersOf(preflight, ["access-control-allow-origin", "access-control-allow-methods"])).toEqual({
        "access-control-allow-origin": null,
        "access-control-allow-methods": null,
      });
    }
  });
});

describe("errors and unknown routes", () => {
  test("unknown routes are JSON 404s with the security headers", async () => {
    const get = await call(open, "/api/nope", { headers: { Origin: "https://x.test" } });
    expect(get.status).toBe(404);
    expect(get.headers.get("content-type")).toBe("application/json");
    expect(await get.json()).toEqual({ data: {}, message: "File not found.", status: 404 });
    expect(headersOf(get, Object.keys(securityHeaders))).toEqual(securityHeaders);
    expect(get.headers.get("access-control-allow-origin")).toBe("*");

    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await call(open, "/api/health", { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ data: {}, message: "The requested resource wasn't found.", status: 404 });
    }
    const deeper = await call(open, "/api/collections/posts/records/x/y");
    expect(await deeper.json()).toEqual({ data: {}, message: "File not found.", status: 404 });
  });

  test("API errors carry the security and CORS headers too", async () => {
    const res = await call(open, "/api/collections/nope/records", { headers: { Origin: "https://x.test" } });
    expect(res.status).toBe(404);
    expect(headersOf(res, [...Object.keys(securityHeaders), "access-control-allow-origin", "vary"])).toEqual({
      ...securityHeaders,
      "access-control-allow-origin": "*",
      vary: "Origin",
    });
  });

  test("HEAD answers like GET without a body, errors included", async () => {
    const ok = await call(open, "/api/health", { method: "HEAD" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/json");
    expect(await ok.text()).toBe("");
    const missing = await call(open, "/api/nope", { method: "HEAD" });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("");
  });

  test("an invalid or foreign token makes a guest, not an error", async () => {
    for (const token of ["garbage", "Bearer garbage", "eyJhbGciOiJIUzI1NiJ9.e30.x"]) {
      const res = await call(open, "/api/health", { headers: { Authorization: token } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ message: "API is healthy.", code: 200, data: {} });
    }
  });
});
