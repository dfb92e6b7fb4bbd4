import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Subprocess } from "bun";
import { SocketHub } from "../tools/cluster/socket-hub.ts";
import { busSocket, makeSocketDir, writeBusFile } from "./cluster-bus-file.ts";
import type { CliIO } from "./command.ts";

/**
 * `satchel serve --workers=N`: the primary process starts N worker processes, each a whole server on the
 * same port (`reusePort`: the kernel spreads connections) and the same data directory, joined by the
 * cluster bus whose hub the primary runs on a unix socket in a private temporary directory. It restarts a
 * worker that dies, up to a bound, and stops them all on SIGINT/SIGTERM.
 */

/** The environment a worker process is started with (its absence makes a process a primary or alone). */
export const workerEnv = {
  /** The private directory holding the bus socket. */
  dir: "SATCHEL_CLUSTER_DIR",
  /** The worker's number, 1 to N. */
  node: "SATCHEL_CLUSTER_NODE",
  /** The address to listen on, the port fixed by the first worker. */
  http: "SATCHEL_CLUSTER_HTTP",
  /** "1" for the one process that prints the start banner. */
  banner: "SATCHEL_CLUSTER_BANNER",
} as const;

/** The bus channel a worker announces itself on once it serves: `{node, url}`. */
export const readyChannel = "cluster.ready";

/** A worker slot gives up after this many exits within crashWindowMs. */
export const maxCrashes = 5;
export const crashWindowMs = 60_000;

/** The most workers (the client ids' tag holds 3 digits). */
export const maxWorkers = 999;

/** parseWorkers reads `--workers`: a count, or `auto` for one per core. */
export function parseWorkers(value: string): number {
  if (value === "auto") return Math.min(availableParallelism(), maxWorkers);
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > maxWorkers) {
    throw new Error(`invalid --workers ${JSON.stringify(value)}: a number from 1 to ${maxWorkers}, or "auto"`);
  }
  return n;
}

export interface PrimaryOptions {
  count: number;
  /** The data directory the workers share (where other commands find the bus: cluster-bus-file.ts). */
  dataDir: string;
  /** The listen address (a port of 0 is fixed by the first worker). */
  http: string;
  io: CliIO;
  /** The command line that starts a worker (the same executable, the same arguments). */
  command: readonly string[];
  /** Settles with the first stop signal, and `again` with the next. */
  stop: { first: Promise<string>; again: Promise<string> };
  /** How long the workers get to stop before they are killed. */
  stopDeadlineMs: number;
}

interface Slot {
  node: number;
  process: Subprocess | null;
  exits: number[];
  ready: PromiseWithResolvers<string>;
  givenUp: boolean;
}

/** runPrimary runs the workers until a stop signal (0), or until none is left running (1). */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { io, count } = options;
  const dir = makeSocketDir();
  let stopping = false;
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({
    node: i + 1,
    process: null,
    exits: [],
    ready: Promise.withResolvers<string>(),
    givenUp: false,
  }));
  const allGone = Promise.withResolvers<void>();
  const hub = new SocketHub(busSocket(dir), {
    onMessage: (channel, data) => {
      if (channel !== readyChannel) return;
      const d = data as { node?: unknown; url?: unknown } | null;
      const slot = slots.find((s) => s.node === d?.node);
      if (slot && typeof d?.url === "string") slot.ready.resolve(d.url);
    },
    onBadFrame: (from, reason) => io.err(`cluster bus: dropped a frame from ${from}: ${reason}\n`),
  });
  hub.listen();
  // commands run on the same directory meanwhile (migrate, superuser) join the bus through this file
  const removeBusFile = (await writeBusFile(options.dataDir, busSocket(dir), true)) ?? (() => {});
  let http = options.http;

  const start = (slot: Slot, banner: boolean) => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      [workerEnv.dir]: dir,
      [workerEnv.node]: String(slot.node),
      [workerEnv.http]: http,
      [workerEnv.banner]: banner ? "1" : "",
    };
    slot.process = Bun.spawn([...options.command], {
      env,
      stdin: "ignore",
      stdout: "inherit",
      stderr: "inherit",
      onExit: (child, code, signal): void => exited(slot, child, code, signal === null ? null : String(signal)),
    });
  };

  const exited = (slot: Slot, child: Subprocess, code: number | null, signal: string | null) => {
    if (slot.process !== child) return;
    slot.process = null;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    slot.ready.reject(new Error(`worker ${slot.node} stopped before it served (${how})`));
    slot.ready.promise.catch(() => {});
    if (stopping) {
      if (slots.every((s) => !s.process)) allGone.resolve();
      return;
    }
    const now = Date.now();
    slot.exits = [...slot.exits.filter((t) => now - t < crashWindowMs), now];
    if (slot.exits.length >= maxCrashes) {
      slot.givenUp = true;
      io.err(
        `Worker ${slot.node} stopped ${slot.exits.length} times within ${crashWindowMs / 1000} s (last: ${how}): not restarting it (see its errors above).\n`,
      );
      if (slots.every((s) => s.givenUp || !s.process)) allGone.resolve();
      return;
    }
    io.err(`Worker ${slot.node} stopped (${how}): restarting it.\n`);
    slot.ready = Promise.withResolvers<string>();
    setTimeout(() => {
      if (!stopping) start(slot, false);
    }, 100 * slot.exits.length);
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const running = slots.filter((s) => s.process);
    if (running.length === 0) return;
    for (const s of running) s.process?.kill("SIGTERM");
    const again = options.stop.again.then(() => {
      for (const s of slots) s.process?.kill("SIGTERM");
    });
    void again;
    const deadline = Bun.sleep(options.stopDeadlineMs).then(() => "late" as const);
    if ((await Promise.race([allGone.promise, deadline])) === "late") {
      for (const s of slots) s.process?.kill("SIGKILL");
      await allGone.promise;
    }
  };

  try {
    // the first worker fixes the port (the address may ask for any free one), then the others join it
    const [first, ...rest] = slots as [Slot, ...Slot[]];
    start(first, true);
    const url = await Promise.race([first.ready.promise, options.stop.first.then(() => null)]);
    if (url === null) return 0;
    http = new URL(url).host;
    for (const s of rest) start(s, false);
    const started = await Promise.race([
      Promise.all(rest.map((s) => s.ready.promise)).then(() => true),
      options.stop.first.then(() => false),
    ]);
    if (started) io.out(`Serving with ${count} worker processes (primary process ${process.pid}).\n`);
    const outcome = await Promise.race([options.stop.first, allGone.promise.then(() => null)]);
    if (outcome === null) {
      io.err("No worker left running: the server stopped.\n");
      return 1;
    }
    io.out(`Received ${outcome}, stopping the workers...\n`);
    return 0;
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}: the server stopped.\n`);
    return 1;
  } finally {
    await stopAll();
    hub.close();
    removeBusFile();
    rmSync(dir, { recursive: true, force: true });
  }
}
