import { AsyncLocalStorage } from "node:async_hooks";
import type { App } from "../core/app.ts";
import { RecordModel } from "../core/record-model.ts";
import type { SqlValue } from "../db/sql.ts";
import {
  type Delivery,
  hasSubscribers,
  hasSubscribersTo,
  prepareDeliveries,
  type RecordAction,
  takeSnapshot,
} from "./realtime-broadcast.ts";

/** Handler ids and priorities of the realtime hooks (late, so user handlers see the event first). */
export const realtimeHandlerIdPrefix = "pbRealtime";
const afterPriority = -99;
const beforeDeletePriority = 99;
/**
 * The handlers that return at once (they only queue or drop state) have no timeout: a timed handler makes its
 * chain watched, which costs every write some work for a handler that can't hold it.
 */
const untimed = 0;

/**
 * How many record events, and how many bytes of their records, may wait for their fan-out before a write
 * waits for the backlog to shrink: a flood of writes to a collection with many subscribers would otherwise
 * queue snapshots without bound (README's "Limits").
 */
export const fanOutBacklog = { events: 1000, bytes: 64 * 1024 * 1024 };

/**
 * FanOut runs record events one after another, outside the writes that caused them: a write's hook only
 * queues its event, so the write doesn't wait for subscribers while the backlog is small, and events reach
 * each client in commit order. Past the backlog's bound, push gives the writer a promise of room.
 */
class FanOut {
  /** Set while a task runs: a write its hooks make (an enrich handler's save) must not wait for its own task. */
  static readonly #running = new AsyncLocalStorage<true>();
  #tail: Promise<void> = Promise.resolve();
  #events = 0;
  #bytes = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly app: App) {}

  /** push queues an event's task; the promise, when the backlog is past its bound, settles once it is under. */
  push(task: () => Promise<Delivery[]>, bytes = 0): Promise<void> | null {
    this.#events++;
    this.#bytes += bytes;
    this.#tail = this.#tail.then(async () => {
      try {
        this.#deliver(await FanOut.#running.run(true, task));
      } catch (err) {
        this.app.logger().error("realtime fan-out failed", { error: String(err) });
      } finally {
        this.#events--;
        this.#bytes -= bytes;
        if (this.#waiting.length > 0 && !this.#full()) for (const wake of this.#waiting.splice(0)) wake();
      }
    });
    if (!this.#full() || FanOut.#running.getStore()) return null;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #full(): boolean {
    return this.#events > fanOutBacklog.events || this.#bytes > fanOutBacklog.bytes;
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
  const bus = app.cluster();
  bindRemoteRecordEvents(app, fanOut);
  // a write's event, and when the backlog is full the wait for room, which holds the write's answer back
  const queue = (action: RecordAction, record: RecordModel): Promise<void> | null => {
    if (bus.peers() > 0) publishRecordEvent(app, action, record.collection.id, record.dbExport());
    if (!hasSubscribers(app, record)) return null;
    const snap = takeSnapshot(action, record);
    return fanOut.push(() => prepareDeliveries(app, snap), snapshotBytes(snap.row));
  };

  app.onRecordAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthRefresh`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      if (e.record.collection.type === "auth") realtime.refreshClientsAuth(e.record);
      return e.next();
    },
  });
  app.onRecordAfterDeleteSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthDelete`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      if (e.record.collection.type === "auth") realtime.unsetClientsAuthByRecord(e.record.collection.id, e.record.id);
      return e.next();
    },
  });
  app.onCollectionAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthCollectionUpdate`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      if (e.collection.type === "auth") realtime.unsetClientsAuthByCollection(e.collection, true);
      return e.next();
    },
  });
  app.onCollectionAfterDeleteSuccess().bind({
    id: `${realtimeHandlerIdPrefix}AuthCollectionDelete`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      if (e.collection.type === "auth") realtime.unsetClientsAuthByCollection(e.collection);
      return e.next();
    },
  });

  app.onRecordAfterCreateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}Create`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      return nextWhenRoom(queue("create", e.record), e);
    },
  });
  app.onRecordAfterUpdateSuccess().bind({
    id: `${realtimeHandlerIdPrefix}Update`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      return nextWhenRoom(queue("update", e.record), e);
    },
  });

  const pendingDeletes = new WeakMap<RecordModel, Promise<Delivery[]>>();
  // the row as it was before the delete, for the other processes' subscribers
  const deletedRows = new WeakMap<RecordModel, Record<string, SqlValue>>();
  app.onRecordDelete().bind({
    id: `${realtimeHandlerIdPrefix}DeletePrepare`,
    priority: beforeDeletePriority,
    func: async (e) => {
      if (bus.peers() > 0) deletedRows.set(e.record, e.record.dbExport());
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
    timeout: untimed,
    func: (e) => {
      const row = deletedRows.get(e.record);
      deletedRows.delete(e.record);
      if (row) publishRecordEvent(app, "delete", e.record.collection.id, row);
      const prepared = pendingDeletes.get(e.record);
      pendingDeletes.delete(e.record);
      return nextWhenRoom(prepared ? fanOut.push(() => prepared) : null, e);
    },
  });
  app.onRecordAfterDeleteError().bind({
    id: `${realtimeHandlerIdPrefix}DeleteDiscard`,
    priority: afterPriority,
    timeout: untimed,
    func: (e) => {
      pendingDeletes.delete(e.record);
      deletedRows.delete(e.record);
      return e.next();
    },
  });
}

