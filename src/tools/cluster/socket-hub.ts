import type { Socket, UnixSocketListener } from "bun";
import { type Frame, LineReader, LineWriter, parseFrame } from "./frames.ts";
import { SocketBus, type SocketBusOptions } from "./socket-bus.ts";

/** One node's connection to the hub: over the socket, or the hub's own process's node (join). */
interface Peer {
  nodeId: string;
  /** Sends one frame (a JSON line without its newline) to the node. */
  write(frame: string): void;
  /** Cuts the node off. */
  end(): void;
}

interface PeerData {
  peer?: Peer;
  writer?: LineWriter;
  reader?: LineReader;
}

/** A publishAndWait in progress: the nodes that still have to run their handlers. */
interface Wait {
  from: Peer;
  id: unknown;
  pending: Set<Peer>;
}

export interface SocketHubOptions {
  /** Told of every message published by a node (the primary's own view of the cluster). */
  onMessage?: (channel: string, data: unknown, from: string) => void;
  /** Told of frames that could not be read (they are dropped). */
  onBadFrame?: (from: string, reason: string) => void;
  /** Told when a node joins or leaves. */
  onPeers?: (nodeIds: string[]) => void;
}

/**
 * SocketHub is the cluster bus's relay on one machine, run by the primary process on a unix socket: it
 * passes each published message to every other node, tells publishers when all nodes ran their handlers
 * (publishAndWait), and grants each leadership to the longest-waiting node asking for it, handing it on
 * when that node leaves. Frames are JSON lines (frames.ts).
 */
export class SocketHub {
  readonly #peers = new Set<Peer>();
  readonly #waits = new Map<number, Wait>();
  readonly #candidates = new Map<string, Peer[]>();
  #nextWait = 0;
  #listener: UnixSocketListener<PeerData> | null = null;

  constructor(
    readonly path: string,
    readonly options: SocketHubOptions = {},
  ) {}

