import type { Context, MiddlewareHandler, Next } from "hono";
import type { App } from "../core/app.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import { RequestEvent } from "../core/request-event.ts";
import { ApiError, toApiError } from "../tools/router/api-error.ts";

/** Hono context variables set by the default middlewares. */
export interface RouterEnv {
  Variables: { event: RequestEvent };
}

/** The ids and priorities of the default middlewares (lower runs first), as PocketBase names them. */
export const DefaultCorsMiddlewareId = "pbCors";
export const DefaultCorsMiddlewarePriority = -1041;
export const DefaultPanicRecoverMiddlewareId = "pbPanicRecover";
export const DefaultPanicRecoverMiddlewarePriority = -1000;
export const DefaultLoadAuthTokenMiddlewareId = "pbLoadAuthToken";
export const DefaultLoadAuthTokenMiddlewarePriority = -1020;
export const DefaultSecurityHeadersMiddlewareId = "pbSecurityHeaders";
export const DefaultSecurityHeadersMiddlewarePriority = -1010;

export interface Middleware {
  id: string;
  priority: number;
  handler: MiddlewareHandler<RouterEnv>;
}

/** errorResponse renders any thrown value as PocketBase's JSON error (body left out for HEAD). */
export function errorResponse(app: App, err: unknown, method: string): Response {
  const apiErr = toApiError(err);
  if (!(err instanceof ApiError) || apiErr.status >= 500) {
    app.logger.debug("request failed", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  const body = method === "HEAD" ? null : JSON.stringify(apiErr.toJSON());
  return new Response(body, { status: apiErr.status, headers: { "content-type": "application/json" } });
}

/** requestEvent creates the request's RequestEvent (the first middleware), with the client's IP. */
export function requestEventMiddleware(app: App): MiddlewareHandler<RouterEnv> {
  return async (c: Context<RouterEnv>, next: Next) => {
    const e = new RequestEvent(app, c.req.raw);
    const server = (c.env as { server?: { requestIP(r: Request): { address: string } | null } } | undefined)?.server;
    e.resolveIp = () => server?.requestIP(c.req.raw)?.address ?? "";
    c.set("event", e);
    await next();
  };
}

/** loadAuthToken authenticates the request from `Authorization` (an invalid token means a guest). */
export function loadAuthTokenMiddleware(app: App): MiddlewareHandler<RouterEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header) {
      const token = header.replace(/^bearer\s+/i, "").trim();
      if (token !== "") {
        const found = await findAuthRecordByToken(app, token, "auth");
        if (found) c.get("event").auth = found.record;
      }
    }
    await next();
  };
}

/** Requests whose answer may be embedded in a frame (served files). */
const framingAllowed = new WeakSet<Request>();

/** allowFraming leaves X-Frame-Options off the answer to this request, unless a handler sets it. */
export function allowFraming(request: Request): void {
  framingAllowed.add(request);
}

export const securityHeadersMiddleware: MiddlewareHandler<RouterEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  if (!h.has("x-xss-protection")) h.set("X-XSS-Protection", "1; mode=block");
  if (!h.has("x-content-type-options")) h.set("X-Content-Type-Options", "nosniff");
  if (!h.has("x-frame-options") && !framingAllowed.has(c.req.raw)) h.set("X-Frame-Options", "SAMEORIGIN");
};

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

/**
 * cors adds `Vary: Origin` and, for allowed origins, the allow-origin header; every OPTIONS request is
 * answered here with a 204 (a preflight from an allowed origin also gets the allowed methods and headers).
 */
export function corsMiddleware(allowed: readonly string[]): MiddlewareHandler<RouterEnv> {
  const patterns = allowed.filter((a) => a !== "*").map(originPattern);
  return async (c, next): Promise<Response | undefined> => {
    const origin = c.req.header("origin") ?? "";
    const allowOrigin = origin === "" ? "" : allowedOrigin(origin, allowed, patterns);
    if (c.req.method === "OPTIONS") {
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
    await next();
    c.res.headers.append("Vary", "Origin");
    if (allowOrigin !== "") c.res.headers.set("Access-Control-Allow-Origin", allowOrigin);
    return undefined;
  };
}
