import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { clusterBusFileName } from "../core/base-backup.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { SocketHub } from "../tools/cluster/socket-hub.ts";

/**
 * The data directory's `.cluster_bus` file: a server running on the directory (the primary of
 * `serve --workers`, or a single `serve` on SQLite) names there the unix socket of its cluster bus's hub,
 * so that the commands run beside it (`migrate`, `superuser`, ...) join the bus for their run
 * (cluster-join.ts) and the server learns at once what they change. A file left by a process that died
 * (or copied from another directory) is ignored, and replaced by the next server.
 */

export { clusterBusFileName };

/** What the data directory's clusterBusFileName holds while a server runs on it. */
export interface ClusterBusFile {
  pid: number;
  /** The data directory's real path. */
  dir: string;
  socket: string;
}

/** The prefix of the private temporary directories holding a hub's socket. */
const socketDirPrefix = "satchel-cluster-";

/** makeSocketDir makes the private temporary directory a hub's socket lives in. */
export function makeSocketDir(): string {
  return mkdtempSync(join(tmpdir(), socketDirPrefix));
}

export function busSocket(dir: string): string {
  return join(dir, "bus.sock");
}

/** readBusFile reads the bus file of the data directory dataDir; null when there is none or it is malformed. */
export function readBusFile(dataDir: string): ClusterBusFile | null {
  try {
    const value = JSON.parse(readFileSync(join(dataDir, clusterBusFileName), "utf8")) as Partial<ClusterBusFile> | null;
    return Number.isInteger(value?.pid) &&
      (value?.pid ?? 0) > 0 &&
      typeof value?.dir === "string" &&
      typeof value.socket === "string"
      ? { pid: value.pid as number, dir: value.dir, socket: value.socket }
      : null;
  } catch {
    return null;
  }
}

/**
 * liveBusFile reads dataDir's bus file when it names a running process on this very directory (not a copy
 * restored elsewhere); the socket may still refuse connections (the pid reused by another process).
 */
export function liveBusFile(dataDir: string): ClusterBusFile | null {
  const file = readBusFile(dataDir);
  return file && file.dir === realPath(dataDir) && isRunning(file.pid) ? file : null;
}

/**
 * writeBusFile names socket in dataDir's bus file, and returns the function that takes the file away
 * (unless another server replaced it meanwhile). When replace is false and the file names a hub that
 * answers, that server keeps it and writeBusFile returns null. The socket folder of a file left by a
 * process that no longer runs is removed.
 */
export async function writeBusFile(dataDir: string, socket: string, replace: boolean): Promise<(() => void) | null> {
  const old = readBusFile(dataDir);
  if (old && old.socket !== socket) {
    const running = isRunning(old.pid);
    const live = running && old.dir === realPath(dataDir) && (await answers(old.socket));
    if (live && !replace) return null;
    // a file copied from the directory of a server still running elsewhere names that server's socket
    if (!running) removeSocketDir(old.socket);
  }
  const path = join(dataDir, clusterBusFileName);
  const text = JSON.stringify({ pid: process.pid, dir: realpathSync(dataDir), socket } satisfies ClusterBusFile);
  writeFileSync(path, text);
  return () => {
    if (readText(path) === text) rmSync(path, { force: true });
  };
}

/** A single server's hub, with the server's own node of it. */
export interface SoloHub {
  /** The server's node: its app's bus. */
  bus: ClusterBus;
  /** announce writes the bus file once the server runs (unless another server on dataDir has it). */
  announce(): Promise<void>;
  /** close takes the bus file away, stops the hub and removes its socket. */
  close(): void;
}

/**
 * startSoloHub runs the hub of a single `satchel serve` on SQLite, for the commands run beside it: its own
 * node is in process (function calls, nothing encoded or sent while no command is joined), the others
 * connect over a unix socket in a private temporary directory. Null when another server already runs on
 * dataDir with its hub (the two serve side by side as they always did: the commands join the first).
 */
export async function startSoloHub(dataDir: string, onError: (message: string) => void): Promise<SoloHub | null> {
  const other = liveBusFile(dataDir);
  if (other && (await answers(other.socket))) return null;
  const dir = makeSocketDir();
  const hub = new SocketHub(busSocket(dir), {
    onBadFrame: (from, reason) => onError(`cluster bus: dropped a frame from ${from}: ${reason}`),
  });
  try {
    hub.listen();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const bus = hub.join("serve", { onError });
  let remove = () => {};
  let closed = false;
  return {
    bus,
    async announce() {
      if (closed) return;
      remove = (await writeBusFile(dataDir, busSocket(dir), false)) ?? (() => {});
    },
    close() {
      if (closed) return;
      closed = true;
      remove();
      hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** answers tells whether a hub listens on socket (a connection is accepted, then closed at once). */
async function answers(socket: string): Promise<boolean> {
  try {
    const probe = await Bun.connect({ unix: socket, socket: { data() {} } });
    probe.end();
    return true;
  } catch {
    return false;
  }
}

/** removeSocketDir removes a dead hub's private socket directory (only one of ours, in the temporary directory). */
function removeSocketDir(socket: string): void {
  const dir = dirname(socket);
  if (dirname(dir) === tmpdir() && basename(dir).startsWith(socketDirPrefix))
    rmSync(dir, { recursive: true, force: true });
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return "";
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
