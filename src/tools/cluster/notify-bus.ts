import { type BusHandler, type ClusterBus, defaultWaitMs, Handlers, resyncChannel } from "./bus.ts";
import { Waits } from "./waits.ts";

/**
 * NotifyTransport is what a shared database gives the cluster bus (db/postgres/cluster-transport.ts: LISTEN
 * and NOTIFY, advisory locks): a broadcast of texts to every node listening, who is listening, and named
 * locks that one node holds at a time.
 */
export interface NotifyTransport {
  /** Starts listening; onReconnect is called each time the listening connection came back after a loss. */
  start(events: { onText(text: string): void; onReconnect(): void }): Promise<void>;
  /** Sends a text to every node listening (this one included), in the order send is called. */
  send(text: string): void;
  /** The ids of the other nodes listening now, as last looked up. */
  peerIds(): ReadonlySet<string>;
  /** Looks the other nodes up again now (the transport also does so on its own, every second or so). */
  refreshPeers(): Promise<void>;
  /** Called each time the peers looked up changed. */
  onPeersChange(listener: () => void): void;
  /** Competes for the lock `name`: onChange(true) once held, onChange(false) once lost; the function withdraws. */
  lead(name: string, onChange: (leader: boolean) => void): () => void;
  close(): Promise<void>;
}

/**
 * NotifyBus is the cluster bus of nodes sharing a database: every message is a JSON frame broadcast through
 * the transport, `{f: sender, c: channel, d: data}`, with `w` when the sender waits for every other node to
 * have run its handlers (each answers `{t: "ack", to, w}`); a node announces itself with `{t: "hello"}`.
 * A frame that can't be read is reported and dropped. When the transport's listening connection comes back
 * after a loss, messages may have been missed: the bus's own handlers of `resyncChannel` run, so the node
 * reloads what it caches.
 */
export class NotifyBus implements ClusterBus {
  readonly #handlers: Handlers;
  /** per wait, the nodes still to acknowledge it */
  readonly #waits = new Waits<Set<string>>();
  #closed = false;

  constructor(
    readonly nodeId: string,
    readonly transport: NotifyTransport,
    readonly report: (message: string) => void = (m) => console.error(m),
  ) {
    this.#handlers = new Handlers((channel, err) =>
      report(`cluster bus: a handler of ${JSON.stringify(channel)} failed: ${String(err)}`),
    );
  }

  /** start listens and announces this node to the others. */
  async start(): Promise<void> {
    this.transport.onPeersChange(() => this.#peersChanged());
    await this.transport.start({
      onText: (text) => this.#receive(text),
      onReconnect: () => {
        this.report("cluster bus: reconnected to the database: reloading what may have changed meanwhile");
        void this.#handlers.dispatch(resyncChannel, null, this.nodeId);
        void this.transport.refreshPeers();
      },
    });
    await this.transport.refreshPeers();
    this.#send({ t: "hello" });
  }

  peers(): number {
    return this.transport.peerIds().size;
  }

  publish(channel: string, data: unknown): void {
    this.#send({ c: channel, d: data });
  }

  publishAndWait(channel: string, data: unknown, timeoutMs = defaultWaitMs): Promise<void> {
    const pending = new Set(this.transport.peerIds());
    if (this.#closed || pending.size === 0) {
      this.publish(channel, data);
      return Promise.resolve();
    }
    const { id, promise } = this.#waits.start(pending, timeoutMs, () =>
      this.report(`cluster bus: not every node applied ${JSON.stringify(channel)} within ${timeoutMs} ms`),
    );
    this.#send({ c: channel, d: data, w: id });
    return promise;
  }

  received(): Promise<void> {
    return this.#handlers.idle();
  }

  subscribe(channel: string, handler: BusHandler): () => void {
    return this.#handlers.add(channel, handler);
  }

  lead(name: string, onChange: (leader: boolean) => void): () => void {
    return this.transport.lead(name, onChange);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waits.endAll();
    await this.transport.close();
  }

  #send(frame: Record<string, unknown>): void {
    if (!this.#closed) this.transport.send(JSON.stringify({ f: this.nodeId, ...frame }));
  }

  #peersChanged(): void {
    const peers = this.transport.peerIds();
    for (const [id, pending] of this.#waits.open()) {
      for (const node of pending) if (!peers.has(node)) pending.delete(node);
      if (pending.size === 0) this.#waits.end(id);
    }
  }

  #bad(reason: string): undefined {
    this.report(`cluster bus: dropped a message: ${reason}`);
  }

  #receive(text: string): undefined {
    const frame = parseMessage(text);
    if (!frame || typeof frame.f !== "string") return this.#bad(`not a frame: ${text.slice(0, 200)}`);
    const from = frame.f;
    if (from === this.nodeId) return;
    switch (frame.t) {
      case undefined: {
        if (typeof frame.c !== "string") return this.#bad("a message without a channel");
        const ran = this.#handlers.dispatch(frame.c, frame.d, from);
        const w = frame.w;
        if (typeof w === "number") void ran.then(() => this.#send({ t: "ack", to: from, w }));
        return;
      }
      case "ack": {
        if (frame.to !== this.nodeId || typeof frame.w !== "number") return;
        const pending = this.#waits.get(frame.w);
        pending?.delete(from);
        if (pending?.size === 0) this.#waits.end(frame.w);
        return;
      }
      case "hello":
        void this.transport.refreshPeers();
        return;
      default:
        return this.#bad(`unknown frame type ${JSON.stringify(frame.t)}`);
    }
  }
}

/** parseMessage reads a frame: a JSON object (null when the text is anything else). */
function parseMessage(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
