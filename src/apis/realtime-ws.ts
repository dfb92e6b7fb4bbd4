import type { ServerWebSocket, WebSocketHandler } from "bun";
import { type RealtimeConnectRequestEvent, RealtimeSubscribeRequestEvent } from "../core/realtime-events.ts";
import { findAuthRecordByToken } from "../core/record-tokens.ts";
import { ApiError, badRequest, unauthorized } from "../tools/router/api-error.ts";
import type { Client, ClientTransport } from "../tools/subscriptions/client.ts";
import type { Message } from "../tools/subscriptions/message.ts";
import { exceedsJsonDepth, maxJsonDepth } from "../tools/types/json-raw.ts";
import { maxSubscriptions, validateTopics } from "./realtime-subscriptions.ts";

/** What Bun keeps for each realtime WebSocket. */
export interface RealtimeSocketData {
  event: RealtimeConnectRequestEvent;
  transport: WsTransport;
}

/** Bytes a WebSocket may have waiting to be sent before the server drops it (a client that stopped reading). */
export const wsBackpressureLimit = 1 << 20;
/** The largest message a client may send (a subscribe message with the most and longest topics fits). */
export const wsMaxPayloadLength = 4 << 20;

/**
 * WsTransport writes a client's messages as JSON text frames. Bun buffers what the socket can't take yet,
 * up to wsBackpressureLimit, and closes the socket past it.
 */
export class WsTransport implements ClientTransport {
  socket: ServerWebSocket<RealtimeSocketData> | null = null;
  client: Client | null = null;
  #closed = false;
  #resolveClosed: () => void = () => {};
  /** Settles when the socket is gone. */
  readonly closed = new Promise<void>((resolve) => {
    this.#resolveClosed = resolve;
  });

  write(message: Message): void {
    const ws = this.socket;
    if (!ws || this.#closed) return;
    if (message.name === "PB_CONNECT")
      ws.send(`{"type":"connect","clientId":${JSON.stringify(this.client?.id ?? "")}}`);
    else ws.send(`{"type":"event","topic":${JSON.stringify(message.name)},"data":${message.data}}`);
  }

  /** reply sends one protocol message (not an event). */
  reply(payload: Record<string, unknown>): void {
    if (!this.#closed) this.socket?.send(JSON.stringify(payload));
  }

  authChanged(): void {
    const client = this.client;
    if (client) this.reply({ type: "auth", auth: authSummary(client) });
  }

  close(code = 1001, reason = ""): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket?.close(code, reason);
    this.#resolveClosed();
  }

  /** gone is called when the socket closed from the other side. */
  gone(): void {
    this.#closed = true;
    this.#resolveClosed();
  }
}

function authSummary(client: Client): Record<string, string> | null {
  const auth = client.get("auth");
  if (!auth || typeof auth !== "object" || !("collection" in auth) || !("id" in auth)) return null;
  const a = auth as { id: string; collection: { id: string; name: string } };
  return { id: a.id, collectionId: a.collection.id, collectionName: a.collection.name };
}

type Incoming = { type?: unknown; id?: unknown; token?: unknown; topics?: unknown };

/**
 * realtimeWebSocketHandler is Bun's WebSocket handler for `/api/realtime/ws` (see README "Realtime over
 * WebSocket"): the upgrade request fired onRealtimeConnectRequest; here the client is registered on open,
 * its messages are served, and it is unregistered on close.
 */
export function realtimeWebSocketHandler(): WebSocketHandler<RealtimeSocketData> {
  return {
    maxPayloadLength: wsMaxPayloadLength,
    backpressureLimit: wsBackpressureLimit,
    closeOnBackpressureLimit: true,
    idleTimeout: 120,
    sendPings: true,
    open(ws) {
      const { event, transport } = ws.data;
      transport.socket = ws;
      const realtime = event.app.realtime();
      const client = event.client;
      realtime.broker.register(client);
      void realtime.deliver(client, { name: "PB_CONNECT", data: JSON.stringify({ clientId: client.id }) });
      const max = setTimeout(() => transport.close(1000, "max lifetime"), event.maxTimeoutMs);
      void transport.closed.then(() => {
        clearTimeout(max);
        realtime.broker.unregister(client.id);
      });
    },
    async message(ws, raw) {
      const { event, transport } = ws.data;
      let msg: Incoming = {};
      try {
        if (typeof raw !== "string") throw badRequest("Messages must be JSON text.");
        // the reply echoes the message's id, which JSON.stringify can't write past some 40,000 levels
        if (exceedsJsonDepth(raw)) throw badRequest(`Messages must not nest deeper than ${maxJsonDepth} levels.`);
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          throw badRequest("Messages must be JSON objects.");
        msg = parsed as Incoming;
        await handleMessage(event, transport, msg);
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : badRequest("", err);
        transport.reply({ type: "error", ...(msg.id !== undefined ? { id: msg.id } : {}), ...apiErr.toJSON() });
      }
    },
    close(ws) {
      ws.data.transport.gone();
    },
  };
}

async function handleMessage(event: RealtimeConnectRequestEvent, transport: WsTransport, msg: Incoming): Promise<void> {
  const client = event.client;
  const app = event.app;
  const realtime = app.realtime();
  const id = msg.id !== undefined ? { id: msg.id } : {};
  switch (msg.type) {
    case "ping":
      transport.reply({ type: "pong", ...id });
      return;
    case "auth": {
      const token = typeof msg.token === "string" ? msg.token.trim() : "";
      if (msg.token !== undefined && msg.token !== null && typeof msg.token !== "string")
        throw badRequest("The token must be a string.");
      if (token === "") realtime.setClientAuth(client, null);
      else {
        const found = await findAuthRecordByToken(app, token, "auth");
        if (!found) throw unauthorized("The token is invalid or has expired.");
        realtime.setClientAuth(client, found.record);
      }
      transport.reply({ type: "auth", ...id, auth: authSummary(client) });
      return;
    }
    case "subscribe":
    case "unsubscribe": {
      const topics = validateTopics(msg.topics, msg.type === "subscribe");
      const current = [...client.subscriptions().keys()];
      let next: string[];
      if (msg.type === "subscribe") next = [...new Set([...current, ...topics.filter((t) => t !== "")])];
      else next = topics.length === 0 ? [] : current.filter((t) => !topics.includes(t));
      if (next.length > maxSubscriptions)
        throw badRequest(`A client may have at most ${maxSubscriptions} subscriptions.`);
      const se = event.derive(RealtimeSubscribeRequestEvent);
      se.auth = realtime.clientAuth(client);
      se.client = client;
      se.subscriptions = next;
      await app.hooks.get("onRealtimeSubscribeRequest").trigger(se, (e) => {
        e.client.unsubscribe();
        e.client.subscribe(...e.subscriptions);
      });
      transport.reply({ type: "subscriptions", ...id, topics: [...client.subscriptions().keys()] });
      return;
    }
    default:
      throw badRequest('Unknown message type (expected "auth", "subscribe", "unsubscribe" or "ping").');
  }
}
