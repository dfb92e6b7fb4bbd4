import type { Hono, MiddlewareHandler } from "hono";
import { forbidden, unauthorized } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { collectionPathRateLimit } from "./middlewares-rate-limit.ts";
import { confirmEmailChange } from "./record-auth-email-change-confirm.ts";
import { requestEmailChange } from "./record-auth-email-change-request.ts";
import { authImpersonate } from "./record-auth-impersonate.ts";
import { authMethods } from "./record-auth-methods.ts";
import { requestOtp } from "./record-auth-otp-request.ts";
import { confirmPasswordReset } from "./record-auth-password-reset-confirm.ts";
import { requestPasswordReset } from "./record-auth-password-reset-request.ts";
import { authRefresh } from "./record-auth-refresh.ts";
import { confirmVerification } from "./record-auth-verification-confirm.ts";
import { requestVerification } from "./record-auth-verification-request.ts";
import { authWithOtp } from "./record-auth-with-otp.ts";
import { authWithPassword } from "./record-auth-with-password.ts";
import { route } from "./route.ts";

/**
 * bindRecordAuthApi registers the auth endpoints of auth collections, one file per endpoint. Each route but
 * impersonation first looks up the collection (404 when unknown) and applies the collection's rate limits
 * with the endpoint's tags (`users:authWithPassword`, `*:auth`, ...).
 */
export function bindRecordAuthApi(router: Hono<RouterEnv>): void {
  const base = "/api/collections/:collection";
  const limit = collectionPathRateLimit;
  router.get(`${base}/auth-methods`, limit("listAuthMethods"), route(authMethods));
  router.post(`${base}/auth-refresh`, limit("authRefresh"), requireSameCollectionAuth, route(authRefresh));
  router.post(`${base}/auth-with-password`, limit("authWithPassword", "auth"), route(authWithPassword));
  router.post(`${base}/request-otp`, limit("requestOTP"), route(requestOtp));
  router.post(`${base}/auth-with-otp`, limit("authWithOTP", "auth"), route(authWithOtp));
  router.post(`${base}/request-password-reset`, limit("requestPasswordReset"), route(requestPasswordReset));
  router.post(`${base}/confirm-password-reset`, limit("confirmPasswordReset"), route(confirmPasswordReset));
  router.post(`${base}/request-verification`, limit("requestVerification"), route(requestVerification));
  router.post(`${base}/confirm-verification`, limit("confirmVerification"), route(confirmVerification));
  router.post(
    `${base}/request-email-change`,
    limit("requestEmailChange"),
    requireSameCollectionAuth,
    route(requestEmailChange),
  );
  router.post(`${base}/confirm-email-change`, limit("confirmEmailChange"), route(confirmEmailChange));
  router.post(`${base}/impersonate/:id`, requireSuperuser, route(authImpersonate));
}

/** requireSameCollectionAuth lets through only records of the `{collection}` collection (401 for guests). */
const requireSameCollectionAuth: MiddlewareHandler<RouterEnv> = async (c, next) => {
  const e = c.get("event");
  if (!e.auth) throw unauthorized("The request requires valid record authorization token.");
  const collection = e.app.findCachedCollectionByNameOrId(c.req.param("collection") ?? "");
  if (collection?.id !== e.auth.collection.id)
    throw forbidden(`The request requires auth record from ${e.auth.collection.name} collection.`);
  await next();
};
