import type { Client } from "../tools/subscriptions/client.ts";
import type { Message } from "../tools/subscriptions/message.ts";
import type { App } from "./app.ts";
import { AppEvent } from "./events.ts";
import { RequestEvent } from "./request-event.ts";

/** The default idle timeout of an SSE connection: closed after this long without a message. */
export const defaultRealtimeIdleTimeoutMs = 5 * 60_000;
/** The default lifetime of a realtime connection: closed after this long whatever happens. */
export const defaultRealtimeMaxTimeoutMs = 30 * 60_000;

/**
 * RealtimeConnectRequestEvent fires when a realtime connection opens (`GET /api/realtime`, or a WebSocket
 * upgrade at `/api/realtime/ws`); the default action registers the client and keeps the connection open.
 * Handlers may change the timeouts before calling `next()`.
 */
export class RealtimeConnectRequestEvent extends RequestEvent {
  client!: Client;
  /** SSE only: how long the connection may stay without a message. */
  idleTimeoutMs = defaultRealtimeIdleTimeoutMs;
  /** How long the connection may stay open at all. */
  maxTimeoutMs = defaultRealtimeMaxTimeoutMs;
}

/** RealtimeSubscribeRequestEvent fires when a client sets its subscriptions (`POST /api/realtime`, a WebSocket message). */
export class RealtimeSubscribeRequestEvent extends RequestEvent {
  client!: Client;
  /** The subscriptions the client asks for. */
  subscriptions: string[] = [];
}

/**
 * RealtimeMessageEvent fires for every message about to be written to a client (PB_CONNECT, record events,
 * custom messages). Handlers may change `message`, or skip it by not calling `next()`.
 */
export class RealtimeMessageEvent extends AppEvent {
  constructor(
    app: App,
    readonly client: Client,
    public message: Message,
    /** The request that opened the client's connection (null for clients registered by code). */
    readonly request: RequestEvent | null,
  ) {
    super(app);
  }
}
