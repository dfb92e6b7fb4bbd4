import type { RequestEvent } from "../core/request-event.ts";
import type { Handler } from "../tools/hook/hook.ts";
import { badRequest, forbidden, unauthorized } from "../tools/router/api-error.ts";

/**
 * The guards PocketBase gives its routes, as middlewares with its ids (binding a second guard of the same
 * kind to a route replaces the first, as in PocketBase): `router.get("/x", action, requireAuth("users"))`.
 */

/** requireGuestOnly refuses (400) a request with a valid auth token. */
export function requireGuestOnly(): Handler<RequestEvent> {
  return {
    id: "pbRequireGuestOnly",
    func: (e) => {
      if (e.auth) throw badRequest("The request can be accessed only by guests.");
      return e.next();
    },
  };
}

function checkAuth(e: RequestEvent, collections: readonly string[]): void {
  if (!e.auth) throw unauthorized("The request requires valid record authorization token.");
  if (collections.length > 0 && !collections.includes(e.auth.collection.name))
    throw forbidden("The authorized record is not allowed to perform this action.");
}

/** requireAuth lets through a request authenticated as a record of any auth collection, or of those named. */
export function requireAuth(...collections: string[]): Handler<RequestEvent> {
  return {
    id: "pbRequireAuth",
    func: (e) => {
      checkAuth(e, collections);
      return e.next();
    },
  };
}

/** requireSuperuserAuth lets through superusers only (401 for guests, 403 for other auth records). */
export function requireSuperuserAuth(): Handler<RequestEvent> {
  return {
    id: "pbRequireSuperuserAuth",
    func: (e) => {
      checkAuth(e, ["_superusers"]);
      return e.next();
    },
  };
}

/**
 * requireSuperuserOrOwnerAuth lets through superusers and the auth record whose id is the route parameter
 * `ownerIdParam` ("id" by default).
 */
export function requireSuperuserOrOwnerAuth(ownerIdParam = "id"): Handler<RequestEvent> {
  return {
    id: "pbRequireSuperuserOrOwnerAuth",
    func: (e) => {
      if (!e.auth) throw unauthorized("The request requires superuser or record authorization token.");
      if (!e.isSuperuser() && e.auth.id !== e.params[ownerIdParam])
        throw forbidden("You are not allowed to perform this request.");
      return e.next();
    },
  };
}

/** bodyLimit changes the most bytes a request's body may have (413 past it; 0 or less: no limit). */
export function bodyLimit(bytes: number): Handler<RequestEvent> {
  return {
    id: "pbBodyLimit",
    priority: -990,
    func: (e) => {
      e.bodyLimit = bytes > 0 ? bytes : Number.POSITIVE_INFINITY;
      return e.next();
    },
  };
}
