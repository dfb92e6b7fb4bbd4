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
    const info = (
      c.env as { server?: { requestIP(r: Request): { address: string } | null } } | undefined
    )?.server?.requestIP(c.req.raw);
    e.realIp = info?.address ?? "";
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

export const securityHeadersMiddleware: MiddlewareHandler<RouterEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  if (!h.has("x-xss-protection")) h.set("X-XSS-Protection", "1; mode=block");
  if (!h.has("x-content-type-options")) h.set("X-Content-Type-Options", "nosniff");
  if (!h.has("x-frame-options")) h.set("X-Frame-Options", "SAMEORIGIN");
};

/** originAllowed matches an origin against the list (`*`, exact, or a wildcard pattern). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => {
    if (a === "*" || a === origin) return true;
    if (!a.includes("*") && !a.includes("?")) return false;
    const re = new RegExp(
      `^${a
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replaceAll("*", ".*")
        .replaceAll("?", ".")}$`,
    );
    return re.test(origin);
  });
}

/** cors answers preflights (204) and adds the allow-origin header for allowed origins. */
export function corsMiddleware(allowed: readonly string[]): MiddlewareHandler<RouterEnv> {
  return async (c, next): Promise<Response | undefined> => {
    const origin = c.req.header("origin") ?? "";
    const allowOrigin = allowed.includes("*") ? "*" : originAllowed(origin, allowed) ? origin : "";
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      const headers = new Headers({ Vary: "Origin" });
      if (allowOrigin) {
        headers.set("Access-Control-Allow-Origin", allowOrigin);
        headers.set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
        const requested = c.req.header("access-control-request-headers");
        if (requested) headers.set("Access-Control-Allow-Headers", requested);
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    c.res.headers.append("Vary", "Origin");
    if (allowOrigin) c.res.headers.set("Access-Control-Allow-Origin", allowOrigin);
    return undefined;
  };
}
