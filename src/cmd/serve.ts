import type { Server } from "bun";
import { newRouter } from "../apis/base.ts";
import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import { ServeEvent } from "../core/events.ts";

export interface ServeOptions {
  /** host:port to listen on. */
  http: string;
  origins: readonly string[];
  /** Largest request body the server reads (larger ones are refused with 413). */
  maxRequestBodySize?: number;
}

export interface RunningServer {
  server: Server<undefined>;
  url: string;
  /** stop stops accepting connections, lets in-flight requests finish, then closes the app. */
  stop(): Promise<void>;
}

/** parseListen splits "host:port" (a bare ":port" listens on every interface). */
export function parseListen(addr: string): { hostname: string; port: number } {
  const i = addr.lastIndexOf(":");
  const host = i >= 0 ? addr.slice(0, i) : addr;
  const port = Number(i >= 0 ? addr.slice(i + 1) : "8090");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid --http address ${JSON.stringify(addr)}`);
  return { hostname: host.replace(/^\[|\]$/g, "") || "0.0.0.0", port };
}

/** serve bootstraps the app, fires onServe and starts the HTTP server. */
export async function serve(app: BaseApp & App, options: ServeOptions): Promise<RunningServer> {
  if (!app.isBootstrapped()) await app.bootstrap();
  const router = newRouter(app, { origins: options.origins });
  const { hostname, port } = parseListen(options.http);
  let server: Server<undefined> | undefined;
  await app.hooks.get("onServe").trigger(new ServeEvent(app, router, options.http), async () => {
    server = Bun.serve({
      hostname,
      port,
      maxRequestBodySize: options.maxRequestBodySize ?? 1 << 30,
      idleTimeout: 255,
      fetch: (req, srv) => router.fetch(req, { server: srv }),
    });
  });
  if (!server) throw new Error("an onServe handler stopped the server from starting");
  const running = server;
  const shownHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  return {
    server: running,
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${running.port}`,
    async stop() {
      await running.stop(false);
      await app.terminate();
    },
  };
}
