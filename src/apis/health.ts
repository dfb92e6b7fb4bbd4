import type { Hono } from "hono";
import type { RouterEnv } from "./middlewares.ts";
import { route } from "./route.ts";

/** bindHealthApi registers `GET /api/health` (HEAD too). */
export function bindHealthApi(router: Hono<RouterEnv>): void {
  router.on(
    ["GET", "HEAD"],
    "/api/health",
    route(async (e) => {
      const data: Record<string, unknown> = {};
      if (e.isSuperuser()) {
        data.canBackup = e.app.activeBackup() === null;
        data.realIP = e.realIp;
        data.possibleProxyHeader = possibleProxyHeader(e.request.headers, e.app.settings().trustedProxy.headers);
      }
      return e.json(200, { message: "API is healthy.", code: 200, data });
    }),
  );
}

const proxyHeaders = ["CF-Connecting-IP", "Fly-Client-IP", "X-Real-IP", "X-Forwarded-For"];

/** The first proxy header the request carries, the trusted ones first (the dashboard's reminder to trust one). */
function possibleProxyHeader(headers: Headers, trusted: readonly string[]): string {
  return [...trusted, ...proxyHeaders].find((h) => headers.get(h)) ?? "";
}
