import type { App } from "../core/app.ts";
import { RequestEvent } from "../core/request-event.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { notFound, serviceUnavailable } from "../tools/router/api-error.ts";
import type { Client } from "../tools/subscriptions/client.ts";
import { errorResponse } from "./middlewares.ts";

/**
 * Realtime subscriptions across the processes and nodes of a cluster. A realtime client's stream stays on
 * the process that accepted it, but its `POST /api/realtime` may reach any other (the kernel spreads
 * `--workers` connections; a load balancer spreads requests over nodes). A process that doesn't hold the
 * client asks the others over the cluster bus. The holder claims the request at once (the claim comes
 * before its acknowledgement of the message), then applies it as it would a local one (the same IP and
 * auth checks, the same hooks) and sends back its answer, which the asking process returns as is. When
 * every other process acknowledged the request and none claimed it, no one holds the client: 404, as for
 * an unknown client.
 */

/** The bus channel of subscription requests passed on (ForwardedSubscribe), and of their answers (SubscribeAnswer). */
export const subscribeChannel = "realtime.subscribe";
export const subscribeAnswerChannel = "realtime.subscribe.answer";

/** How long the asking process waits for the holder's answer once it claimed the request. */
export const forwardAnswerMs = 5000;
/** How long it waits for every other process to have looked at the request. */
export const forwardLookupMs = 2000;

/** A subscription request passed on to the process holding the client. */
interface ForwardedSubscribe {
  id: number;
  clientId: string;
  subscriptions: string[];
  /** The auth record the asking process found for the request (null: a guest). */
  auth: { collectionId: string; recordId: string } | null;
  /** The client's IP as the asking process resolved it. */
  ip: string;
  url: string;
  headers: [string, string][];
}

/** The holder's claim of a request (`claim`), then its answer (`status`, `headers`, `body`). */
interface SubscribeAnswer {
  to: string;
  id: number;
  claim?: boolean;
  status?: number;
  headers?: [string, string][];
  body?: string;
}

/** applySubscriptions applies a subscription request to a client held here (realtime.ts). */
export type ApplySubscriptions = (e: RequestEvent, client: Client, subscriptions: string[]) => Promise<Response>;

interface Pending {
  claimed: boolean;
  answer: PromiseWithResolvers<SubscribeAnswer>;
}

/** RealtimeForwarder is one app's side of passing subscription requests between processes. */
class RealtimeForwarder {
  readonly pending = new Map<number, Pending>();
  next = 0;
  unsubscribe = () => {};
}

const forwarders = new WeakMap<App, RealtimeForwarder>();

/**
 * bindRemoteSubscriptions has this app answer the subscription requests the cluster's other processes pass
 * on for the clients it holds, and hear the answers to those it passes on. Binding again replaces the
 * previous binding (a new router after a restart).
 */
export function bindRemoteSubscriptions(app: App, apply: ApplySubscriptions): void {
  const forwarder = forwarders.get(app) ?? new RealtimeForwarder();
  forwarders.set(app, forwarder);
  forwarder.unsubscribe();
  const bus = app.cluster();
  const offRequests = bus.subscribe(subscribeChannel, (data, from) => {
    const request = readForwarded(data);
    if (!request) {
      app.logger().warn("cluster bus: dropped a malformed realtime subscription request", {
        message: JSON.stringify(data)?.slice(0, 200) ?? "",
      });
      return;
    }
    const client = app.realtime().broker.clientById(request.clientId);
    if (!client) return;
    // claimed before this handler returns: the claim reaches the asker before this process's acknowledgement
    publishAnswer(bus, { to: from, id: request.id, claim: true });
    void answerForwarded(app, request, client, apply).then((answer) => publishAnswer(bus, { to: from, ...answer }));
  });
  const offAnswers = bus.subscribe(subscribeAnswerChannel, (data) => {
    const answer = data as SubscribeAnswer | null;
    if (answer?.to !== bus.nodeId || typeof answer.id !== "number") return;
    const pending = forwarder.pending.get(answer.id);
    if (!pending) return;
    if (answer.claim) pending.claimed = true;
    else pending.answer.resolve(answer);
  });
  forwarder.unsubscribe = () => {
    offRequests();
    offAnswers();
  };
}

