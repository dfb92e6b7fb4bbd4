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
        data.possibleProxyHeader = possibleProxyHeader(e.request.headers);
      }
      return e.json(200, { message: "API is healthy.", code: 200, data });
    }),
  );
}

const proxyHeaders = ["CF-Connecting-IP", "Fly-Client-IP", "X-Real-IP", "X-Forwarded-For"];

/** A proxy header the request carries while no trusted proxy is configured. */
function possibleProxyHeader(headers: Headers): string {
  return proxyHeaders.find((h) => headers.has(h)) ?? "";
}
