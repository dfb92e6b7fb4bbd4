import type { Server } from "bun";
import { newRouter, serveRouter } from "../apis/base.ts";
import { type DashboardSource, dashboardPath } from "../apis/dashboard.ts";
import { errorResponse } from "../apis/middlewares.ts";
import type { RealtimeCluster } from "../apis/realtime-client-id.ts";
import { type RealtimeSocketData, realtimeWebSocketHandler } from "../apis/realtime-ws.ts";
import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import { ServeEvent } from "../core/events.ts";
import { ApiError } from "../tools/router/api-error.ts";
import { displayUrl, parseListen } from "./listen-address.ts";

export interface ServeOptions {
  /** host:port to listen on (port 0 picks a free one). */
  http: string;
  origins: readonly string[];
  /** Largest request body the server reads (larger ones are refused with 413). */
  maxRequestBodySize?: number;
  /** The admin dashboard, served at `/_/` (left out: no `/_/` routes at all). */
  dashboard?: DashboardSource;
  /** Whether `GET /api/openapi.json` answers others than superusers. */
  publicOpenApi?: boolean;
  /** Share the port with the other processes of the cluster (`satchel serve --workers`). */
  reusePort?: boolean;
  /** How this process names its realtime clients among the cluster's processes. */
  realtimeCluster?: RealtimeCluster;
}

export interface StopOptions {
  /** How long in-flight requests may run on before their connections are closed (default 5 s). */
  graceMs?: number;
  /** Settles when the wait must be cut short (e.g. a second Ctrl+C). */
  abort?: Promise<unknown>;
}

export interface StopResult {
  /** Requests still running when their connections were closed (0 when every request finished). */
  interrupted: number;
}

export interface RunningServer {
  server: Server<RealtimeSocketData>;
  url: string;
  /** The dashboard's address (null when its files are missing or it isn't served). */
  dashboardUrl: string | null;
  /**
   * stop terminates the app: the server stops accepting connections, in-flight requests get `graceMs` to
   * finish, then the databases close. Calling `app.terminate()` directly stops the server the same way.
   */
  stop(options?: StopOptions): Promise<StopResult>;
  /** Settles once the server has stopped and the app is terminated, however that came about. */
  closed: Promise<void>;
}

export const defaultShutdownGraceMs = 5000;

/**
 * The onTerminate handler that stops the HTTP server before the databases close. It ends the realtime
 * streams and sockets itself; other long-lived responses never finish by themselves: end them from an
 * onTerminate handler with a lower priority than this one, or the shutdown waits the whole grace period.
 */
export const gracefulShutdownHandlerId = "satchelGracefulShutdown";
export const gracefulShutdownPriority = -9999;

/** The onBootstrap handler that puts a restarted app back behind the server (see serve). */
export const restartServeHandlerId = "satchelRestartServe";

/** How long a restart waits for requests in flight before it goes on without them. */
export const restartGraceMs = 30_000;

/** RequestHold keeps new requests waiting while the app restarts. */
class RequestHold {
  waiting = 0;
  readonly #released = Promise.withResolvers<void>();

  async wait(): Promise<void> {
    this.waiting++;
    try {
      await this.#released.promise;
    } finally {
      this.waiting--;
    }
  }

  release(): void {
    this.#released.resolve();
  }
}

/** settle waits until no request is running but the held ones, or the grace period is over. */
async function settle(server: Server<RealtimeSocketData>, hold: RequestHold, graceMs: number): Promise<void> {
  const deadline = performance.now() + graceMs;
  while (server.pendingRequests - hold.waiting > 0 && performance.now() < deadline) await Bun.sleep(5);
}

/**
 * drain stops accepting connections, ends the long-lived ones (realtime streams and sockets, which never
 * finish by themselves) and waits for in-flight requests, up to the grace period or the abort signal; then
 * it closes the connections still open and returns how many requests were cut off.
 */