  listen(): void {
    this.#listener = Bun.listen<PeerData>({
      unix: this.path,
      socket: {
        open: (socket) => {
          socket.data = {};
        },
        data: (socket, chunk) => {
          let reader = socket.data.reader;
          if (!reader) {
            const writer = new LineWriter(socket as Socket<unknown>);
            const peer: Peer = { nodeId: "", write: (frame) => writer.write(frame), end: () => socket.end() };
            reader = new LineReader(
              (line) => this.#frame(peer, line),
              () => this.#bad(peer, "a frame over the size limit"),
            );
            socket.data = { peer, writer, reader };
          }
          reader.push(chunk);
        },
        drain: (socket) => socket.data.writer?.drain(),
        close: (socket) => {
          const peer = socket.data.peer;
          if (peer) this.#leave(peer);
        },
        error: (socket) => {
          const peer = socket.data.peer;
          if (peer) this.#leave(peer);
        },
      },
    });
  }

  /**
   * join makes a node of the cluster in the hub's own process, talking to the hub by function calls (no
   * socket, no encoding while it is alone): a single server runs the hub for the commands run beside it.
   * Closing the hub cuts it off like the others.
   */
  join(nodeId: string, options: SocketBusOptions = {}): SocketBus {
    let bus: SocketBus | undefined;
    const peer: Peer = {
      nodeId: "",
      // the node reads the hub's frames as they come, as the hub reads its frames: one call each
      write: (frame) => bus?.receive(frame),
      end: () => bus?.lost(),
    };
    bus = SocketBus.inProcess(nodeId, options, {
      write: (frame) => this.#frame(peer, frame),
      end: () => this.#leave(peer),
    });
    return bus;
  }

  /** nodeIds lists the connected nodes. */
  nodeIds(): string[] {
    return [...this.#peers].map((p) => p.nodeId);
  }

  /** send publishes a message from the hub itself to every node (from "hub"). */
  send(channel: string, data: unknown): void {
    const frame = JSON.stringify({ t: "msg", c: channel, d: data, f: "hub" });
    for (const p of this.#peers) p.write(frame);
  }

  close(): void {
    for (const p of [...this.#peers]) p.end();
    this.#listener?.stop(true);
    this.#listener = null;
  }

  #bad(peer: Peer, reason: string): undefined {
    this.options.onBadFrame?.(peer.nodeId || "(unnamed)", reason);
  }

  #frame(peer: Peer, line: string): undefined {
    const frame = parseFrame(line);
    if (!frame) return this.#bad(peer, `not a frame: ${line.slice(0, 200)}`);
    if (frame.t === "hello") {
      if (typeof frame.node !== "string" || frame.node === "") return this.#bad(peer, "hello without a node id");
      peer.nodeId = frame.node;
      this.#peers.add(peer);
      this.#announcePeers();
      return;
    }
    if (!this.#peers.has(peer)) return this.#bad(peer, `a ${frame.t} frame before hello`);
    switch (frame.t) {
      case "pub":
        return this.#publish(peer, frame, line);
      case "ack":
        return this.#ack(peer, frame.w);
      case "lead":
        if (typeof frame.n !== "string") return this.#bad(peer, "lead without a name");
        return this.#lead(peer, frame.n);
      case "unlead":
        if (typeof frame.n !== "string") return this.#bad(peer, "unlead without a name");
        return this.#unlead(peer, frame.n);
      default:
        return this.#bad(peer, `unknown frame type ${JSON.stringify(frame.t)}`);
    }
  }

  #publish(from: Peer, frame: Frame, line: string): undefined {
    if (typeof frame.c !== "string") return this.#bad(from, "pub without a channel");
    this.options.onMessage?.(frame.c, frame.d, from.nodeId);
    const targets = [...this.#peers].filter((p) => p !== from);
    let waitId: number | undefined;
    if (frame.w !== undefined) {
      if (targets.length === 0) {
        from.write(JSON.stringify({ t: "done", w: frame.w }));
        return;
      }
      waitId = ++this.#nextWait;
      this.#waits.set(waitId, { from, id: frame.w, pending: new Set(targets) });
    }
    // a plain publish goes on as it came, its payload not encoded again: the sender's id put in front
    const out =
      waitId === undefined && line.startsWith("{")
        ? `{"f":${JSON.stringify(from.nodeId)},${line.slice(1)}`
        : JSON.stringify({ t: "msg", c: frame.c, d: frame.d, f: from.nodeId, w: waitId });
    for (const p of targets) p.write(out);
  }

  #ack(peer: Peer, id: unknown): undefined {
    if (typeof id !== "number") return this.#bad(peer, "ack without an id");
    const wait = this.#waits.get(id);
    if (!wait) return;
    wait.pending.delete(peer);
    this.#settle(id, wait);
  }

  #settle(id: number, wait: Wait): undefined {
    if (wait.pending.size > 0) return;
    this.#waits.delete(id);
    if (this.#peers.has(wait.from)) wait.from.write(JSON.stringify({ t: "done", w: wait.id }));
  }

  #lead(peer: Peer, name: string): undefined {
    const list = this.#candidates.get(name) ?? [];
    this.#candidates.set(name, list);
    if (list.includes(peer)) return;
    list.push(peer);
    if (list[0] === peer) peer.write(JSON.stringify({ t: "leader", n: name, v: true }));
  }

  #unlead(peer: Peer, name: string): undefined {
    const list = this.#candidates.get(name);
    if (!list) return;
    const wasLeader = list[0] === peer;
    const kept = list.filter((p) => p !== peer);
    this.#candidates.set(name, kept);
    if (wasLeader) {
      if (this.#peers.has(peer)) peer.write(JSON.stringify({ t: "leader", n: name, v: false }));
      kept[0]?.write(JSON.stringify({ t: "leader", n: name, v: true }));
    }
  }

  #leave(peer: Peer): void {
    if (!this.#peers.delete(peer)) return;
    for (const name of [...this.#candidates.keys()]) this.#unlead(peer, name);
    for (const [id, wait] of this.#waits) {
      if (wait.from === peer) this.#waits.delete(id);
      else if (wait.pending.delete(peer)) this.#settle(id, wait);
    }
    this.#announcePeers();
  }

  #announcePeers(): void {
    const n = this.#peers.size;
    for (const p of this.#peers) p.write(JSON.stringify({ t: "peers", n: n - 1 }));
    this.options.onPeers?.(this.nodeIds());
  }
}
