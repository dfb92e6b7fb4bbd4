import type { ReadScope } from "../db/driver.ts";
import type { App } from "./app.ts";
import type { RecordModel } from "./record-model.ts";

/** requesterKey names a client for the fairness of isolated reads: its auth record, else its IP. */
export function requesterKey(auth: RecordModel | null, ip: string): string {
  return auth ? `${auth.collection.id}/${auth.id}` : `ip/${ip}`;
}

/**
 * newReadScope starts the read budget of one unit of work (a request, a realtime message): its reads must
 * all be done within the query timeout from startedAt. The requester is looked up only when a read needs it.
 */
export function newReadScope(app: App, requester: () => string, startedAt = performance.now()): ReadScope {
  return {
    deadline: startedAt + app.db.queryTimeoutMs,
    get requester() {
      return requester();
    },
  };
}
