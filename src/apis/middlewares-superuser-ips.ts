import type { MiddlewareHandler } from "hono";
import { isIpInList } from "../core/settings-ip.ts";
import { forbidden } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";

export const DefaultSuperuserIPsWhitelistMiddlewareId = "pbSuperuserIPsWhitelist";

/**
 * superuserIpsWhitelistMiddleware refuses (403) every request authenticated as a superuser from an IP
 * outside the settings' `superuserIPs`, when that list is not empty. It runs right after the auth token
 * is loaded, on every route.
 */
export const superuserIpsWhitelistMiddleware: MiddlewareHandler<RouterEnv> = async (c, next) => {
  const e = c.get("event");
  if (e.isSuperuser()) {
    const allowed = e.app.settings().superuserIPs;
    if (allowed.length > 0 && !isIpInList(allowed, e.realIp)) throw forbidden();
  }
  await next();
};
