import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { isIpInList } from "../core/settings-ip.ts";
import type { RateLimitRule } from "../core/settings-model.ts";
import { notFound, tooManyRequests } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";

const settingsReloadHookId = "__pbRateLimitersSettingsHook__";
const sweepJobId = "__pbRateLimitersCleanup__";
/** How long a client's counter is kept after its window ended before a sweep may forget it. */
const idleClientSeconds = 1800;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** RateClient is one client's fixed window: `available` requests left in the window that began at `start`. */
class RateClient {
  available = 0;
  start = 0;

  /** consume takes one request from the window (a new window starts once `interval` seconds passed). */
  consume(maxAllowed: number, interval: number, now: number): boolean {
    if (now - this.start >= interval) {
      this.available = maxAllowed;
      this.start = now;
    }
    if (this.available <= 0) return false;
    this.available--;
    return true;
  }
}

/** RateLimiter counts the requests of each client key under one rule. */
class RateLimiter {
  readonly #clients = new Map<string, RateClient>();

  constructor(
    readonly maxAllowed: number,
    readonly interval: number,
  ) {}

  isAllowed(key: string, now = nowSeconds()): boolean {
    let client = this.#clients.get(key);
    if (!client) {
      client = new RateClient();
      this.#clients.set(key, client);
    }
    return client.consume(this.maxAllowed, this.interval, now);
  }

  /** sweep forgets the clients whose last window ended long ago. */
  sweep(now: number): void {
    for (const [key, client] of this.#clients) {
      if (now - (client.start + this.interval) > idleClientSeconds) this.#clients.delete(key);
    }
  }
}

/**
 * RateLimiters holds an app's limiters by id. They live until the settings are reloaded (a settings change
 * starts every count afresh, as in PocketBase); the app and its transaction-bound copies share their hook
 * registry, which keys them. While they live, PocketBase's `__pbRateLimitersCleanup__` cron job sweeps them
 * at 2 past every hour.
 */
class RateLimiters {
  static readonly #byApp = new WeakMap<object, RateLimiters>();
  readonly #limiters = new Map<string, RateLimiter>();

  static of(app: App): RateLimiters {
    let store = RateLimiters.#byApp.get(app.hooks);
    if (!store) {
      const created = new RateLimiters();
      store = created;
      RateLimiters.#byApp.set(app.hooks, store);
      app.cron().add(sweepJobId, "2 * * * *", () => created.sweep(nowSeconds()));
      const hooks = app.hooks;
      app.onSettingsReload().bind({
        id: settingsReloadHookId,
        func: async (e) => {
          await e.next();
          RateLimiters.#byApp.delete(hooks);
          hooks.get("onSettingsReload").unbind(settingsReloadHookId);
          e.app.cron().remove(sweepJobId);
        },
      });
    }
    return store;
  }

