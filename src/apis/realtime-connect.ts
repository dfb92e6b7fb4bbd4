import type { RealtimeConnectRequestEvent } from "../core/realtime-events.ts";

/**
 * runConnectHook fires onRealtimeConnectRequest the way PocketBase does, where the default action lasts as
 * long as the connection: `open` sets up the connection and returns the response to send plus a promise
 * that settles when the connection ends. Handlers' code after `await e.next()` runs at the disconnect,
 * while the response goes out as soon as the connection is ready. A handler that skips `next()` gets its
 * own response (or an empty 200) sent.
 */
export function runConnectHook(
  event: RealtimeConnectRequestEvent,
  open: (e: RealtimeConnectRequestEvent) => Promise<{ response: Response | undefined; closed: Promise<void> }>,
): Promise<Response | undefined> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const answer = (r: Response | undefined) => {
      if (answered) return;
      answered = true;
      resolve(r);
    };
    event.app.hooks
      .get("onRealtimeConnectRequest")
      .trigger(event, async (e) => {
        const { response, closed } = await open(e);
        answer(response);
        await closed;
      })
      .then(
        () => answer(event.response ?? new Response(null, { status: 200 })),
        (err) => {
          if (answered) event.app.logger().debug("realtime connect handler failed", { error: String(err) });
          else reject(err);
        },
      );
  });
}
