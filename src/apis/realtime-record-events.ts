import type { App } from "../core/app.ts";
import type { RecordModel } from "../core/record-model.ts";
import {
  type Delivery,
  hasSubscribers,
  prepareDeliveries,
  type RecordAction,
  takeSnapshot,
} from "./realtime-broadcast.ts";

/** Handler ids and priorities of the realtime hooks (late, so user handlers see the event first). */
export const realtimeHandlerIdPrefix = "pbRealtime";
const afterPriority = -99;
const beforeDeletePriority = 99;

/**
 * FanOut runs record events one after another, outside the writes that caused them: a write's hook only
 * queues its event, so the write never waits for subscribers, and events reach each client in commit order.
 */
class FanOut {
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly app: App) {}

  push(task: () => Promise<Delivery[]>): void {
    this.#tail = this.#tail.then(async () => {
      try {
        this.#deliver(await task());
      } catch (err) {
        this.app.logger().error("realtime fan-out failed", { error: String(err) });
      }
    });
  }

  #deliver(deliveries: readonly Delivery[]): void {
    const realtime = this.app.realtime();
    for (const d of deliveries) void realtime.deliver(d.client, d.message);
  }

  /** idle settles when every queued event has been handed to its clients. */
  idle(): Promise<void> {
    return this.#tail;
  }
}

const fanOuts = new WeakMap<App, FanOut>();

/** realtimeIdle settles once the record events queued so far have been handed to their clients. */
export function realtimeIdle(app: App): Promise<void> {
  return fanOuts.get(app)?.idle() ?? Promise.resolve();
}

/**
 * bindRealtimeEvents hooks realtime onto record and collection events: create and update events are
 * queued after the commit; delete events are worked out before the delete (the rules can still see the
 * row and what it references, as of the last commit) and sent only if the delete commits. Clients' auth
 * follows their auth record (dropped on a token key change or delete) and its collection (dropped when the
 * auth secret changes or the collection is deleted).
 */
export function bindRealtimeEvents(app: App): void {
  const fanOut = fanOuts.get(app) ?? new FanOut(app);
  fanOuts.set(app, fanOut);
  const realtime = app.realtime();
  const queue = (action: RecordAction, record: RecordModel) => {
    if (!hasSubscribers(app, record)) return;
    const snap = takeSnapshot(action, record);
    fanOut.push(() => prepareDeliveries(app, snap));
  };

  app.onRecordAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthRefresh`,
    priority: afterPriority,
    func: (e) => {
      if (e.record.collection.type === "auth") realtime.refreshClientsAuth(e.record);
      return e.next();
    },
  });
  app.onRecordAfterDeleteSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthDelete`,
    priority: afterPriority,
    func: (e) => {
      if (e.record.collection.type === "auth") realtime.unsetClientsAuthByRecord(e.record.collection.id, e.record.id);
      return e.next();
    },
  });
  app.onCollectionAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthCollectionUpdate`,
    priority: afterPriority,
    func: (e) => {
      if (e.collection.type === "auth") realtime.unsetClientsAuthByCollection(e.collection, true);
      return e.next();
    },
  });
  app.onCollectionAfterDeleteSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthCollectionDelete`,
    priority: afterPriority,
    func: (e) => {
      if (e.collection.type === "auth") realtime.unsetClientsAuthByCollection(e.collection);
      return e.next();
    },
  });

  app.onRecordAfterCreateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}Create`,
    priority: afterPriority,
    func: (e) => {
      queue("create", e.record);
      return e.next();
    },
  });
  app.onRecordAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}Update`,
    priority: afterPriority,
    func: (e) => {
      queue("update", e.record);
      return e.next();
    },
  });

  const pendingDeletes = new WeakMap<RecordModel, Promise<Delivery[]>>();
  app.onRecordDelete().bind({
    id: `${realtimeHandlerIdPrefix}DeletePrepare`,
    priority: beforeDeletePriority,
    func: async (e) => {
      if (hasSubscribers(app, e.record)) {
        // `app` (not e.app, maybe a transaction's) reads the last committed state, row included
        const prepared = prepareDeliveries(app, takeSnapshot("delete", e.record));
        prepared.catch(() => {});
        pendingDeletes.set(e.record, prepared);
        await prepared.catch(() => {});
      }
      await e.next();
    },
  });
  app.onRecordAfterDeleteSuccess().bind({
    id: `${realtimeHandlerIdPrefix}DeleteSend`,
    priority: afterPriority,
    func: (e) => {
      const prepared = pendingDeletes.get(e.record);
      pendingDeletes.delete(e.record);
      if (prepared) fanOut.push(() => prepared);
      return e.next();
    },
  });
  app.onRecordAfterDeleteError().bind({
    id: `${realtimeHandlerIdPrefix}DeleteDiscard`,
    priority: afterPriority,
    func: (e) => {
      pendingDeletes.delete(e.record);
      return e.next();
    },
  });
}
