import type { Socket } from "bun";
import { type BusHandler, type ClusterBus, defaultWaitMs, Handlers } from "./bus.ts";
import { type Frame, LineReader, LineWriter, parseFrame } from "./frames.ts";
import { Waits } from "./waits.ts";

export interface SocketBusOptions {
  /** Told of what goes wrong: frames that can't be read (dropped), failing handlers. */
  onError?: (message: string) => void;
  /** Told once when the hub goes away (the primary stopped or died). */
  onHubLost?: () => void;
}

/** How a node sends its frames to the hub: a socket, or function calls (SocketHub.join). */
export interface HubLink {
  /** Sends one frame (a JSON line without its newline). */
  write(frame: string): void;
  /** Leaves the hub. */
  end(): void;
}

/** How long connect waits for the hub's count of the other nodes. */
const peersAnswerMs = 1000;

/**
 * SocketBus is a node of the cluster on one machine: it talks to the SocketHub of the primary (or of the
 * single server) over its unix socket, or in the hub's own process by function calls. A frame that can't be
 * read is reported and dropped; the node keeps going.
 */
export class SocketBus implements ClusterBus {
  readonly #handlers: Handlers;
  readonly #waits = new Waits<null>();
  readonly #leaders = new Map<string, (leader: boolean) => void>();
  readonly #reader: LineReader;
  #link: HubLink | null = null;
  #peers = 0;
  /** Settles with the hub's first count of the other nodes (its answer to hello). */
  readonly #peersKnown = Promise.withResolvers<void>();
  #closed = false;

  private constructor(
    readonly nodeId: string,
    readonly options: SocketBusOptions,
  ) {
    const report = options.onError ?? ((m: string) => console.error(m));
    this.#handlers = new Handlers((channel, err) =>
      report(`cluster bus: a handler of ${JSON.stringify(channel)} failed: ${String(err)}`),
    );
    this.#reader = new LineReader(
      (line) => this.#frame(line),
      () => report("cluster bus: dropped a frame over the size limit"),
    );
  }

  /**
   * connect joins the hub at path as nodeId, and settles once the hub told how many other nodes there are
   * (so that a publish right after it reaches them), or after a second without an answer.
   */
  static async connect(path: string, nodeId: string, options: SocketBusOptions = {}): Promise<SocketBus> {
    const bus = new SocketBus(nodeId, options);
    const socket = await Bun.connect<undefined>({
      unix: path,
      socket: {
        data: (_s, chunk) => bus.#reader.push(chunk),
        drain: () => writer?.drain(),
        close: () => bus.lost(),
        error: () => bus.lost(),
      },
    });
    const writer = new LineWriter(socket as Socket<unknown>);
    bus.#link = { write: (frame) => writer.write(frame), end: () => socket.end() };
    bus.#send({ t: "hello", node: nodeId });
    const timer = setTimeout(() => bus.#peersKnown.resolve(), peersAnswerMs);
    await bus.#peersKnown.promise;
    clearTimeout(timer);
    return bus;
  }

  /**
   * @internal inProcess makes the node of the hub's own process (SocketHub.join): its frames go to the hub
   * through link, the hub's come in through receive. The hub answers hello at once: no wait.
   */
  static inProcess(nodeId: string, options: SocketBusOptions, link: HubLink): SocketBus {
    const bus = new SocketBus(nodeId, options);
    bus.#link = link;
    bus.#send({ t: "hello", node: nodeId });
    return bus;
  }

  /** @internal receive handles one frame from the hub. */
  receive(frame: string): void {
    this.#frame(frame);
  }

  peers(): number {
    return this.#peers;
  }

  publish(channel: string, data: unknown): void {
    this.#send({ t: "pub", c: channel, d: data });
  }

  publishAndWait(channel: string, data: unknown, timeoutMs = defaultWaitMs): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const { id, promise } = this.#waits.start(null, timeoutMs, () =>
      this.options.onError?.(`cluster bus: not every node applied ${JSON.stringify(channel)} within ${timeoutMs} ms`),
    );
    this.#send({ t: "pub", c: channel, d: data, w: id });
    return promise;
  }

  received(): Promise<void> {
    return this.#handlers.idle();
  }

  subscribe(channel: string, handler: BusHandler): () => void {
    return this.#handlers.add(channel, handler);
  }

  lead(name: string, onChange: (leader: boolean) => void): () => void {
    this.#leaders.set(name, onChange);
    this.#send({ t: "lead", n: name });
    return () => {
      if (this.#leaders.get(name) !== onChange) return;
      this.#send({ t: "unlead", n: name });
      this.#leaders.delete(name);
      onChange(false);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#link?.end();
    this.#releaseAll();
  }

  #send(frame: Frame): void {
    if (!this.#closed) this.#link?.write(JSON.stringify(frame));
  }

  #releaseAll(): void {
    this.#waits.endAll();
    for (const onChange of this.#leaders.values()) onChange(false);
    this.#leaders.clear();
    this.#peers = 0;
  }

  /** @internal lost is told that the hub went away (it stopped, or its process died). */
  lost(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#releaseAll();
    this.#peersKnown.resolve();
    this.options.onHubLost?.();
  }

  #bad(reason: string): undefined {
    (this.options.onError ?? console.error)(`cluster bus: dropped a message: ${reason}`);
  }

  #frame(line: string): undefined {
    const frame = parseFrame(line);
    if (!frame) return this.#bad(`not a frame: ${line.slice(0, 200)}`);
    switch (frame.t) {
      // the hub passes a plain publish on as it came ("pub"), one that waits for acks as a "msg"
      case "pub":
      case "msg": {
        if (typeof frame.c !== "string") return this.#bad("a message without a channel");
        const from = typeof frame.f === "string" ? frame.f : "";
        const ran = this.#handlers.dispatch(frame.c, frame.d, from);
        const w = frame.w;
        if (typeof w === "number") void ran.then(() => this.#send({ t: "ack", w }));
        return;
      }
      case "done": {
        if (typeof frame.w === "number") this.#waits.end(frame.w);
        return;
      }
      case "peers":
        if (typeof frame.n === "number") this.#peers = frame.n;
        this.#peersKnown.resolve();
        return;
      case "leader": {
        if (typeof frame.n !== "string") return this.#bad("a leader frame without a name");
        this.#leaders.get(frame.n)?.(frame.v === true);
        return;
      }
      default:
        return this.#bad(`unknown frame type ${JSON.stringify(frame.t)}`);
    }
  }
}
