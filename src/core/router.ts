import type { Handler, HandlerFunc } from "../tools/hook/hook.ts";
import type { RequestEvent } from "./request-event.ts";

/**
 * The router onServe handlers add routes to (`e.router`), as PocketBase's: routes with `{param}` and
 * `{rest...}` paths, groups with middlewares of their own, and middlewares around every route (the default
 * ones among them). A middleware is a hook handler on the request event: it calls `await e.next()` to go
 * on, and has an id (binding the same id again replaces it) and a priority (lower runs first). These are
 * the types; the HTTP layer implements them (apis/serve-router.ts).
 *
 *   app.onServe((e) => {
 *     e.router.get("/hello/{name}", (re) => re.json(200, { hi: re.params.name }), requireAuth());
 *     return e.next();
 *   });
 */

/** RouteAction answers a request: it returns the response (or sets it with `e.json(...)`, `e.noContent()`). */
// biome-ignore lint/suspicious/noConfusingVoidType: an action that answers through `e.json(...)` returns nothing
export type RouteAction = (e: RequestEvent) => Promise<Response | undefined | void> | Response | undefined | void;

/** Middleware is a function calling `await e.next()`, or a Handler with its id and priority. */
export type Middleware = HandlerFunc<RequestEvent> | Handler<RequestEvent>;

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Route is one route as added: its middlewares can be bound and unbound until it is first served. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  /** bind adds middlewares that run for this route only, inside those of its groups. */
  bind(...middlewares: Middleware[]): this;
  /** unbind removes middlewares by id, its own or inherited from its groups. */
  unbind(...ids: string[]): this;
}

/** RouterGroup is a path prefix with middlewares of its own, holding routes and other groups. */
export interface RouterGroup {
  readonly prefix: string;
  /** bind adds middlewares that run for every route of the group (and of its subgroups). */
  bind(...middlewares: Middleware[]): this;
  /** unbind removes middlewares by id, the group's own or inherited. */
  unbind(...ids: string[]): this;
  /** group makes a subgroup under a prefix (`/api/myapp`). */
  group(prefix: string): RouterGroup;
  route(method: HttpMethod, path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
  get(path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
  post(path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
  patch(path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
  put(path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
  delete(path: string, action: RouteAction, ...middlewares: Middleware[]): Route;
}

/**
 * Router is `e.router`, the root group: `bind` and `unbind` there act on the middlewares around every route,
 * built-in ones included, and the default ones can be unbound by id (`pbCors`, `pbActivityLogger`,
 * `pbPanicRecover`, `pbLoadAuthToken`, `pbSuperuserIPsWhitelist`, `pbSecurityHeaders`, `pbRateLimit`).
 */
export interface Router extends RouterGroup {
  /** middlewares lists the middlewares around every route, in the order they run. */
  middlewares(): readonly { readonly id: string; readonly priority: number }[];
}
