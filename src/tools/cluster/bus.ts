/**
 * The cluster bus: what must cross from one Satchel process to the others (record events, cache
 * invalidations, auth changes, rate-limit hits) and who leads the jobs that must run once. Transports:
 * memory-bus.ts (in process: the default, costing nothing when alone) and socket-bus.ts + socket-hub.ts
 * (processes on one machine, through a hub in the primary process), notify-bus.ts (nodes sharing a database,
 * over a NotifyTransport such as db/postgres/cluster-transport.ts).
 */

/** A handler of one channel's messages from other nodes (never the node's own). */
export type BusHandler = (data: unknown, from: string) => void | Promise<void>;

export interface ClusterBus {
  /** This node's id, unique in the cluster. */
  readonly nodeId: string;
  /** How many other nodes are connected now (0: publishing is skipped by callers that check it). */
  peers(): number;
  /**
   * publish sends a JSON-encodable message to every other node's handlers of `channel`. Each node runs its
   * handlers one message at a time, in the order the messages were published by any one node.
   */
  publish(channel: string, data: unknown): void;
  /**
   * publishAndWait publishes, then settles once every other node has run its handlers of the message (or
   * timeoutMs passed, or the nodes it waited for left): after it, the others act on what it says.
   */
  publishAndWait(channel: string, data: unknown, timeoutMs?: number): Promise<void>;
  /**
   * received settles once this node's handlers have run on every message it received so far: after a
   * publishAndWait, the messages the others published while handling it (they came before their
   * acknowledgements) have been handled here too.
   */
  received(): Promise<void>;
  /** subscribe runs handler on every message of channel from other nodes until the returned function is called. */
  subscribe(channel: string, handler: BusHandler): () => void;
  /**
   * lead puts this node up for the leadership of `name`: exactly one node of those asking leads at a time;
   * onChange(true) when this node becomes the leader, onChange(false) when it stops being it. The returned
   * function withdraws (giving up the leadership if held).
   */
  lead(name: string, onChange: (leader: boolean) => void): () => void;
  /** close leaves the cluster (the leaderships held pass to other nodes). */
  close(): Promise<void>;
}

/**
 * The channel a bus dispatches to its own node's handlers (never published) when it may have missed
 * messages: its connection was lost and came back. Its handlers reload what the node caches.
 */
export const resyncChannel = "cluster.resync";

/** The default timeout of publishAndWait. */
export const defaultWaitMs = 2000;

/**
 * Handlers runs a node's channel handlers on incoming messages, one message at a time in arrival order, so
 * that a cache reload finishes before the record events published after it are looked at. A handler that
 * fails is reported and the next message goes on.
 */
export class Handlers {
  readonly #byChannel = new Map<string, Set<BusHandler>>();
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly onError: (channel: string, err: unknown) => void) {}

  add(channel: string, handler: BusHandler): () => void {
    let set = this.#byChannel.get(channel);
    if (!set) {
      set = new Set();
      this.#byChannel.set(channel, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** idle settles once the handlers of every message dispatched so far have run. */
  idle(): Promise<void> {
    return this.#tail;
  }

  /** dispatch queues a message for the channel's handlers; the promise settles once they ran. */
  dispatch(channel: string, data: unknown, from: string): Promise<void> {
    const run = async () => {
      for (const handler of [...(this.#byChannel.get(channel) ?? [])]) {
        try {
          await handler(data, from);
        } catch (err) {
          this.onError(channel, err);
        }
      }
    };
    const next = this.#tail.then(run);
    this.#tail = next;
    return next;
  }
}

/**
 * holdLeadership waits until this node leads `name` and resolves with the function that gives it up: a
 * lock across the cluster for work that must not run on two nodes at once (migrations at start). It fails
 * after timeoutMs, naming what it waited for.
 */
export function holdLeadership(bus: ClusterBus, name: string, timeoutMs: number): Promise<() => void> {
  const { promise, resolve, reject } = Promise.withResolvers<() => void>();
  let state: "waiting" | "held" | "given up" = "waiting";
  let withdraw = () => {};
  const timer = setTimeout(() => {
    if (state !== "waiting") return;
    state = "given up";
    withdraw();
    reject(new Error(`another node of the cluster held ${JSON.stringify(name)} for more than ${timeoutMs / 1000} s`));
  }, timeoutMs);
  withdraw = bus.lead(name, (leader) => {
    if (!leader || state !== "waiting") return;
    state = "held";
    clearTimeout(timer);
    // called later: withdraw is known by then, even when the leadership came within lead() itself
    resolve(() => withdraw());
  });
  return promise;
}