  sweep(now: number): void {
    for (const limiter of this.#limiters.values()) limiter.sweep(now);
  }

  get(id: string, rule: Pick<RateLimitRule, "maxRequests" | "duration">): RateLimiter {
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiter(rule.maxRequests, rule.duration);
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}

/**
 * checkRateLimit counts the request against the limiter `id` (created from `rule` on first use), keyed by
 * the client's IP, and throws a 429 once the rule's maximum is reached in the current window. A rule for
 * `@guest` or `@auth` only counts requests of that audience. It doesn't look at the settings: callers that
 * apply the settings' rules check skipRateLimit first.
 */
export function checkRateLimit(
  e: RequestEvent,
  id: string,
  rule: Pick<RateLimitRule, "maxRequests" | "duration" | "audience">,
): void {
  if (rule.audience === "@guest" && e.auth) return;
  if (rule.audience === "@auth" && !e.auth) return;
  const key = e.realIp;
  if (key === "") {
    e.app.logger().warn("empty rate limit client key");
    return;
  }
  if (!RateLimiters.of(e.app).get(id, rule).isAllowed(key)) {
    throw tooManyRequests("", new Error(`triggered rate limit rule: ${JSON.stringify(rule)}`));
  }
  const bus = e.app.cluster();
  if (bus.peers() > 0) {
    const hit: RateLimitHit = { id, key, maxRequests: rule.maxRequests, duration: rule.duration };
    bus.publish(rateLimitChannel, hit);
  }
}

/** The bus channel of counted requests, so that each process counts those of all (see bindRateLimitSync). */
export const rateLimitChannel = "ratelimit.hit";

interface RateLimitHit {
  id: string;
  key: string;
  maxRequests: number;
  duration: number;
}

function isRateLimitHit(data: unknown): data is RateLimitHit {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    typeof d.id === "string" &&
    typeof d.key === "string" &&
    typeof d.maxRequests === "number" &&
    typeof d.duration === "number"
  );
}

const syncBindings = new WeakMap<App, () => void>();

/**
 * bindRateLimitSync makes the limits hold for the whole cluster: every request a process lets through is
 * also counted by the others (the same limiter, the same client key), so a client spreading its requests
 * over the processes meets the configured limit, not a multiple of it. Counting is asynchronous: requests
 * arriving at several processes within the time a message takes (well under a millisecond on one machine)
 * may each pass before they hear of the others.
 */
export function bindRateLimitSync(app: App): void {
  syncBindings.get(app)?.();
  const unsubscribe = app.cluster().subscribe(rateLimitChannel, (data) => {
    if (!isRateLimitHit(data)) {
      app.logger().warn("cluster bus: dropped a malformed rate limit message", {
        message: JSON.stringify(data)?.slice(0, 200) ?? "",
      });
      return;
    }
    RateLimiters.of(app).get(data.id, data).isAllowed(data.key);
  });
  syncBindings.set(app, unsubscribe);
}

/** skipRateLimit: the settings' rules apply unless they are disabled, or for superusers and excluded IPs. */
export function skipRateLimit(e: RequestEvent): boolean {
  const config = e.app.settings().rateLimits;
  return !config.enabled || e.isSuperuser() || isIpInList(config.excludedIPs, e.realIp);
}

/**
 * findRateLimitRule returns the first rule matching one of the labels, in the labels' order, among the
 * rules of the given audiences. A label matches a rule with the same label, or a prefix rule (ending
 * with `/`) that it continues (`/api/x` matches `/api/`).
 */
export function findRateLimitRule(
  rules: readonly RateLimitRule[],
  labels: readonly string[],
  audiences: readonly string[],
): RateLimitRule | null {
  const prefixRules = rules.filter((r) => r.label.endsWith("/"));
  const forAudience = (r: RateLimitRule) => audiences.length === 0 || audiences.includes(r.audience);
  for (const label of labels) {
    const exact = rules.find((r) => r.label === label && forAudience(r));
    if (exact) return exact;
    const prefix = prefixRules.find((r) => `${label}/`.startsWith(r.label) && forAudience(r));
    if (prefix) return prefix;
  }
  return null;
}

/** The audiences whose rules apply to the request: everyone's and the guests' or the authenticated's. */
function audiencesOf(e: RequestEvent): string[] {
  return e.auth ? ["", "@auth"] : ["", "@guest"];
}

/** The path labels of a request: `METHOD /path` then `/path` (the path decoded, as Go's URL.Path is). */
function pathLabels(e: RequestEvent): string[] {
  let path = e.url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape keeps the raw path
  }
  return [`${e.request.method} ${path}`, path];
}

/**
 * checkCollectionRateLimit applies the settings' rules to an endpoint about a collection. The labels are
 * tried in order: `<collection name>:<tag>` for each tag, `*:<tag>` for each tag, then the path labels.
 * The count is kept per collection and endpoint (so `*:auth` limits each collection's auth endpoints
 * separately).
 */
export function checkCollectionRateLimit(e: RequestEvent, collection: Collection, ...tags: string[]): void {
  if (skipRateLimit(e)) return;
  const labels = [...tags.map((t) => `${collection.name}:${t}`), ...tags.map((t) => `*:${t}`), ...pathLabels(e)];
  const rule = findRateLimitRule(e.app.settings().rateLimits.rules, labels, audiencesOf(e));
  if (rule) checkRateLimit(e, `${collection.id}:${tags.join(",")}${rule.audience}`, rule);
}

/** The route middlewares that replace the global rate limiter on their routes. */
const routeLimiters = new WeakSet<object>();

/**
 * collectionPathRateLimit is the rate limiter of an endpoint about the `{collection}` of its path, in place
 * of the global one: an unknown collection is a 404, then checkCollectionRateLimit with the endpoint's tags.
 */
export function collectionPathRateLimit(...tags: string[]): MiddlewareHandler<RouterEnv> {
  const middleware: MiddlewareHandler<RouterEnv> = async (c, next) => {
    const e = c.get("event");
    const collection = e.app.findCachedCollectionByNameOrId(c.req.param("collection") ?? "");
    if (!collection) throw notFound("Missing or invalid collection context.");
    checkCollectionRateLimit(e, collection, ...tags);
    await next();
  };
  routeLimiters.add(middleware);
  return middleware;
}

/**
 * withOwnRateLimit marks a route handler that applies checkCollectionRateLimit itself (the records CRUD
 * routes, which must find their collection first), so the global rate limiter leaves its route alone.
 */
export function withOwnRateLimit<H extends object>(handler: H): H {
  routeLimiters.add(handler);
  return handler;
}

/**
 * checkGlobalRateLimit is the global rate limiter (one of the default middleware's steps): the first of the
 * settings' rules matching `METHOD /path`, `/path` or a prefix of the path counts the request, in one bucket
 * per rule. Routes with their own limiter (collectionPathRateLimit, withOwnRateLimit) are skipped.
 */
export function checkGlobalRateLimit(c: Context<RouterEnv>, e: RequestEvent): void {
  // the cheap check first: rate limits are off by default
  if (skipRateLimit(e) || matchedRoutes(c).some((r) => routeLimiters.has(r.handler))) return;
  const rule = findRateLimitRule(e.app.settings().rateLimits.rules, pathLabels(e), audiencesOf(e));
  if (rule) checkRateLimit(e, rule.label + rule.audience, rule);
}
