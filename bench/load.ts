/**
 * A small closed-loop HTTP/1.1 load generator, run as its own process so it never shares a thread with
 * the server it measures. Each of `connections` keep-alive sockets sends one request, waits for the whole
 * response, then sends the next (no pipelining). Requests sent during the warmup are not counted.
 *
 *   bun bench/load.ts <spec.json>
 *
 * The spec is a LoadSpec; the result (a LoadResult) is printed as JSON on stdout.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Socket } from "bun";

export interface LoadRequest {
  method: string;
  path: string;
  /** A JSON body, sent with `Content-Type: application/json`. */
  body?: string;
  /** Extra request headers (e.g. `Authorization`). */
  headers?: Record<string, string>;
}

export interface LoadSpec {
  host: string;
  port: number;
  /** The requests, sent in turn (each connection starts at a different one). */
  requests: LoadRequest[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** The status every response must have. */
  expectStatus: number;
  /** The server's process id, to measure the CPU time it spends during the measured seconds (Linux). */
  serverPid?: number;
  /** Count the CPU time of the server's child processes too (`serve --workers`: the workers do the work). */
  serverTree?: boolean;
  /** The database server's process id (PostgreSQL's postmaster): its CPU time and its backends' are measured too. */
  databasePid?: number;
}

export interface LoadResult {
  /** Responses to requests sent during the measured seconds. */
  requests: number;
  /** Every response, the warmup's included. */
  completed: number;
  seconds: number;
  rps: number;
  /** Latencies in milliseconds. */
  p50: number;
  p99: number;
  /** Responses with another status than expected (counted, not timed). */
  unexpected: number;
  /** One unexpected response's status and start of body, to tell what went wrong. */
  sample?: string;
  /** CPU seconds the server process used during the measured seconds (when its pid was given). */
  serverCpuSeconds?: number;
  /** CPU seconds the database server (with its backends) used during the measured seconds (when its pid was given). */
  databaseCpuSeconds?: number;
}

const crlf2 = Buffer.from("\r\n\r\n");

/** Every request carries an Origin header, as a browser app's requests do. */
export const benchOrigin = "http://localhost:5173";

/** encodeRequest renders a request once, as the bytes written for every send. */
function encodeRequest(spec: LoadSpec, r: LoadRequest): Buffer {
  const head = [
    `${r.method} ${r.path} HTTP/1.1`,
    `Host: ${spec.host}:${spec.port}`,
    "Accept: */*",
    `Origin: ${benchOrigin}`,
  ];
  for (const [name, value] of Object.entries(r.headers ?? {})) head.push(`${name}: ${value}`);
  if (r.body !== undefined) {
    head.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(r.body)}`);
  }
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${r.body ?? ""}`);
}

/** Where one connection is in reading its current response. */
interface ConnState {
  next: number;
  sentAt: number;
  buffer: Buffer;
  /** The length of the whole response once its head is parsed, else -1. */
  expected: number;
  status: number;
}

/** parseHead reads the status and the total length of a response from its head (no chunked bodies). */
function parseHead(buf: Buffer, end: number): { status: number; length: number } {
  const head = buf.toString("latin1", 0, end);
  const status = Number(head.slice(9, 12));
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!m) {
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error("chunked responses are not supported");
    return { status, length: end + 4 };
  }
  return { status, length: end + 4 + Number(m[1]) };
}

const clockTicksPerSecond = 100;

