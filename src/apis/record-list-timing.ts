import type { Collection } from "../core/collection-model.ts";
import type { RequestEvent } from "../core/request-event.ts";

const window = 3000;
const maxHits = 3;
const softMaxDelay = 500;
const hits = new Map<string, number[]>();

/**
 * listTimingGuard slows down (randomly, up to 0.5 s) a client that keeps getting empty results for its
 * filters on a collection with a list rule, so that response times can't be used to probe hidden records.
 */
export async function listTimingGuard(e: RequestEvent, collection: Collection): Promise<void> {
  const key = `${collection.id}/${e.realIp}`;
  const now = Date.now();
  const recent = (hits.get(key) ?? []).filter((t) => now - t < window);
  recent.push(now);
  hits.set(key, recent);
  if (hits.size > 10_000) hits.clear();
  if (recent.length <= maxHits) return;
  const delay = crypto.getRandomValues(new Uint32Array(1))[0]! % softMaxDelay;
  await Bun.sleep(delay);
}
