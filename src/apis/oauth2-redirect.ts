import type { Hono } from "hono";
import { realtimeClientIpKey } from "../core/realtime.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { bindForm } from "../forms/bind.ts";
import type { RouterEnv } from "./middlewares.ts";
import { skipSuccessActivityLog } from "./middlewares-activity-log.ts";
import { route } from "./route.ts";

/** The realtime topic a client subscribes to for the result of its OAuth2 redirect. */
export const oauth2SubscriptionTopic = "@oauth2";

const failureText = "Failed to authenticate. You can close this window and go back to the app to try again.";
const successHtml = "Auth completed. You can close this window and go back to the app.";

/** How long the name Apple sends to the redirect waits for the code exchange that reads it. */
const appleNameTtlMs = 60_000;
const appleNames = new Map<string, string>();

/**
 * bindOAuth2RedirectApi registers `/api/oauth2-redirect`, where providers send the browser back (GET, or a
 * POST for Apple's `form_post`) in the SDK's all-in-one OAuth2 flow.
 */
export function bindOAuth2RedirectApi(router: Hono<RouterEnv>): void {
  router.get("/api/oauth2-redirect", route(oauth2Redirect));
  router.post("/api/oauth2-redirect", route(oauth2Redirect));
}

/**
 * oauth2Redirect hands the provider's answer to the realtime client named by `state` (the SDK uses its
 * client id as the state): the client must be connected, subscribed to `@oauth2` and at the same IP. It
 * then tells the browser window it can close (there is no dashboard to redirect to).
 */
async function oauth2Redirect(e: RequestEvent): Promise<Response> {
  // the URL carries the provider's code
  skipSuccessActivityLog(e.request);
  const data = await readRedirectData(e);
  if (!data || data.state === "") return failure(e, "missing OAuth2 state parameter");
  const client = e.app.realtime().broker.clientById(data.state);
  if (!client || client.isDiscarded || !client.hasSubscription(oauth2SubscriptionTopic))
    return failure(e, "missing or invalid OAuth2 subscription client");
  try {
    const ip = client.get(realtimeClientIpKey);
    if (typeof ip === "string" && ip !== "" && ip !== e.realIp)
      return failure(e, "the OAuth2 redirect came from another IP than the realtime connection");
    if (data.user !== "" && data.error === "" && data.code !== "") rememberAppleName(data.code, data.user);
    const message: Record<string, string> = { state: data.state, code: data.code };
    if (data.error !== "") message.error = data.error;
    client.send({ name: oauth2SubscriptionTopic, data: JSON.stringify(message) });
  } finally {
    client.unsubscribe(oauth2SubscriptionTopic);
  }
  if (data.error !== "" || data.code === "") return failure(e, "OAuth2 redirect with an error or without a code");
  return new Response(successHtml, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
}

interface RedirectData {
  state: string;
  code: string;
  error: string;
  /** Apple's JSON with the user's name (first login only). */
  user: string;
}

async function readRedirectData(e: RequestEvent): Promise<RedirectData | null> {
  if (e.request.method === "GET") {
    const q = e.url.searchParams;
    return { state: q.get("state") ?? "", code: q.get("code") ?? "", error: q.get("error") ?? "", user: "" };
  }
  try {
    const { data } = await e.body();
    const type = (e.request.headers.get("content-type") ?? "").toLowerCase();
    const spec = { state: "string", code: "string", error: "string", user: "string" } as const;
    return bindForm(data, spec, type.startsWith("application/json"));
  } catch (err) {
    e.app.logger().debug("Failed to read OAuth2 redirect data", { error: String(err) });
    return null;
  }
}

function failure(e: RequestEvent, reason: string): Response {
  e.app.logger().debug("OAuth2 redirect failed", { reason });
  return new Response(failureText, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** rememberAppleName keeps, for a minute, the full name Apple posted with a code. */
function rememberAppleName(code: string, serialized: string): void {
  if (code.length > 1000) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(serialized);
  } catch {
    return;
  }
  const name = (parsed as { name?: { firstName?: unknown; lastName?: unknown } } | null)?.name;
  const first = typeof name?.firstName === "string" ? name.firstName : "";
  const last = typeof name?.lastName === "string" ? name.lastName : "";
  const fullName = `${first} ${last}`.slice(0, 150).trim();
  if (fullName === "") return;
  appleNames.set(code, fullName);
  setTimeout(() => appleNames.delete(code), appleNameTtlMs).unref();
}

/** takeAppleRedirectName returns (once) the name Apple sent to the redirect with this code. */
export function takeAppleRedirectName(code: string): string | undefined {
  const name = appleNames.get(code);
  appleNames.delete(code);
  return name;
}
