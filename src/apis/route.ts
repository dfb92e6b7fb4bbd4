import type { Context } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import type { RouterEnv } from "./middlewares.ts";

/** A route handler in terms of the request event; it returns the response or sets `e.response`. */
export type RouteHandler = (e: RequestEvent) => Promise<Response | null | undefined>;

/**
 * route adapts a RouteHandler to Hono: the event gets the route parameters, the result becomes the response.
 * A handler that sets no response (a hook that didn't call `next()`) answers an empty 200, as Go's server does.
 */
export function route(fn: RouteHandler) {
  return async (c: Context<RouterEnv>): Promise<Response> => {
    const e = c.get("event");
    e.params = c.req.param() as Record<string, string>;
    const res = (await fn(e)) ?? e.response;
    return res ?? new Response(null, { status: 200 });
  };
}
