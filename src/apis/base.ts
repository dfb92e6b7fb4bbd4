import { Hono } from "hono";
import type { App } from "../core/app.ts";
import { notFound } from "../tools/router/api-error.ts";
import { bindCollectionApi } from "./collection.ts";
import { bindFileApi } from "./file.ts";
import { bindHealthApi } from "./health.ts";
import { bindLogsApi } from "./logs.ts";
import { answerError, defaultMiddleware, type RouterEnv } from "./middlewares.ts";
import { bindRealtimeApi } from "./realtime.ts";
import { bindRecordAuthApi } from "./record-auth.ts";
import { bindRecordAuthWithOAuth2Api } from "./record-auth-with-oauth2.ts";
import { bindRecordCrudApi } from "./record-crud.ts";
import { bindSettingsApi } from "./settings.ts";

export interface RouterOptions {
  /** Allowed CORS origins (`*` by default). */
  origins?: readonly string[];
}

/**
 * newRouter builds the HTTP router: the default middlewares (CORS, request event, auth token, security
 * headers), every API, the JSON error handler and the JSON 404 for unknown paths.
 */
export function newRouter(app: App, options: RouterOptions = {}): Hono<RouterEnv> {
  const router = new Hono<RouterEnv>();
  router.use("*", defaultMiddleware(app, options.origins ?? ["*"]));

  bindHealthApi(router);
  bindCollectionApi(router);
  bindRecordCrudApi(router);
  bindRecordAuthApi(router);
  bindRecordAuthWithOAuth2Api(router);
  bindSettingsApi(router);
  bindFileApi(router);
  bindRealtimeApi(app, router);
  bindLogsApi(router);

  // PocketBase's standard binary answers every unmatched GET from its public folder, so a missing path
  // there is "File not found."; other methods get the generic JSON 404
  router.notFound((c) => {
    const method = c.req.method;
    const err = method === "GET" || method === "HEAD" ? notFound("File not found.") : notFound();
    return answerError(c, app, err);
  });
  router.onError((err, c) => answerError(c, app, err));
  return router;
}