function publishAnswer(bus: ClusterBus, answer: SubscribeAnswer): void {
  bus.publish(subscribeAnswerChannel, answer);
}

function readForwarded(data: unknown): ForwardedSubscribe | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Partial<ForwardedSubscribe>;
  const authOk = d.auth === null || (typeof d.auth?.collectionId === "string" && typeof d.auth.recordId === "string");
  const ok =
    typeof d.id === "number" &&
    typeof d.clientId === "string" &&
    Array.isArray(d.subscriptions) &&
    d.subscriptions.every((s) => typeof s === "string") &&
    authOk &&
    typeof d.ip === "string" &&
    typeof d.url === "string" &&
    Array.isArray(d.headers) &&
    d.headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((v) => typeof v === "string"));
  return ok ? (d as ForwardedSubscribe) : null;
}

/** answerForwarded applies a passed-on request to a client held here, as the same request made here would. */
async function answerForwarded(
  app: App,
  request: ForwardedSubscribe,
  client: Client,
  apply: ApplySubscriptions,
): Promise<Omit<SubscribeAnswer, "to">> {
  let res: Response;
  try {
    const body = JSON.stringify({ clientId: request.clientId, subscriptions: request.subscriptions });
    const e = new RequestEvent(app, new Request(request.url, { method: "POST", headers: request.headers, body }));
    e.resolveIp = () => request.ip;
    if (request.auth) e.auth = await app.findRecordById(request.auth.collectionId, request.auth.recordId);
    res = await apply(e, client, request.subscriptions);
  } catch (err) {
    res = errorResponse(app, err, "POST");
  }
  return { id: request.id, status: res.status, headers: [...res.headers], body: await res.text() };
}

/**
 * forwardSubscriptions passes a subscription request for a client this process doesn't hold to the one
 * that does, and returns its answer: 404 when no process holds the client.
 */
export async function forwardSubscriptions(
  e: RequestEvent,
  form: { clientId: string; subscriptions: string[] },
): Promise<Response> {
  const bus = e.app.cluster();
  const forwarder = forwarders.get(e.app);
  if (!forwarder || bus.peers() === 0) throw notFound("Missing or invalid client id.");
  const id = ++forwarder.next;
  const pending: Pending = { claimed: false, answer: Promise.withResolvers() };
  forwarder.pending.set(id, pending);
  try {
    const headers = [...e.request.headers].filter(([name]) => name !== "content-length");
    const request: ForwardedSubscribe = {
      id,
      clientId: form.clientId,
      subscriptions: form.subscriptions,
      auth: e.auth ? { collectionId: e.auth.collection.id, recordId: e.auth.id } : null,
      ip: e.realIp,
      url: e.request.url,
      headers,
    };
    // once every other process looked at it, their claims have been handled here too
    const looked = bus
      .publishAndWait(subscribeChannel, request, forwardLookupMs)
      .then(() => bus.received())
      .then(() => null);
    let answer = await Promise.race([pending.answer.promise, looked]);
    if (!answer && !pending.claimed) throw notFound("Missing or invalid client id.");
    answer ??= await within(pending.answer.promise, forwardAnswerMs);
    if (!answer) throw serviceUnavailable("The server holding this realtime client did not answer in time; try again.");
    const status = answer.status ?? 200;
    const body = answer.body === "" || status === 204 || status === 304 ? null : (answer.body ?? null);
    return new Response(body, { status, headers: answer.headers ?? [] });
  } finally {
    forwarder.pending.delete(id);
  }
}

/** within settles with the promise's value, or null once ms passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
