import { Hono } from "hono";
import type { App } from "../core/app.ts";
import { notFound } from "../tools/router/api-error.ts";
import { bindCollectionApi } from "./collection.ts";
import { bindHealthApi } from "./health.ts";
import {
  corsMiddleware,
  errorResponse,
  loadAuthTokenMiddleware,
  type RouterEnv,
  requestEventMiddleware,
  securityHeadersMiddleware,
} from "./middlewares.ts";
import { bindRecordAuthApi } from "./record-auth.ts";
import { bindRecordCrudApi } from "./record-crud.ts";

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
  router.use("*", corsMiddleware(options.origins ?? ["*"]));
  router.use("*", requestEventMiddleware(app));
  router.use("*", securityHeadersMiddleware);
  router.use("*", loadAuthTokenMiddleware(app));

  bindHealthApi(router);
  bindCollectionApi(router);
  bindRecordCrudApi(router);
  bindRecordAuthApi(router);

  router.notFound((c) => errorResponse(app, notFound(), c.req.method));
  router.onError((err, c) => {
    const res = errorResponse(app, err, c.req.method);
    res.headers.set("X-XSS-Protection", "1; mode=block");
    res.headers.set("X-Content-Type-Options", "nosniff");
    res.headers.set("X-Frame-Options", "SAMEORIGIN");
    return res;
  });
  return router;
}
