import type { MiddlewareHandler } from "hono";
import { forbidden, unauthorized } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";

/** requireSuperuser lets only superusers through (401 for guests, 403 for other auth records). */
export const requireSuperuser: MiddlewareHandler<RouterEnv> = async (c, next) => {
  const e = c.get("event");
  if (!e.auth) throw unauthorized("The request requires valid record authorization token.");
  if (!e.isSuperuser()) throw forbidden("The authorized record is not allowed to perform this action.");
  await next();
};

/** requireAuth lets any authenticated record through (401 for guests). */
export const requireAuth: MiddlewareHandler<RouterEnv> = async (c, next) => {
  if (!c.get("event").auth) throw unauthorized("The request requires valid record authorization token.");
  await next();
};