async function drain(
  server: Server<RealtimeSocketData>,
  options: StopOptions,
  endLongLived: () => void,
): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<"cut">((resolve) => {
    timer = setTimeout(() => resolve("cut"), options.graceMs ?? defaultShutdownGraceMs);
  });
  const drained = server.stop(false).then(() => "drained" as const);
  endLongLived();
  const aborted = options.abort?.then(
    () => "cut" as const,
    () => "cut" as const,
  );
  const outcome = await Promise.race([drained, graceOver, ...(aborted ? [aborted] : [])]);
  clearTimeout(timer);
  if (outcome === "drained") return 0;
  const interrupted = server.pendingRequests;
  await server.stop(true);
  return interrupted;
}

/**
 * serve bootstraps the app, fires onServe and starts the HTTP server. An app restart (`app.restart()`, a
 * backup restore) keeps the server listening: new requests wait while requests in flight finish (up to
 * restartGraceMs) and the app stops and bootstraps again; then onServe fires again with a new router,
 * which the waiting requests and all later ones go to. The realtime clients are disconnected (the SDK
 * reconnects by itself).
 */
export async function serve(app: BaseApp & App, options: ServeOptions): Promise<RunningServer> {
  const { hostname, port } = parseListen(options.http);
  if (!app.isBootstrapped()) await app.bootstrap();
  const routerOptions = {
    origins: options.origins,
    publicOpenApi: options.publicOpenApi ?? false,
    ...(options.dashboard ? { dashboard: options.dashboard } : {}),
    ...(options.realtimeCluster ? { realtimeCluster: options.realtimeCluster } : {}),
  };
  let router = newRouter(app, routerOptions);
  let server: Server<RealtimeSocketData> | undefined;
  let hold: RequestHold | null = null;
  let stopping = false;
  const handle = (req: Request, srv: Server<RealtimeSocketData>) => router.fetch(req, { server: srv });
  const afterHold = async (current: RequestHold, req: Request, srv: Server<RealtimeSocketData>) => {
    await current.wait();
    return stopping
      ? errorResponse(app, new ApiError(503, "The server is shutting down."), req.method)
      : handle(req, srv);
  };
  // a new router, onServe fired with it, then later requests sent to it: after restarts and hook reloads
  const remount = async (): Promise<void> => {
    const next = newRouter(app, routerOptions);
    await app.hooks.get("onServe").trigger(new ServeEvent(app, serveRouter(next), options.http, remount), async () => {
      router = next;
    });
  };
  await app.hooks.get("onServe").trigger(new ServeEvent(app, serveRouter(router), options.http, remount), async () => {
    server = Bun.serve({
      hostname,
      port,
      maxRequestBodySize: options.maxRequestBodySize ?? 1 << 30,
      idleTimeout: 255,
      reusePort: options.reusePort ?? false,
      fetch: (req, srv) => (hold ? afterHold(hold, req, srv) : handle(req, srv)),
      websocket: realtimeWebSocketHandler(),
    });
  });
  if (!server) throw new Error("an onServe handler stopped the server from starting");
  const running = server;

  let stopOptions: StopOptions = {};
  let drained: Promise<number> | undefined;
  const closed = Promise.withResolvers<void>();
  app.onTerminate().bind({
    id: gracefulShutdownHandlerId,
    priority: gracefulShutdownPriority,
    func: async (e) => {
      if (e.isRestart) {
        hold ??= new RequestHold();
        app.realtime().closeAll();
        await settle(running, hold, restartGraceMs);
        await e.next();
        return;
      }
      // requests held by a restart that won't come back are answered now, so that they don't hold the drain
      stopping = true;
      hold?.release();
      try {
        drained ??= drain(running, stopOptions, () => app.realtime().closeAll());
        await drained;
        await e.next();
      } finally {
        closed.resolve();
      }
    },
  });
  app.onBootstrap().bind({
    id: restartServeHandlerId,
    priority: gracefulShutdownPriority,
    func: async (e) => {
      await e.next();
      const held = hold;
      if (!held) return;
      await remount();
      hold = null;
      held.release();
    },
  });

  const url = displayUrl(hostname, running.port ?? port);
  return {
    server: running,
    url,
    dashboardUrl: options.dashboard && "assets" in options.dashboard ? `${url}${dashboardPath}` : null,
    closed: closed.promise,
    async stop(opts = {}) {
      stopOptions = opts;
      await app.terminate();
      return { interrupted: await (drained ?? Promise.resolve(0)) };
    },
  };
}
