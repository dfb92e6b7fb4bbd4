import type { ClientTransport } from "../tools/subscriptions/client.ts";
import { type Message, sseFrame } from "../tools/subscriptions/message.ts";

/**
 * How many bytes of messages an SSE client may have waiting beyond what its socket took. A client that
 * stops reading fills its socket buffers first; past this much more it is disconnected (the SDK reconnects
 * and resubscribes), so a stalled client never holds more than this of the server's memory.
 */
export const sseMaxQueuedBytes = 1 << 20;

const encoder = new TextEncoder();

/**
 * SseTransport writes a client's messages as Server-Sent Events into a pull-based stream: messages go
 * straight to the stream when it is waiting for data, else into a bounded queue that the next pull drains
 * in one chunk, so the HTTP server's own backpressure decides the pace.
 */
export class SseTransport implements ClientTransport {
  clientId = "";
  readonly stream: ReadableStream<Uint8Array>;
  readonly maxQueuedBytes: number;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #pullPending = false;
  #closed = false;
  /** Called after every message written (the idle timer restarts). */
  onWrite: () => void = () => {};
  /** Called once when the stream ends, whoever ended it (the client went away, the server closed it). */
  onClose: () => void = () => {};

  constructor(maxQueuedBytes = sseMaxQueuedBytes) {
    this.maxQueuedBytes = maxQueuedBytes;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#pull(),
        cancel: () => this.#finish(),
      },
      { highWaterMark: 0 },
    );
  }

  /** queuedBytes is how much is waiting for the client to read (the bound the backpressure test checks). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  write(message: Message): void {
    if (this.#closed) return;
    const bytes = encoder.encode(sseFrame(this.clientId, message));
    if (this.#pullPending && this.#controller) {
      this.#pullPending = false;
      this.#controller.enqueue(bytes);
    } else {
      if (this.#queuedBytes + bytes.byteLength > this.maxQueuedBytes) {
        this.#overflow();
        return;
      }
      this.#queue.push(bytes);
      this.#queuedBytes += bytes.byteLength;
    }
    this.onWrite();
  }

  #pull(): void {
    if (this.#closed || !this.#controller) return;
    if (this.#queue.length === 0) {
      this.#pullPending = true;
      return;
    }
    const chunk = this.#queue.length === 1 ? (this.#queue[0] as Uint8Array) : Buffer.concat(this.#queue);
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#controller.enqueue(chunk);
  }

  /** A client that can't keep up is cut off at once: what it missed is dropped with it. */
  #overflow(): void {
    const controller = this.#controller;
    this.#finish();
    try {
      controller?.error(new Error("the realtime client is too slow"));
    } catch {
      // already errored or closed
    }
  }

  /** close ends the stream after what is queued has been read. */
  close(): void {
    if (this.#closed) return;
    const controller = this.#controller;
    const rest = this.#queue;
    this.#finish();
    try {
      for (const chunk of rest) controller?.enqueue(chunk);
      controller?.close();
    } catch {
      // the stream was already cancelled
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.onClose();
  }
}
