import { type BusHandler, type ClusterBus, Handlers } from "./bus.ts";

/**
 * MemoryHub joins nodes living in one process: every app gets a lone node of its own by default (then
 * publishing does nothing), and tests put several apps on one hub to act as a cluster without processes.
 */
export class MemoryHub {
  readonly #nodes = new Set<MemoryBus>();
  /** Per leadership name, the nodes asking for it in order: the first leads. */
  readonly #candidates = new Map<string, { node: MemoryBus; onChange: (leader: boolean) => void }[]>();
  #next = 0;

  /** join adds a node (its id made up when not given). */
  join(nodeId = `m${++this.#next}`): MemoryBus {
    const node = new MemoryBus(this, nodeId);
    this.#nodes.add(node);
    return node;
  }

  /** @internal */
  peersOf(node: MemoryBus): number {
    return this.#nodes.has(node) ? this.#nodes.size - 1 : 0;
  }

  /** @internal delivers to every other node; settles when all of them ran their handlers. */
  send(from: MemoryBus, channel: string, data: unknown): Promise<void> {
    // a copy per message, as a real transport gives: no node shares objects with another
    const text = JSON.stringify(data) ?? "null";
    const runs: Promise<void>[] = [];
    for (const node of this.#nodes) {
      if (node !== from) runs.push(node.receive(channel, JSON.parse(text), from.nodeId));
    }
    return Promise.all(runs).then(() => {});
  }

  /** @internal */
  lead(node: MemoryBus, name: string, onChange: (leader: boolean) => void): () => void {
    const list = this.#candidates.get(name) ?? [];
    this.#candidates.set(name, list);
    const entry = { node, onChange };
    list.push(entry);
    if (list[0] === entry) onChange(true);
    return () => this.#withdraw(name, (e) => e === entry);
  }

  #withdraw(name: string, match: (e: { node: MemoryBus }) => boolean): void {
    const list = this.#candidates.get(name);
    if (!list) return;
    const wasLeader = list[0];
    const kept = list.filter((e) => !match(e));
    this.#candidates.set(name, kept);
    if (wasLeader && wasLeader !== kept[0]) {
      if (match(wasLeader)) wasLeader.onChange(false);
      kept[0]?.onChange(true);
    }
  }

  /** @internal */
  leave(node: MemoryBus): void {
    this.#nodes.delete(node);
    for (const name of [...this.#candidates.keys()]) this.#withdraw(name, (e) => e.node === node);
  }
}

/** MemoryBus is one node of a MemoryHub. */
export class MemoryBus implements ClusterBus {
  readonly #handlers = new Handlers((channel, err) => {
    console.error(`cluster bus: a handler of ${JSON.stringify(channel)} failed: ${String(err)}`);
  });

  constructor(
    readonly hub: MemoryHub,
    readonly nodeId: string,
  ) {}

  peers(): number {
    return this.hub.peersOf(this);
  }

  publish(channel: string, data: unknown): void {
    if (this.peers() > 0) void this.hub.send(this, channel, data);
  }

  async publishAndWait(channel: string, data: unknown): Promise<void> {
    if (this.peers() > 0) await this.hub.send(this, channel, data);
  }

  received(): Promise<void> {
    return this.#handlers.idle();
  }

  subscribe(channel: string, handler: BusHandler): () => void {
    return this.#handlers.add(channel, handler);
  }

  lead(name: string, onChange: (leader: boolean) => void): () => void {
    return this.hub.lead(this, name, onChange);
  }

  /** @internal */
  receive(channel: string, data: unknown, from: string): Promise<void> {
    return this.#handlers.dispatch(channel, data, from);
  }

  async close(): Promise<void> {
    this.hub.leave(this);
  }
}

/** aloneBus is a node with no others: the default bus of an app that is the whole cluster. */
export function aloneBus(): ClusterBus {
  return new MemoryHub().join("local");
}