/** The bus channel of record events: `{action, collectionId, row}`, each process checking its own subscribers. */
export const recordEventsChannel = "realtime.record";

interface RemoteRecordEvent {
  action: RecordAction;
  collectionId: string;
  row: Record<string, SqlValue>;
}

const actions: readonly string[] = ["create", "update", "delete"];

function isRemoteRecordEvent(data: unknown): data is RemoteRecordEvent {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    typeof d.action === "string" &&
    actions.includes(d.action) &&
    typeof d.collectionId === "string" &&
    typeof d.row === "object" &&
    d.row !== null &&
    !Array.isArray(d.row)
  );
}

/** publishRecordEvent tells the other processes of a committed record event (their subscribers, their rules). */
function publishRecordEvent(app: App, action: RecordAction, collectionId: string, row: Record<string, SqlValue>): void {
  try {
    app.cluster().publish(recordEventsChannel, { action, collectionId, row });
  } catch (err) {
    app.logger().error("realtime: the record event could not be sent to the other processes", { error: String(err) });
  }
}

const remoteBindings = new WeakMap<App, () => void>();

/**
 * bindRemoteRecordEvents feeds the record events of the cluster's other processes to this one's subscribers,
 * in the order they came, through the same fan-out as local events. An event of a collection unknown here
 * or of the wrong shape is logged and dropped.
 */
function bindRemoteRecordEvents(app: App, fanOut: FanOut): void {
  remoteBindings.get(app)?.();
  const unsubscribe = app.cluster().subscribe(recordEventsChannel, (data) => {
    if (!isRemoteRecordEvent(data)) {
      app.logger().warn("cluster bus: dropped a malformed record event", {
        message: JSON.stringify(data)?.slice(0, 200) ?? "",
      });
      return;
    }
    const collection = app.findCachedCollectionByNameOrId(data.collectionId);
    if (!collection) return;
    const id = typeof data.row.id === "string" ? data.row.id : "";
    if (id === "" || !hasSubscribersTo(app, collection, id)) return;
    const snap = takeSnapshot(data.action, RecordModel.fromRow(collection, data.row));
    // counted in the backlog; the writer that waits for it is the other process's
    void fanOut.push(() => prepareDeliveries(app, snap), snapshotBytes(snap.row));
  });
  remoteBindings.set(app, unsubscribe);
}

/** nextWhenRoom goes on with a write's hook chain at once, or once the backlog has room (push's promise). */
function nextWhenRoom(room: Promise<void> | null, e: { next(): Promise<void> }): Promise<void> {
  return room ? room.then(() => e.next()) : e.next();
}

/** snapshotBytes estimates what a queued snapshot holds: its texts' characters, 8 bytes for anything else. */
function snapshotBytes(row: Readonly<Record<string, SqlValue>>): number {
  let n = 0;
  for (const v of Object.values(row)) n += typeof v === "string" ? v.length : 8;
  return n;
}
