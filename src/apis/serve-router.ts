import type { Context, Hono } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import type * as api from "../core/router.ts";
import type { HttpMethod, Middleware, RouteAction } from "../core/router.ts";
import type { Handler } from "../tools/hook/hook.ts";
import { Hook } from "../tools/hook/hook.ts";
import { ApiError, internalError, NotFoundError } from "../tools/router/api-error.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";

function asHandler(m: Middleware): Handler<RequestEvent> {
  return typeof m === "function" ? { func: m } : m;
}

/** honoPath turns PocketBase's `{name}` and `{rest...}` path parameters into Hono's. */
export function honoPath(path: string): string {
  if (!path.startsWith("/")) throw new Error(`route path ${JSON.stringify(path)} must start with "/"`);
  return path.replace(/\{(\w+)(\.\.\.)?\}/g, (_, name: string, rest?: string) => (rest ? `:${name}{.+}` : `:${name}`));
}

export class Route implements api.Route {
  readonly #middlewares: Handler<RequestEvent>[] = [];
  readonly #unbound = new Set<string>();

  constructor(
    readonly method: HttpMethod,
    readonly path: string,
    readonly action: RouteAction,
  ) {}

  /** bind adds middlewares that run for this route only, inside those of its groups. */
  bind(...middlewares: Middleware[]): this {
    this.#middlewares.push(...middlewares.map(asHandler));
    return this;
  }

  /** unbind removes middlewares by id, its own or inherited from its groups. */
  unbind(...ids: string[]): this {
    for (const id of ids) this.#unbound.add(id);
    return this;
  }

  /** ownMiddlewares are the route's own middlewares, and the ids it unbound. */
  ownMiddlewares(): { own: readonly Handler<RequestEvent>[]; unbound: ReadonlySet<string> } {
    return { own: this.#middlewares, unbound: this.#unbound };
  }
}

export class RouterGroup implements api.RouterGroup {
  readonly #middlewares: Handler<RequestEvent>[] = [];
  readonly #unbound = new Set<string>();

  readonly #parent: RouterGroup | null;
  readonly #add: (route: Route, group: RouterGroup) => void;

  constructor(
    readonly prefix: string,
    parent: RouterGroup | null,
    add: (route: Route, group: RouterGroup) => void,
  ) {
    this.#parent = parent;
    this.#add = add;
  }

  /** bind adds middlewares that run for every route of the group (and of its subgroups). */
  bind(...middlewares: Middleware[]): this {
    this.#middlewares.push(...middlewares.map(asHandler));
    return this;
  }

  /** unbind removes middlewares by id, the group's own or inherited. */
  unbind(...ids: string[]): this {
    for (const id of ids) this.#unbound.add(id);
    return this;
  }

  /** group makes a subgroup under a prefix (`/api/myapp`). */
  group(prefix: string): RouterGroup {
    return new RouterGroup(this.prefix + prefix, this, this.#add);
  }

  route(method: HttpMethod, path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    const route = new Route(method, this.prefix + path, action).bind(...middlewares);
    this.#add(route, this);
    return route;
  }

  get(path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    return this.route("GET", path, action, ...middlewares);
  }

  post(path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    return this.route("POST", path, action, ...middlewares);
  }

  patch(path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    return this.route("PATCH", path, action, ...middlewares);
  }

  put(path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    return this.route("PUT", path, action, ...middlewares);
  }

  delete(path: string, action: RouteAction, ...middlewares: Middleware[]): Route {
    return this.route("DELETE", path, action, ...middlewares);
  }

  /** chain is the group's middlewares, its ancestors' first, with what it and they unbound. */
  chain(): { handlers: Handler<RequestEvent>[]; unbound: Set<string> } {
    const outer = this.#parent ? this.#parent.chain() : { handlers: [], unbound: new Set<string>() };
    for (const id of this.#unbound) outer.unbound.add(id);
    return { handlers: [...outer.handlers, ...this.#middlewares], unbound: outer.unbound };
  }
}

/**
 * asRouteFailure keeps the errors that are answers (ApiError, validation errors, a missing row); anything
 * else a route's action throws is a failure of its code: logged, and answered with a 500.
 */
function asRouteFailure(e: RequestEvent, route: Route, err: unknown): unknown {
  if (err instanceof ApiError || err instanceof ValidationErrors || err instanceof NotFoundError) return err;
  e.app.logger().error(`route failed: ${route.method} ${route.path}`, {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return internalError("", err);
}

/**
 * routeHook puts a route's middlewares (its groups' first, then its own) in one hook, whose default action
 * is the route's: ordered by priority, binding order between equals; a later id replaces an earlier one.
 */
function routeHook(route: Route, group: RouterGroup): Hook<RequestEvent> {
  const { handlers, unbound } = group.chain();
  const own = route.ownMiddlewares();
  for (const id of own.unbound) unbound.add(id);
  const hook = new Hook<RequestEvent>({ timeout: 0 });
  hook.name = `${route.method} ${route.path}`;
  for (const h of [...handlers, ...own.own]) if (!h.id || !unbound.has(h.id)) hook.bind(h);
  return hook;
}

/**
 * ServeRouter is `e.router`: the root group (no prefix) of the server's Hono router, and the middlewares
 * that run around every route (`router.bind`), the default ones included (`router.unbind("pbRateLimit")`).
 */
export class ServeRouter extends RouterGroup implements api.Router {
  readonly #globals: Hook<RequestEvent>;

  constructor(hono: Hono<RouterEnv>, globals: Hook<RequestEvent>) {
    super("", null, (route, group) => {
      let hook: Hook<RequestEvent> | null = null;
      hono.on(route.method, honoPath(route.path), async (c: Context<RouterEnv>) => {
        const e = c.get("event");
        e.params = c.req.param() as Record<string, string>;
        // the chain is put together at the first request: middlewares may be bound until then
        hook ??= routeHook(route, group);
        await hook.trigger(e, async (re) => {
          let res: Awaited<ReturnType<RouteAction>>;
          try {
            res = await route.action(re);
          } catch (err) {
            throw asRouteFailure(re, route, err);
          }
          if (res) re.response = res;
        });
        return e.response ?? new Response(null, { status: 200 });
      });
    });
    this.#globals = globals;
  }

  /** bind adds middlewares that run around every route, built-in ones included (after the default ones by default). */
  override bind(...middlewares: Middleware[]): this {
    for (const m of middlewares) this.#globals.bind(asHandler(m));
    return this;
  }

  /** unbind removes global middlewares by id, the default ones included (`pbRateLimit`, `pbCors`...). */
  override unbind(...ids: string[]): this {
    this.#globals.unbind(...ids);
    return this;
  }

  /** middlewares lists the global middlewares in the order they run. */
  middlewares(): readonly { id: string; priority: number }[] {
    return this.#globals.handlers();
  }
}