/** processCpuSeconds reads the user + system time of a process (all its threads) from /proc. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line; fields[0] is field 3
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return null;
  }
}

/** treeCpuSeconds is the CPU time of a process and of its living descendants. */
export function treeCpuSeconds(pid: number): number | null {
  const own = processCpuSeconds(pid);
  if (own === null) return null;
  let total = own;
  let children: string[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children = children.concat(readFileSync(`/proc/${pid}/task/${task}/children`, "latin1").split(" "));
    }
  } catch {
    return total;
  }
  for (const child of children) if (child.trim() !== "") total += treeCpuSeconds(Number(child)) ?? 0;
  return total;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/** runLoad drives the server for warmup + seconds and measures the requests that started after the warmup. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const encoded = spec.requests.map((r) => encodeRequest(spec, r));
  if (encoded.length === 0) throw new Error("no requests to send");
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  let completed = 0;
  let unexpected = 0;
  let sample: string | undefined;
  const start = performance.now();
  const measureFrom = start + spec.warmupSeconds * 1000;
  const stopAt = measureFrom + spec.seconds * 1000;
  const pid = spec.serverPid;
  const cpuOf = spec.serverTree ? treeCpuSeconds : processCpuSeconds;
  let cpuAtStart: number | null = null;
  let cpuAtStop: number | null = null;
  const dbPid = spec.databasePid;
  let dbAtStart: number | null = null;
  let dbAtStop: number | null = null;
  const cpuTimers =
    pid === undefined
      ? []
      : [
          setTimeout(() => {
            cpuAtStart = cpuOf(pid);
            if (dbPid !== undefined) dbAtStart = treeCpuSeconds(dbPid);
          }, measureFrom - start),
          setTimeout(() => {
            cpuAtStop = cpuOf(pid);
            if (dbPid !== undefined) dbAtStop = treeCpuSeconds(dbPid);
          }, stopAt - start),
        ];
  let stopping = false;
  let failure: Error | null = null;
  let open = 0;
  const sockets: Socket<ConnState>[] = [];
  let allClosed!: () => void;
  const closed = new Promise<void>((r) => {
    allClosed = r;
  });

  const send = (s: Socket<ConnState>): void => {
    const st = s.data;
    st.sentAt = performance.now();
    const bytes = encoded[st.next % encoded.length] as Buffer;
    st.next++;
    const written = s.write(bytes);
    if (written !== bytes.length) {
      failure = new Error("partial write; requests must fit the socket buffer");
      s.end();
    }
  };

  const complete = (s: Socket<ConnState>, now: number): void => {
    const st = s.data;
    completed++;
    if (st.sentAt >= measureFrom && now <= stopAt) {
      if (st.status === spec.expectStatus) {
        if (count === latencies.length) {
          const bigger = new Float64Array(latencies.length * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[count++] = now - st.sentAt;
      } else {
        unexpected++;
        sample ??= `${st.status} ${st.buffer.toString("utf8", 0, Math.min(st.buffer.length, 300))}`;
      }
    }
    if (now >= stopAt || stopping) {
      s.end();
      return;
    }
    send(s);
  };

  const onData = (s: Socket<ConnState>, chunk: Buffer): void => {
    const st = s.data;
    st.buffer = st.buffer.length === 0 ? chunk : Buffer.concat([st.buffer, chunk]);
    while (true) {
      if (st.expected < 0) {
        const end = st.buffer.indexOf(crlf2);
        if (end < 0) return;
        const head = parseHead(st.buffer, end);
        st.expected = head.length;
        st.status = head.status;
      }
      if (st.buffer.length < st.expected) return;
      const rest = st.buffer.subarray(st.expected);
      st.expected = -1;
      const now = performance.now();
      complete(s, now);
      st.buffer = rest;
      if (rest.length === 0) return;
    }
  };

  for (let i = 0; i < spec.connections; i++) {
    const data: ConnState = { next: i, sentAt: 0, buffer: Buffer.alloc(0), expected: -1, status: 0 };
    open++;
    const socket = await Bun.connect<ConnState>({
      hostname: spec.host,
      port: spec.port,
      data,
      socket: {
        open: (s) => {
          s.setNoDelay(true);
          send(s);
        },
        data: (s, chunk) => {
          try {
            onData(s, chunk);
          } catch (err) {
            failure = err instanceof Error ? err : new Error(String(err));
            stopping = true;
            s.end();
          }
        },
        close: () => {
          if (--open === 0) allClosed();
        },
        error: (_s, err) => {
          failure = err;
          stopping = true;
        },
      },
    });
    sockets.push(socket);
  }
  // a server that stops answering must not hang the run
  const timer = setTimeout(
    () => {
      failure ??= new Error("the server stopped answering");
      for (const s of sockets) s.terminate();
    },
    (spec.warmupSeconds + spec.seconds) * 1000 + 5000,
  );
  await closed;
  clearTimeout(timer);
  for (const t of cpuTimers) clearTimeout(t);
  // the last responses may close the sockets just before the stop timer fires
  if (pid !== undefined && cpuAtStop === null) {
    cpuAtStop = cpuOf(pid);
    if (dbPid !== undefined) dbAtStop = treeCpuSeconds(dbPid);
  }
  if (failure) throw failure;
  const serverCpuSeconds = cpuAtStart !== null && cpuAtStop !== null ? cpuAtStop - cpuAtStart : null;
  const databaseCpuSeconds = dbAtStart !== null && dbAtStop !== null ? dbAtStop - dbAtStart : null;
  const sorted = latencies.subarray(0, count).sort();
  return {
    requests: count,
    completed,
    seconds: spec.seconds,
    rps: count / spec.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    unexpected,
    ...(sample === undefined ? {} : { sample }),
    ...(serverCpuSeconds === null ? {} : { serverCpuSeconds }),
    ...(databaseCpuSeconds === null ? {} : { databaseCpuSeconds }),
  };
}

if (import.meta.main) {
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write("usage: bun bench/load.ts <spec.json>\n");
    process.exit(2);
  }
  const spec = (await Bun.file(specPath).json()) as LoadSpec;
  const result = await runLoad(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
