import type { Server } from "bun";

/**
 * RoundRobinProxy is a load balancer without sticky sessions, for tests: each request goes to the next
 * upstream in turn (or where `pick` says), its answer streamed back as it comes (realtime streams included).
 */
export class RoundRobinProxy {
  readonly #server: Server<undefined>;
  #next = 0;
  /** The upstream of each request, in order (`METHOD path -> upstream`). */
  readonly routed: string[] = [];

  constructor(
    upstreams: () => readonly string[],
    pick?: (req: Request, upstreams: readonly string[]) => string | undefined,
  ) {
    this.#server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 0,
      fetch: async (req) => {
        const list = upstreams();
        const target = pick?.(req, list) ?? (list[this.#next++ % list.length] as string);
        const url = new URL(req.url);
        this.routed.push(`${req.method} ${url.pathname} -> ${target}`);
        const headers = new Headers(req.headers);
        headers.delete("host");
        return fetch(`${target}${url.pathname}${url.search}`, {
          method: req.method,
          headers,
          body: req.body,
          signal: req.signal,
          redirect: "manual",
        });
      },
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  stop(): Promise<void> {
    return this.#server.stop(true);
  }
}
