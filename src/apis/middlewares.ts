import type { Context, ErrorHandler, MiddlewareHandler, Next } from "hono";
import type { App } from "../core/app.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import { RequestEvent } from "../core/request-event.ts";
import { type Handler, Hook } from "../tools/hook/hook.ts";
import { answerHeadersFor, securityHeaders } from "../tools/router/answer-headers.ts";
import { ApiError, toApiError } from "../tools/router/api-error.ts";
import { logRequest } from "./middlewares-activity-log.ts";
import { checkGlobalRateLimit } from "./middlewares-rate-limit.ts";
import { checkSuperuserIp } from "./middlewares-superuser-ips.ts";

/** Hono context variables set by the default middlewares (and `error` by a failed request's answer). */
export interface RouterEnv {
  Variables: { event: RequestEvent; error: unknown };
}

/** errorResponse renders any thrown value as PocketBase's JSON error (body left out for HEAD). */
export function errorResponse(app: App, err: unknown, method: string): Response {
  const apiErr = toApiError(err);
  if (!(err instanceof ApiError) || apiErr.status >= 500) {
    app.logger().debug("request failed", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  const body = method === "HEAD" ? null : JSON.stringify(apiErr.toJSON());
  return new Response(body, { status: apiErr.status, headers: { "content-type": "application/json" } });
}

/** answerError renders a handler's error as the answer and keeps the error for the request log. */
export function answerError(c: Context<RouterEnv>, app: App, err: unknown): Response {
  c.set("error", err);
  return errorResponse(app, err, c.req.method);
}

/** newRequestEvent creates the request's RequestEvent, with the client's IP resolved on first use. */
function newRequestEvent(app: App, c: Context<RouterEnv>): RequestEvent {
  const e = new RequestEvent(app, c.req.raw);
  const server = (c.env as { server?: { requestIP(r: Request): { address: string } | null } } | undefined)?.server;
  e.resolveIp = () => server?.requestIP(c.req.raw)?.address ?? "";
  return e;
}

/** loadAuthToken authenticates the request from its `Authorization` header (an invalid token means a guest). */
async function loadAuthToken(e: RequestEvent, header: string): Promise<void> {
  const token = header.replace(/^bearer\s+/i, "").trim();
  if (token === "") return;
  const found = await findAuthRecordByToken(e.app, token, "auth");
  if (found) e.auth = found.record;
}

/** Requests whose answer may be embedded in a frame (served files). */
const framingAllowed = new WeakSet<Request>();

/** allowFraming leaves X-Frame-Options off the answer to this request, unless a handler sets it. */
export function allowFraming(request: Request): void {
  framingAllowed.add(request);
}

/** setSecurityHeaders adds the headers PocketBase sends with every answer, unless the handler set them. */
function setSecurityHeaders(res: Response, req: Request): void {
  const h = res.headers;
  for (const [name, value] of securityHeaders) {
    if (h.has(name)) continue;
    if (name === "X-Frame-Options" && framingAllowed.has(req)) continue;
    h.set(name, value);
  }
}

/**
 * finishAnswer adds to an answer what every answer carries: the security headers and `Vary: Origin`, and
 * Access-Control-Allow-Origin when the origin is allowed. An answer made with them (RequestEvent.json, with
 * answerHeadersFor) has them all but an echoed origin, and X-Frame-Options is taken off it when framing is
 * allowed, as PocketBase's file handler takes it off before the hooks make the answer. Without `secured`
 * (the request failed before pbSecurityHeaders' turn) the security headers are left off, as PocketBase's are.
 */
function finishAnswer(e: RequestEvent, res: Response, allowOrigin: string, secured: boolean): void {
  if (e.madeAhead(res)) {
    if (framingAllowed.has(e.request)) res.headers.delete("X-Frame-Options");
    if (allowOrigin !== "*") allowOriginOn(res, allowOrigin);
    return;
  }
  if (secured) setSecurityHeaders(res, e.request);
  res.headers.append("Vary", "Origin");
  allowOriginOn(res, allowOrigin);
}

/**
 * allowOriginOn sets Access-Control-Allow-Origin on an answer to an allowed origin, unless the handler set it:
 * PocketBase sets it before the handler runs, which may then change it.
 */
function allowOriginOn(res: Response, allowOrigin: string): void {
  if (allowOrigin !== "" && !res.headers.has("Access-Control-Allow-Origin"))
    res.headers.set("Access-Control-Allow-Origin", allowOrigin);
}

/**
 * allowedOrigin returns the Access-Control-Allow-Origin value for a request origin, or "" when it is not
 * allowed: `*` answers `*`, an exact entry answers itself, a wildcard entry (`https://*.example.com`,
 * `http://localhost:?000`) answers the origin.
 */
export function allowedOrigin(
  origin: string,
  allowed: readonly string[],
  patterns: readonly RegExp[] = allowed.filter((a) => a !== "*").map(originPattern),
): string {
  for (const a of allowed) {
    if (a === "*" || a === origin) return a;
    if (matchesSubdomain(origin, a)) return origin;
  }
  // only plausible origins are tried against the patterns (253 is the longest domain name)
  if (origin.length > 253 + 3 + 5 || !origin.includes("://")) return "";
  return patterns.some((re) => re.test(origin)) ? origin : "";
}

/** originPattern compiles an allowed-origins entry (`*` any characters, `?` one). */
function originPattern(entry: string): RegExp {
  const escaped = entry
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replaceAll("\\*", ".*")
    .replaceAll("\\?", ".");
  return new RegExp(`^${escaped}$`);
}

/** matchesSubdomain compares an origin with an entry whose host has `*` labels, from the right. */
function matchesSubdomain(origin: string, entry: string): boolean {
  const o = origin.indexOf("://");
  const p = entry.indexOf("://");
  if (o < 0 || p < 0 || origin.slice(0, o) !== entry.slice(0, p)) return false;
  const host = origin.slice(o + 3);
  if (host.length > 253) return false;
  const hostLabels = host.split(".").reverse();
  const entryLabels = entry
    .slice(p + 3)
    .split(".")
    .reverse();
  for (const [i, label] of hostLabels.entries()) {
    const want = entryLabels[i];
    if (want === undefined) return false;
    if (want === "*") return true;
    if (want !== label) return false;
  }
  return false;
}

/** preflightResponse answers an OPTIONS request (the allowed methods and headers when its origin is allowed). */
function preflightResponse(c: Context<RouterEnv>, allowOrigin: string): Response {
  const headers = new Headers({ Vary: "Origin" });
  if (allowOrigin !== "") {
    headers.set("Access-Control-Allow-Origin", allowOrigin);
    headers.append("Vary", "Access-Control-Request-Method");
    headers.append("Vary", "Access-Control-Request-Headers");
    headers.set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
    const requested = c.req.header("access-control-request-headers");
    if (requested) headers.set("Access-Control-Allow-Headers", requested);
  }
  return new Response(null, { status: 204, headers });
}

/** What the default middlewares share for one request when they run one by one. */
interface Exchange {
  c: Context<RouterEnv>;
  next: Next;
  allowOrigin: string;
  error: unknown;
}

const exchanges = new WeakMap<RequestEvent, Exchange>();

function exchangeOf(e: RequestEvent): Exchange {
  const x = exchanges.get(e);
  if (!x) throw new Error("a default middleware ran outside of the router");
  return x;
}

/** answerInChain turns an error from the rest of the chain into the request's answer. */
async function answerInChain(e: RequestEvent): Promise<void> {
  try {
    await e.next();
  } catch (err) {
    const x = exchangeOf(e);
    x.error = err;
    e.response = answerError(x.c, e.app, err);
  }
}

/**
 * defaultMiddlewares are PocketBase's default middlewares around every route, with its ids and priorities,
 * in the form any middleware has: `e.router.unbind("pbRateLimit")` removes one, a middleware bound with a
 * priority between theirs runs between them. They run one by one only once that list changed: otherwise
 * defaultMiddleware below does the same work in one step.
 */
export const defaultMiddlewares: readonly Handler<RequestEvent>[] = [
  {
    id: "pbCors",
    priority: -1041,
    func: async (e) => {
      const x = exchangeOf(e);
      if (x.c.req.method === "OPTIONS") {
        e.response = preflightResponse(x.c, x.allowOrigin);
        return;
      }
      await e.next();
      if (!e.response) return;
      e.response.headers.append("Vary", "Origin");
      allowOriginOn(e.response, x.allowOrigin);
    },
  },
  {
    id: "pbActivityLogger",
    priority: -1040,
    func: async (e) => {
      const startedAt = performance.now();
      await answerInChain(e);
      logRequest(e, e.response?.status ?? 200, startedAt, exchangeOf(e).error);
    },
  },
  { id: "pbPanicRecover", priority: -1030, func: answerInChain },
  {
    id: "pbLoadAuthToken",
    priority: -1020,
    func: async (e) => {
      const authorization = e.request.headers.get("authorization");
      if (authorization) await loadAuthToken(e, authorization);
      await e.next();
    },
  },
  {
    id: "pbSuperuserIPsWhitelist",
    priority: -1015,
    func: (e) => {
      checkSuperuserIp(e);
      return e.next();
    },
  },
  {
    id: "pbSecurityHeaders",
    priority: -1010,
    func: async (e) => {
      // PocketBase sets them before the rest runs, so that an error of the rest is answered with them too:
      // that error is answered here, not by pbPanicRecover further out
      await answerInChain(e);
      if (e.response) setSecurityHeaders(e.response, e.request);
    },
  },
  {
    id: "pbRateLimit",
    priority: -1000,
    func: (e) => {
      checkGlobalRateLimit(exchangeOf(e).c, e);
      return e.next();
    },
  },
];

/** newMiddlewaresHook is a router's list of middlewares around every route: the default ones, to begin with. */
export function newMiddlewaresHook(): Hook<RequestEvent> {
  const hook = new Hook<RequestEvent>({ timeout: 0 });
  hook.name = "router middlewares";
  for (const m of defaultMiddlewares) hook.bind(m);
  return hook;
}

/**
 * defaultMiddleware runs the middlewares around every route as one Hono middleware. While they are the
 * default ones (nothing bound or unbound), it does their work in one step (each step costs an async frame
 * per request): CORS (every OPTIONS answered here with a 204), the request event, the auth token, the
 * superuser IP whitelist, the global rate limiter, then the security headers and `Vary: Origin` on the way
 * out, and the request log. A step's error becomes the JSON error answer, as a handler's. Otherwise the
 * list runs as a hook chain around the route.
 */
export function defaultMiddleware(
  app: App,
  allowedOrigins: readonly string[],
  middlewares: Hook<RequestEvent> = newMiddlewaresHook(),
): DefaultMiddleware {
  const patterns = allowedOrigins.filter((a) => a !== "*").map(originPattern);
  const defaults = middlewares.handlers();
  const answer = async (c: Context<RouterEnv>, next: Next, route?: PairedRoute): Promise<Response | undefined> => {
    const origin = c.req.header("origin") ?? "";
    const allowOrigin = origin === "" ? "" : allowedOrigin(origin, allowedOrigins, patterns);
    if (middlewares.handlers() !== defaults)
      return runMiddlewares(app, middlewares, c, route ? () => runRoute(c, next, route) : next, allowOrigin);
    if (c.req.method === "OPTIONS") return preflightResponse(c, allowOrigin);
    const startedAt = performance.now();
    const e = newRequestEvent(app, c);
    e.answerHeaders = answerHeadersFor(allowOrigin);
    c.set("event", e);
    // whether pbSecurityHeaders' turn came: a superuser IP refusal comes before it, and has none of its headers
    let secured = false;
    try {
      const authorization = c.req.header("authorization");
      if (authorization) await loadAuthToken(e, authorization);
      checkSuperuserIp(e);
      secured = true;
      checkGlobalRateLimit(c, e);
      if (route === undefined) await next();
      else {
        // runRoute's steps, here: a function's frame fewer on every request (0.4–0.5 µs in process)
        try {
          settleRoute(c, await route.handler(c, next), false);
        } catch (err) {
          settleRoute(c, await routeFailed(c, route, err), true);
        }
      }
    } catch (err) {
      c.res = answerError(c, app, err);
    }
    logRequest(e, c.res.status, startedAt, c.get("error"));
    finishAnswer(e, c.res, allowOrigin, secured);
    return undefined;
  };
  const middleware = (c: Context<RouterEnv>, next: Next) => answer(c, next);
  return Object.assign(middleware, {
    around: (route: PairedRoute) => (c: Context<RouterEnv>, next: Next) => answer(c, next, route),
  });
}

/**
 * A route's handler, as the router holds it, and the router's answer to an Error it throws (its `onError`):
 * what DefaultMiddleware.around runs in place of Hono's compose.
 */
export interface PairedRoute {
  handler: (c: Context<RouterEnv>, next: Next) => unknown;
  onError: ErrorHandler<RouterEnv>;
}

/**
 * The default middleware, and `around`: the same with a route's handler in place of `next`, for a path that
 * matches these two alone (base.ts pairs them in the router), which Hono then runs as one handler, without
 * its compose's frames and closures (a view in process: 11.4 → 10.1–10.8 µs, bench/layers.ts). The route runs
 * as compose runs it: an Error it throws is answered by the router's onError, and what it returns is the answer
 * unless it set one already.
 */
export interface DefaultMiddleware extends MiddlewareHandler<RouterEnv> {
  around(route: PairedRoute): (c: Context<RouterEnv>, next: Next) => Promise<Response | undefined>;
}

/** runRoute runs a paired route as compose would (see DefaultMiddleware), for a changed list of middlewares. */
async function runRoute(c: Context<RouterEnv>, next: Next, route: PairedRoute): Promise<void> {
  try {
    settleRoute(c, await route.handler(c, next), false);
  } catch (err) {
    settleRoute(c, await routeFailed(c, route, err), true);
  }
}

/** routeFailed answers an Error a paired route threw with the router's onError (rethrowing anything else). */
function routeFailed(c: Context<RouterEnv>, route: PairedRoute, err: unknown): Response | Promise<Response> {
  if (!(err instanceof Error)) throw err;
  c.error = err;
  return route.onError(err, c);
}

/** settleRoute makes what a paired route returned the answer, unless it set one already (unless it failed). */
function settleRoute(c: Context<RouterEnv>, res: unknown, failed: boolean): void {
  if (res instanceof Response && (!c.finalized || failed)) c.res = res;
}

/** runMiddlewares runs a changed list of middlewares one by one around the route. */
async function runMiddlewares(
  app: App,
  middlewares: Hook<RequestEvent>,
  c: Context<RouterEnv>,
  next: Next,
  allowOrigin: string,
): Promise<Response> {
  const e = newRequestEvent(app, c);
  c.set("event", e);
  const x: Exchange = { c, next, allowOrigin, error: undefined };
  exchanges.set(e, x);
  try {
    await middlewares.trigger(e, async () => {
      await next();
      e.response = c.res;
      x.error = c.get("error");
    });
  } catch (err) {
    e.response = answerError(c, app, err);
  }
  return e.response ?? new Response(null, { status: 200 });
}
