import { expect } from "bun:test";
import {
  bodyLimit,
  requireAuth,
  requireGuestOnly,
  requireSuperuserAuth,
  requireSuperuserOrOwnerAuth,
} from "../../src/apis/router-guards.ts";
import type { App } from "../../src/core/app.ts";
import type { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { RequestEvent } from "../../src/core/request-event.ts";
import type { Router } from "../../src/core/router.ts";
import { defineFixture, runScenarios, type ScenarioResponse } from "../helpers/api-scenario.ts";

const user = { collection: "users", email: "ann@example.com" } as const;

const fixture = defineFixture(async (app) => {
  const users = app.findCachedCollectionByNameOrId("users") as Collection;
  const ann = new RecordModel(users);
  ann.load({ id: "ann000000000000", email: user.email, password: "1234567890", passwordConfirm: "1234567890" });
  await app.save(ann);
});

/** The middlewares and the action each request went through. */
const trails = new WeakMap<RequestEvent, string[]>();

function trail(name: string) {
  return async (e: RequestEvent) => {
    trails.set(e, [...(trails.get(e) ?? []), name]);
    await e.next();
  };
}

function orderRoutes(router: Router): void {
  const shop = router.group("/shop").bind(trail("group"), { id: "late", priority: 10, func: trail("group late") });
  shop
    .get("/items/{id}", (e) => e.json(200, { id: e.params.id, trail: trails.get(e) }))
    .bind({ id: "early", priority: -10, func: trail("route early") }, trail("route"));
  shop.get("/files/{path...}", (e) => e.json(200, { path: e.params.path, trail: trails.get(e) })).unbind("late");
}

/** A route one of whose middlewares throws a text, not an Error. */
function brokenRoute(router: Router, _app?: unknown): void {
  router
    .get("/broken", (e) => e.json(200, { ok: true }))
    .bind({
      id: "throws",
      func: () => {
        throw "not an Error";
      },
    });
}

/** The failure is a JSON answer with the security and CORS headers, and its request log says it failed. */
async function expectFailureAnswered(t: { app: App }, res: ScenarioResponse): Promise<void> {
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(res.headers.get("vary")).toBe("Origin");
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  await t.app.logger().flush();
  const logs = await t.app.auxDb.all<{ level: number; data: string }>("SELECT level, data FROM _logs");
  const failed = logs.map((l) => ({ level: l.level, data: JSON.parse(l.data) })).find((l) => l.data.url === "/broken");
  expect(failed?.level).toBe(8);
  expect(failed?.data.status).toBe(400);
}

/** Settings letting superusers in from that address alone (an in-process request has none). */
function onlySuperuserIp(ip: string) {
  return async (t: { app: App }): Promise<void> => {
    await t.app.saveSettings({ ...t.app.settings(), superuserIPs: [ip] });
  };
}

function expectRefusedBeforeSecurityHeaders(_t: unknown, res: ScenarioResponse): void {
  expect(res.headers.get("content-type")).toBe("application/json");
  for (const name of ["x-frame-options", "x-content-type-options", "x-xss-protection"])
    expect(res.headers.get(name)).toBeNull();
  expect(res.headers.get("vary")).toBe("Origin");
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
}

runScenarios("custom routes on e.router", fixture, [
  {
    name: "path parameters; group and route middlewares by priority, then in binding order",
    url: "/shop/items/42",
    routes: orderRoutes,
    expectedStatus: 200,
    expectedContent: ['{"id":"42","trail":["route early","group","route","group late"]}'],
  },
  {
    name: "a {rest...} parameter takes the rest of the path; a route unbinds a group middleware by id",
    url: "/shop/files/a/b.txt",
    routes: orderRoutes,
    expectedStatus: 200,
    expectedContent: ['{"path":"a/b.txt","trail":["group"]}'],
  },
  {
    name: "a route's method is its own: another method is a 404",
    method: "POST",
    url: "/shop/items/42",
    routes: orderRoutes,
    expectedStatus: 404,
  },
  {
    name: "requireAuth: a guest is refused with a 401",
    url: "/me",
    routes: (r) => r.get("/me", (e) => e.json(200, { id: e.auth?.id }), requireAuth()),
    expectedStatus: 401,
    expectedContent: ['"message":"The request requires valid record authorization token."'],
  },
  {
    name: "requireAuth: the request's auth record is there",
    url: "/me",
    auth: user,
    routes: (r) => r.get("/me", (e) => e.json(200, { id: e.auth?.id }), requireAuth("users")),
    expectedStatus: 200,
    expectedContent: ['{"id":"ann000000000000"}'],
  },
  {
    name: "requireAuth with collections: a record of another collection is refused with a 403",
    url: "/me",
    auth: "superuser",
    routes: (r) => r.get("/me", (e) => e.json(200, { id: e.auth?.id }), requireAuth("users")),
    expectedStatus: 403,
  },
  {
    name: "requireSuperuserAuth: a user is refused with a 403",
    url: "/admin",
    auth: user,
    routes: (r) => r.get("/admin", (e) => e.noContent(), requireSuperuserAuth()),
    expectedStatus: 403,
  },
  {
    name: "requireSuperuserAuth: a superuser goes through",
    url: "/admin",
    auth: "superuser",
    routes: (r) => r.get("/admin", (e) => e.noContent(), requireSuperuserAuth()),
    expectedStatus: 204,
  },
  {
    name: "requireGuestOnly: an authenticated request is a 400",
    method: "POST",
    url: "/signup",
    auth: user,
    routes: (r) => r.post("/signup", (e) => e.noContent(), requireGuestOnly()),
    expectedStatus: 400,
    expectedContent: ['"message":"The request can be accessed only by guests."'],
  },
  {
    name: "requireSuperuserOrOwnerAuth: the owner goes through, by the id parameter",
    url: "/users/ann000000000000/notes",
    auth: user,
    routes: (r) => r.get("/users/{id}/notes", (e) => e.noContent(), requireSuperuserOrOwnerAuth()),
    expectedStatus: 204,
  },
  {
    name: "requireSuperuserOrOwnerAuth: another id is a 403",
    url: "/users/bob000000000000/notes",
    auth: user,
    routes: (r) => r.get("/users/{id}/notes", (e) => e.noContent(), requireSuperuserOrOwnerAuth()),
    expectedStatus: 403,
  },
  {
    name: "bodyLimit: a body over the limit is a 413",
    method: "POST",
    url: "/echo",
    body: { text: "x".repeat(200) },
    routes: (r) => r.post("/echo", async (e) => e.json(200, (await e.body()).data), bodyLimit(100)),
    expectedStatus: 413,
  },
  {
    name: "bodyLimit: a body under the limit is read",
    method: "POST",
    url: "/echo",
    body: { text: "short" },
    routes: (r) => r.post("/echo", async (e) => e.json(200, (await e.body()).data), bodyLimit(100)),
    expectedStatus: 200,
    expectedContent: ['{"text":"short"}'],
  },
  {
    name: "the records service from a route: save in a transaction, find without rules",
    method: "POST",
    url: "/notes",
    routes: (r) =>
      r.post("/notes", async (e) => {
        const users = e.app.findCachedCollectionByNameOrId("users") as Collection;
        const id = await e.app.runInTransaction(async (txApp) => {
          const rec = new RecordModel(users);
          rec.load({ email: "new@example.com", password: "1234567890", passwordConfirm: "1234567890" });
          await txApp.save(rec);
          return rec.id;
        });
        const found = await e.app.findRecordById(users, id);
        return e.json(200, { email: found?.email() });
      }),
    expectedStatus: 200,
    expectedContent: ['{"email":"new@example.com"}'],
    expectedEvents: { onRecordCreate: 1, onRecordAfterCreateSuccess: 1 },
  },
  {
    name: "a global middleware runs around built-in routes too, and may answer instead of them",
    url: "/api/health",
    routes: (r) =>
      r.bind({
        id: "maintenance",
        func: (e) => {
          e.response = new Response(JSON.stringify({ status: 503, message: "Down for maintenance.", data: {} }), {
            status: 503,
          });
        },
      }),
    expectedStatus: 503,
    expectedContent: ["Down for maintenance."],
  },
  {
    name: "the default middlewares run one by one once the list changes: the answer has the same headers",
    url: "/api/health",
    headers: { origin: "https://example.com" },
    routes: (r) => r.bind((e) => e.next()),
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("vary")).toBe("Origin");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    },
  },
  {
    name: "a default middleware unbound by id is gone (pbCors: no CORS header)",
    url: "/api/health",
    headers: { origin: "https://example.com" },
    routes: (r) => {
      expect(r.middlewares().map((m) => m.id)).toEqual([
        "pbCors",
        "pbActivityLogger",
        "pbPanicRecover",
        "pbLoadAuthToken",
        "pbSuperuserIPsWhitelist",
        "pbSecurityHeaders",
        "pbRateLimit",
      ]);
      r.unbind("pbCors");
    },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    },
  },
  {
    name: "without pbSecurityHeaders and pbCors, a JSON answer has neither's headers",
    url: "/api/health",
    headers: { origin: "https://example.com" },
    routes: (r) => {
      r.unbind("pbSecurityHeaders");
      r.unbind("pbCors");
    },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.headers.get("content-type")).toBe("application/json");
      for (const name of ["x-frame-options", "x-content-type-options", "x-xss-protection", "vary"])
        expect(res.headers.get(name)).toBeNull();
    },
  },
  {
    name: "without pbLoadAuthToken, a token is not read",
    url: "/me",
    auth: user,
    routes: (r) => {
      r.unbind("pbLoadAuthToken");
      r.get("/me", (e) => e.json(200, { id: e.auth?.id ?? null }));
    },
    expectedStatus: 200,
    expectedContent: ['{"id":null}'],
  },
  {
    name: "a route whose middleware throws what is no Error is a 400 with the headers every answer carries, logged as failed",
    url: "/broken",
    headers: { origin: "http://app.test" },
    routes: brokenRoute,
    expectedStatus: 400,
    afterTest: expectFailureAnswered,
  },
  {
    name: "... and so once the default middlewares run one by one (one bound globally)",
    url: "/broken",
    headers: { origin: "http://app.test" },
    routes: (r, app) => {
      r.bind({ id: "noop", func: (e) => e.next() });
      brokenRoute(r, app);
    },
    expectedStatus: 400,
    afterTest: expectFailureAnswered,
  },
  {
    name: "a superuser refused by superuserIPs gets a 403 without the security headers (PocketBase refuses before setting them), with CORS",
    url: "/api/collections",
    auth: "superuser",
    headers: { origin: "http://app.test" },
    beforeTest: onlySuperuserIp("10.9.9.9"),
    expectedStatus: 403,
    afterTest: expectRefusedBeforeSecurityHeaders,
  },
  {
    name: "... and so once the default middlewares run one by one",
    url: "/api/collections",
    auth: "superuser",
    headers: { origin: "http://app.test" },
    beforeTest: onlySuperuserIp("10.9.9.9"),
    routes: (r) => r.bind({ id: "noop", func: (e) => e.next() }),
    expectedStatus: 403,
    afterTest: expectRefusedBeforeSecurityHeaders,
  },
  {
    name: "an error of a middleware bound globally is answered as the route's would be",
    url: "/api/health",
    routes: (r) =>
      r.bind({
        id: "broken",
        priority: -1025,
        func: () => {
          throw new Error("middleware broke");
        },
      }),
    expectedStatus: 400,
  },
]);
