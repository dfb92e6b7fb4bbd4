import type { Socket } from "bun";

/** The longest frame read; a longer one is dropped whole (and reported) instead of growing without bound. */
export const maxFrameBytes = 16 << 20;

/**
 * LineReader cuts a byte stream into newline-ended frames (JSON never holds a raw newline). A frame over
 * maxFrameBytes is skipped up to its end and reported through onOversize.
 */
export class LineReader {
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #skipping = false;

  constructor(
    readonly onLine: (line: string) => void,
    readonly onOversize: () => void,
  ) {}

  push(chunk: Uint8Array): void {
    let text = this.#decoder.decode(chunk, { stream: true });
    while (text !== "") {
      const end = text.indexOf("\n");
      if (end < 0) {
        if (!this.#skipping) this.#buffer += text;
        if (this.#buffer.length > maxFrameBytes) {
          this.#buffer = "";
          this.#skipping = true;
          this.onOversize();
        }
        return;
      }
      const line = this.#skipping ? "" : this.#buffer + text.slice(0, end);
      const skipped = this.#skipping;
      this.#buffer = "";
      this.#skipping = false;
      text = text.slice(end + 1);
      if (!skipped && line !== "") this.onLine(line);
    }
  }
}

/**
 * LineWriter writes frames to a socket, keeping what the socket could not take until it drains. Frames
 * written in one task go out together at its end (one system call instead of one per frame: under load, a
 * process publishes many messages per task, and the hub relays a whole read's worth at once).
 */
export class LineWriter {
  readonly #queue: Uint8Array[] = [];
  #corked = "";

  constructor(readonly socket: Socket<unknown>) {}

  write(frame: string): void {
    if (this.#corked === "") queueMicrotask(() => this.#flush());
    this.#corked += `${frame}\n`;
  }

  #flush(): void {
    const bytes = Buffer.from(this.#corked);
    this.#corked = "";
    if (this.#queue.length > 0) {
      this.#queue.push(bytes);
      return;
    }
    const written = this.socket.write(bytes);
    if (written < bytes.length) this.#queue.push(bytes.subarray(Math.max(written, 0)));
  }

  /** drain is called from the socket's drain handler. */
  drain(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Uint8Array;
      const written = this.socket.write(head);
      if (written < head.length) {
        this.#queue[0] = head.subarray(Math.max(written, 0));
        return;
      }
      this.#queue.shift();
    }
  }
}

/** A frame's fields, as every frame is a JSON object with a type `t`. */
export type Frame = { t: string } & Record<string, unknown>;

/** parseFrame reads one frame, or null when it isn't a JSON object with a string `t`. */
export function parseFrame(line: string): Frame | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const t = (value as { t?: unknown }).t;
  return typeof t === "string" ? (value as Frame) : null;
}
