import type { RequestLog } from "../core/log-write.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { normalizeLogValue } from "../tools/logger/logger.ts";
import { wallTimeAt } from "../tools/logger/wall-clock.ts";
import { ApiError } from "../tools/router/api-error.ts";

/** Requests whose success is not logged (their failures still are). */
const successNotLogged = new WeakSet<Request>();

/**
 * skipSuccessActivityLog keeps this request out of the logs unless it fails: for routes polled by the
 * dashboard (the logs API), long-lived streams (realtime) and URLs that may carry secrets (OAuth2 redirects).
 */
export function skipSuccessActivityLog(request: Request): void {
  successNotLogged.add(request);
}

/** cut shortens text longer than max characters, marking the cut as PocketBase does. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** requestUri is the path and query of a request URL (`http://host/a?b` → `/a?b`). */
function requestUri(url: string): string {
  const scheme = url.indexOf("://");
  const slash = url.indexOf("/", scheme < 0 ? 0 : scheme + 3);
  return slash < 0 ? "/" : url.slice(slash);
}

/**
 * unescapePath decodes `%XX` sequences for the log message, keeping the text as it is when they are malformed.
 * `%00` stays as it is: a NUL shows nothing in a log line, and a database's text may refuse it (PostgreSQL's
 * does, which would fail the whole batch of logs).
 */
function unescapePath(uri: string): string {
  if (!uri.includes("%")) return uri;
  try {
    return decodeURIComponent(uri.replaceAll("%00", "%2500"));
  } catch {
    return uri;
  }
}

/**
 * logRequest writes the request log of a finished request (PocketBase's activity logger): `METHOD /uri` at
 * level info, or error with the error and its details when the request failed, and in `data` the method,
 * URL, status, execution time in ms, referer, user agent, auth collection, and (per `settings.logs`) the
 * auth record id and IPs. It only queues the log: its row is made and written later, in a batch. The IPs
 * are looked up only when the settings keep them.
 */
export function logRequest(e: RequestEvent, status: number, startedAt: number, err: unknown): void {
  const settings = e.app.settings().logs;
  if (settings.maxDays === 0) return;
  if (err === undefined && successNotLogged.has(e.request)) return;
  const now = performance.now();
  // milliseconds, to the nanosecond as PocketBase reports them
  const execTime = Math.round((now - startedAt) * 1e6) / 1e6;
  const request = e.request;
  const method = cut(request.method.toUpperCase(), 50);
  const url = cut(requestUri(request.url), 3000);
  const headers = request.headers;
  const unescaped = unescapePath(url);
  const log: RequestLog = {
    time: wallTimeAt(now),
    status,
    execTime,
    method,
    url,
    message: unescaped === url ? "" : `${method} ${unescaped}`,
    referer: cut(headers.get("referer") ?? "", 2000),
    userAgent: cut(headers.get("user-agent") ?? "", 2000),
    auth: e.auth ? e.auth.collection.name : "",
  };
  if (e.auth && settings.logAuthId) log.authId = e.auth.id;
  if (settings.logIP) {
    log.remoteIP = e.remoteIp;
    log.userIP = e.realIp;
  }
  e.app.logger().request(log, err === undefined ? undefined : requestError(err));
}

/** requestError is a failed request's error as its log keeps it: the message, and an API error's details. */
function requestError(err: unknown): { message: string; details?: unknown } {
  if (err instanceof ApiError) {
    return { message: err.message, details: err.raw === undefined ? null : normalizeLogValue(err.raw) };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}
