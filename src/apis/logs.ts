import type { Hono } from "hono";
import { findLogById, InvalidLogsQueryError, listLogs, logsStats } from "../core/log-query.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { QueryTimeoutError } from "../db/driver.ts";
import { badRequest, notFound } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";
import { skipSuccessActivityLog } from "./middlewares-activity-log.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { listParams } from "./record-crud.ts";
import { route } from "./route.ts";

/**
 * bindLogsApi registers the superuser-only logs API: `GET /api/logs` (a page of logs, with filter and
 * sort over id, created, level, message and `data.*`), `GET /api/logs/stats` (logs per hour) and
 * `GET /api/logs/{id}`. Their successful requests are not logged themselves.
 */
export function bindLogsApi(router: Hono<RouterEnv>): void {
  const methods = ["GET", "HEAD"];
  router.on(methods, "/api/logs", requireSuperuser, route(logsList));
  router.on(methods, "/api/logs/stats", requireSuperuser, route(logsStatsHandler));
  router.on(methods, "/api/logs/:id", requireSuperuser, route(logsView));
}

async function logsList(e: RequestEvent): Promise<Response> {
  skipSuccessActivityLog(e.request);
  try {
    return e.json(200, await listLogs(e.app.auxDb, listParams(e), e.readScope()));
  } catch (err) {
    throw err instanceof InvalidLogsQueryError ? badRequest("", err) : err;
  }
}

async function logsStatsHandler(e: RequestEvent): Promise<Response> {
  skipSuccessActivityLog(e.request);
  try {
    return e.json(200, await logsStats(e.app.auxDb, e.url.searchParams.get("filter") ?? "", e.readScope()));
  } catch (err) {
    if (err instanceof InvalidLogsQueryError) throw badRequest("Invalid filter format.", err);
    if (err instanceof QueryTimeoutError) throw err;
    throw badRequest("Failed to generate logs stats.", err);
  }
}

async function logsView(e: RequestEvent): Promise<Response> {
  skipSuccessActivityLog(e.request);
  const log = await findLogById(e.app.auxDb, e.params.id ?? "");
  if (!log) throw notFound();
  return e.json(200, log);
}
