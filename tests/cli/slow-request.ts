import type { Socket } from "bun";

export interface RawResponse {
  status: number;
  body: string;
}

/**
 * SlowRequest is an HTTP request held in flight on purpose: on its own connection (proven served by a
 * first request), it sends a POST's headers and half of its body, and the rest only on `finish()`. The
 * server's handler is then running, waiting for the body, for as long as the test wants.
 */
export class SlowRequest {
  /** Settles when the server closes the connection: the POST's response, or null when there was none. */
  readonly response: Promise<RawResponse | null>;

  private constructor(
    private readonly socket: Socket<undefined>,
    private readonly rest: Uint8Array,
    response: Promise<RawResponse | null>,
  ) {
    this.response = response;
  }

  static async open(baseUrl: string, path: string, json: string): Promise<SlowRequest> {
    const { hostname, port } = new URL(baseUrl);
    let received = "";
    let onData = () => {};
    const closed = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        data(_s, chunk) {
          received += chunk.toString();
          onData();
        },
        close() {
          closed.resolve();
        },
        error() {
          closed.resolve();
        },
      },
    });

    // a complete request first: once it is answered, the server has accepted this connection
    const served = new Promise<void>((resolve) => {
      onData = () => {
        if (received.includes("API is healthy.")) resolve();
      };
    });
    socket.write(`GET /api/health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await served;
    const firstLength = received.length;

    const body = new TextEncoder().encode(json);
    const half = Math.floor(body.length / 2);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.subarray(0, half));
    const response = closed.promise.then(() => parseResponse(received.slice(firstLength)));
    return new SlowRequest(socket, body.subarray(half), response);
  }

  /** finish sends the rest of the body. */
  finish(): void {
    this.socket.write(this.rest);
  }

  /** abandon closes the connection from the client side. */
  abandon(): void {
    this.socket.end();
  }
}

function parseResponse(raw: string): RawResponse | null {
  const m = raw.match(/^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/);
  if (!m) return null;
  return { status: Number(m[1]), body: m[3] ?? "" };
}
