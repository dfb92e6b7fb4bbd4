import type { Server } from "bun";
import type { Context, Hono } from "hono";
import type { App } from "../core/app.ts";
import { realtimeClientIpKey, realtimeClientRequestKey } from "../core/realtime.ts";
import { RealtimeConnectRequestEvent, RealtimeSubscribeRequestEvent } from "../core/realtime-events.ts";
import type { RecordModel } from "../core/record-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { badRequest, forbidden } from "../tools/router/api-error.ts";
import { Client } from "../tools/subscriptions/client.ts";
import type { RouterEnv } from "./middlewares.ts";
import { skipSuccessActivityLog } from "./middlewares-activity-log.ts";
import { newClientId, type RealtimeCluster } from "./realtime-client-id.ts";
import { bindRemoteSubscriptions, forwardSubscriptions } from "./realtime-cluster.ts";
import { runConnectHook } from "./realtime-connect.ts";
import { bindRealtimeEvents } from "./realtime-record-events.ts";
import { SseTransport } from "./realtime-sse.ts";
import { readSubscribeForm } from "./realtime-subscriptions.ts";
import { type RealtimeSocketData, WsTransport } from "./realtime-ws.ts";
import { route } from "./route.ts";

/**
 * bindRealtimeApi registers PocketBase's realtime API (`GET /api/realtime` SSE, `POST /api/realtime`
 * subscriptions), our WebSocket endpoint `/api/realtime/ws`, and the hooks that feed them record events
 * and keep clients' auth state current.
 */
export function bindRealtimeApi(app: App, router: Hono<RouterEnv>, cluster?: RealtimeCluster): void {
  router.get("/api/realtime", (c) => realtimeConnect(c, cluster));
  router.post("/api/realtime", route(realtimeSetSubscriptions));
  router.get("/api/realtime/ws", (c) => realtimeWebSocketConnect(c, cluster));
  bindRealtimeEvents(app);
  bindRemoteSubscriptions(app, applySubscriptions);
}

/** The Bun server serving a request (absent when the router is driven in process by `app.fetch`). */
function serverOf(c: Context<RouterEnv>): Server<RealtimeSocketData> | undefined {
  return (c.env as { server?: Server<RealtimeSocketData> } | undefined)?.server;
}

function newConnectEvent(
  e: RequestEvent,
  transport: SseTransport | WsTransport,
  cluster: RealtimeCluster | undefined,
): RealtimeConnectRequestEvent {
  const ce = e.derive(RealtimeConnectRequestEvent);
  ce.client = new Client(transport, newClientId(cluster));
  ce.client.set(realtimeClientIpKey, e.realIp);
  ce.client.set(realtimeClientRequestKey, ce);
  return ce;
}

/** `GET /api/realtime`: the SSE stream, opened with PB_CONNECT, closed when idle or too old. */
async function realtimeConnect(c: Context<RouterEnv>, cluster: RealtimeCluster | undefined): Promise<Response> {
  const e = c.get("event");
  skipSuccessActivityLog(e.request);
  // the stream outlives the server's idle timeout, as PocketBase lifts its write deadline
  serverOf(c)?.timeout(c.req.raw, 0);
  const transport = new SseTransport();
  const event = newConnectEvent(e, transport, cluster);
  transport.clientId = event.client.id;
  const response = await runConnectHook(event, async (ce) => {
    const client = ce.client;
    const realtime = ce.app.realtime();
    realtime.broker.register(client);
    let idle: ReturnType<typeof setTimeout> | undefined;
    let max: ReturnType<typeof setTimeout> | undefined;
    const closed = new Promise<void>((resolve) => {
      transport.onClose = () => {
        clearTimeout(idle);
        clearTimeout(max);
        realtime.broker.unregister(client.id);
        resolve();
      };
    });
    if (transport.isClosed) transport.onClose();
    ce.request.signal.addEventListener("abort", () => transport.close());
    await realtime.deliver(client, { name: "PB_CONNECT", data: JSON.stringify({ clientId: client.id }) });
    const drop = () => realtime.broker.unregister(client.id);
    idle = setTimeout(drop, ce.idleTimeoutMs);
    max = setTimeout(drop, ce.maxTimeoutMs);
    transport.onWrite = () => idle?.refresh();
    const res = new Response(transport.stream, {
      headers: {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
      },
    });
    return { response: res, closed };
  });
  return response ?? new Response(null, { status: 200 });
}

function isSameAuth(a: RecordModel | null, b: RecordModel | null): boolean {
  if (!a || !b) return a === b;
  return a.id === b.id && a.collection.id === b.collection.id;
}

/**
 * `POST /api/realtime`: replaces a client's subscriptions and binds the request's auth to it. A client held
 * by another process of the cluster gets the request there (realtime-cluster.ts).
 */
async function realtimeSetSubscriptions(e: RequestEvent): Promise<Response | null> {
  const form = await readSubscribeForm(e);
  const client = e.app.realtime().broker.clientById(form.clientId);
  if (!client) return forwardSubscriptions(e, form);
  return applySubscriptions(e, client, form.subscriptions);
}

/**
 * applySubscriptions replaces the subscriptions of a client held by this process. The request must come
 * from the client's IP, and a client may go from guest to authenticated, never from one auth to another.
 */
async function applySubscriptions(e: RequestEvent, client: Client, subscriptions: string[]): Promise<Response> {
  const realtime = e.app.realtime();
  const ip = client.get(realtimeClientIpKey);
  if (typeof ip === "string" && ip !== "" && ip !== e.realIp) throw badRequest("Invalid realtime client.");
  const current = realtime.clientAuth(client);
  if (current && !isSameAuth(current, e.auth))
    throw forbidden("The current and the previous request authorization don't match.");
  const event = e.derive(RealtimeSubscribeRequestEvent);
  event.client = client;
  event.subscriptions = subscriptions;
  await e.app.hooks.get("onRealtimeSubscribeRequest").trigger(event, (se) => {
    realtime.setClientAuth(se.client, se.auth);
    se.client.unsubscribe();
    se.client.subscribe(...se.subscriptions);
    se.noContent(204);
  });
  // a hook that didn't call next() and set no answer: an empty 200, as Go's server answers
  return event.response ?? new Response(null, { status: 200 });
}

/**
 * `GET /api/realtime/ws`: upgrades to our WebSocket protocol (realtime-ws.ts). The upgrade request's
 * Authorization, if any, authenticates the client from the start.
 */
async function realtimeWebSocketConnect(
  c: Context<RouterEnv>,
  cluster: RealtimeCluster | undefined,
): Promise<Response> {
  const e = c.get("event");
  skipSuccessActivityLog(e.request);
  const server = serverOf(c);
  const transport = new WsTransport();
  const event = newConnectEvent(e, transport, cluster);
  transport.client = event.client;
  if (e.auth) e.app.realtime().setClientAuth(event.client, e.auth);
  const response = await runConnectHook(event, async (ce) => {
    const upgraded = server?.upgrade(c.req.raw, { data: { event: ce, transport } }) ?? false;
    if (!upgraded) throw badRequest("The request is not a WebSocket upgrade.");
    return { response: undefined, closed: transport.closed };
  });
  // after an upgrade Bun ignores the response; the router still needs one
  return response ?? new Response(null);
}
