import { type Context, type ErrorHandler, Hono, type Next } from "hono";
import type { RouterRoute } from "hono/types";
import type { App } from "../core/app.ts";
import { notFound } from "../tools/router/api-error.ts";
import { bindBackupApi } from "./backup.ts";
import { bindBatchApi } from "./batch.ts";
import { bindCollectionApi } from "./collection.ts";
import { bindCronApi } from "./cron.ts";
import { bindDashboard, type DashboardSource } from "./dashboard.ts";
import { bindFileApi } from "./file.ts";
import { bindHealthApi } from "./health.ts";
import { bindLogsApi } from "./logs.ts";
import { answerError, defaultMiddleware, newMiddlewaresHook, type RouterEnv } from "./middlewares.ts";
import { bindRateLimitSync } from "./middlewares-rate-limit.ts";
import { bindOpenApiApi } from "./openapi.ts";
import { bindRealtimeApi } from "./realtime.ts";
import type { RealtimeCluster } from "./realtime-client-id.ts";
import { bindRecordAuthApi } from "./record-auth.ts";
import { ResendThrottle } from "./record-auth-throttle.ts";
import { bindRecordAuthWithOAuth2Api } from "./record-auth-with-oauth2.ts";
import { bindRecordCrudApi } from "./record-crud.ts";
import { SegmentRouter } from "./segment-router.ts";
import { ServeRouter } from "./serve-router.ts";
import { bindSettingsApi } from "./settings.ts";
import { bindSqlApi } from "./sql.ts";
import { bindTypegenApi } from "./typegen.ts";

/** A handler as Hono's router holds it: the function and the route it was added with. */
type RouterHandler = [handler: (c: Context<RouterEnv>, next: Next) => unknown, route: RouterRoute];

export interface RouterOptions {
  /** Allowed CORS origins (`*` by default). */
  origins?: readonly string[];
  /** The admin dashboard's files, served at `/_/` (not served when left out). */
  dashboard?: DashboardSource;
  /** Whether `GET /api/openapi.json` answers others than superusers (with the part of the API they may use). */
  publicOpenApi?: boolean;
  /** Where the realtime clients of the other processes are (`satchel serve --workers`; left out: alone). */
  realtimeCluster?: RealtimeCluster;
}

const serveRouters = new WeakMap<Hono<RouterEnv>, ServeRouter>();

/** serveRouter is the router onServe handlers get (`e.router`) for a router made by newRouter. */
export function serveRouter(router: Hono<RouterEnv>): ServeRouter {
  const r = serveRouters.get(router);
  if (!r) throw new Error("not a router made by newRouter");
  return r;
}

/**
 * newRouter builds the HTTP router: the default middlewares (CORS, request event, auth token, security
 * headers), every API, the dashboard when given, the JSON error handler and the JSON 404 for unknown paths.
 */
export function newRouter(app: App, options: RouterOptions = {}): Hono<RouterEnv> {
  const middlewares = newMiddlewaresHook();
  const defaults = defaultMiddleware(app, options.origins ?? ["*"], middlewares);
  const onError: ErrorHandler<RouterEnv> = (err, c) => answerError(c, app, err);
  // a path matching the default middleware and one route gets one handler doing both (DefaultMiddleware)
  const pair = (first: RouterHandler, second: RouterHandler): RouterHandler | null =>
    first[0] === defaults ? [defaults.around({ handler: second[0], onError }), second[1]] : null;
  const router = new Hono<RouterEnv>({ router: new SegmentRouter<RouterHandler>({ pair }) });
  router.use("*", defaults);
  serveRouters.set(router, new ServeRouter(router, middlewares));

  bindHealthApi(router);
  bindCollectionApi(router);
  bindRecordCrudApi(router);
  bindRecordAuthApi(router);
  bindRecordAuthWithOAuth2Api(router);
  bindSettingsApi(router);
  bindFileApi(router);
  bindRealtimeApi(app, router, options.realtimeCluster);
  bindRateLimitSync(app);
  // subscribed from the start, so that the other processes' mails are known before a request needs them
  ResendThrottle.of(app);
  bindBatchApi(router);
  bindCronApi(router);
  bindSqlApi(router);
  bindLogsApi(router);
  if (options.dashboard) bindDashboard(router, app, options.dashboard);
  bindTypegenApi(router);
  bindOpenApiApi(router, options.publicOpenApi ?? false);
  bindBackupApi(router);

  // PocketBase's standard binary answers every unmatched GET from its public folder, so a missing path
  // there is "File not found."; other methods get the generic JSON 404
  router.notFound((c) => {
    const method = c.req.method;
    const err = method === "GET" || method === "HEAD" ? notFound("File not found.") : notFound();
    return answerError(c, app, err);
  });
  router.onError(onError);
  return router;
}
