import type { Hono, MiddlewareHandler } from "hono";
import { forbidden, notFound, unauthorized } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { confirmEmailChange } from "./record-auth-email-change-confirm.ts";
import { requestEmailChange } from "./record-auth-email-change-request.ts";
import { authImpersonate } from "./record-auth-impersonate.ts";
import { authMethods } from "./record-auth-methods.ts";
import { confirmPasswordReset } from "./record-auth-password-reset-confirm.ts";
import { requestPasswordReset } from "./record-auth-password-reset-request.ts";
import { authRefresh } from "./record-auth-refresh.ts";
import { confirmVerification } from "./record-auth-verification-confirm.ts";
import { requestVerification } from "./record-auth-verification-request.ts";
import { authWithPassword } from "./record-auth-with-password.ts";
import { route } from "./route.ts";

/**
 * bindRecordAuthApi registers the auth endpoints of auth collections, one file per endpoint. Each route but
 * impersonation first requires the collection to exist (where PocketBase's rate limiter looks it up).
 */
export function bindRecordAuthApi(router: Hono<RouterEnv>): void {
  const base = "/api/collections/:collection";
  router.get(`${base}/auth-methods`, requireCollection, route(authMethods));
  router.post(`${base}/auth-refresh`, requireCollection, requireSameCollectionAuth, route(authRefresh));
  router.post(`${base}/auth-with-password`, requireCollection, route(authWithPassword));
  router.post(`${base}/request-password-reset`, requireCollection, route(requestPasswordReset));
  router.post(`${base}/confirm-password-reset`, requireCollection, route(confirmPasswordReset));
  router.post(`${base}/request-verification`, requireCollection, route(requestVerification));
  router.post(`${base}/confirm-verification`, requireCollection, route(confirmVerification));
  router.post(`${base}/request-email-change`, requireCollection, requireSameCollectionAuth, route(requestEmailChange));
  router.post(`${base}/confirm-email-change`, requireCollection, route(confirmEmailChange));
  router.post(`${base}/impersonate/:id`, requireSuperuser, route(authImpersonate));
}

/** requireCollection answers 404 for a `{collection}` that doesn't exist. */
const requireCollection: MiddlewareHandler<RouterEnv> = async (c, next) => {
  if (!c.get("event").app.findCachedCollectionByNameOrId(c.req.param("collection") ?? ""))
    throw notFound("Missing or invalid collection context.");
  await next();
};

/** requireSameCollectionAuth lets through only records of the `{collection}` collection (401 for guests). */
const requireSameCollectionAuth: MiddlewareHandler<RouterEnv> = async (c, next) => {
  const e = c.get("event");
  if (!e.auth) throw unauthorized("The request requires valid record authorization token.");
  const collection = e.app.findCachedCollectionByNameOrId(c.req.param("collection") ?? "");
  if (collection?.id !== e.auth.collection.id)
    throw forbidden(`The request requires auth record from ${e.auth.collection.name} collection.`);
  await next();
};
