/**
 * The local transport of the cluster bus, chosen by measurement: a unix socket through a hub in the primary
 * (what `serve --workers` uses) against what PocketBase 0.38 does for several processes on one pb_data
 * (core/notify_watcher.go: a file written and removed in a watched directory, one per kind of change,
 * carrying no payload). Two processes ping-pong: the round trip, and how many messages one process can
 * send the other per second.
 *
 *   bun bench/cluster/transport.ts [--rounds=2000] [--burst=100000]
 */
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SocketBus } from "../../src/tools/cluster/socket-bus.ts";
import { SocketHub } from "../../src/tools/cluster/socket-hub.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "2000" },
    burst: { type: "string", default: "100000" },
    role: { type: "string" },
    dir: { type: "string" },
  },
});
const rounds = Number(opts.rounds);
const burst = Number(opts.burst);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

// ---- the echo side, in its own process
if (opts.role === "socket-echo") {
  const bus = await SocketBus.connect(join(opts.dir ?? "", "bus.sock"), "echo");
  bus.subscribe("ping", (d) => bus.publish("pong", d));
  let n = 0;
  bus.subscribe("burst", () => {
    if (++n === burst) bus.publish("burst-done", n);
  });
  await new Promise(() => {});
}
if (opts.role === "file-echo") {
  const dir = opts.dir ?? "";
  // PocketBase writes then removes the file; the watcher sees both: answer on the first event of each name
  watch(join(dir, "a"), (_e, name) => {
    if (!name?.startsWith("ping")) return;
    const file = join(dir, "b", `pong${name.slice(4)}`);
    writeFileSync(file, "");
    void unlink(file).catch(() => {});
  });
  await new Promise(() => {});
}

async function socketRun(): Promise<{ rtt: number[]; perSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), "satchel-bus-bench-"));
  const hub = new SocketHub(join(dir, "bus.sock"));
  hub.listen();
  const echo = Bun.spawn([
    process.execPath,
    import.meta.path,
    "--role=socket-echo",
    `--dir=${dir}`,
    `--burst=${burst}`,
  ]);
  const bus = await SocketBus.connect(join(dir, "bus.sock"), "sender");
  while (bus.peers() < 1) await Bun.sleep(5);
  let pong: (() => void) | null = null;
  bus.subscribe("pong", () => pong?.());
  const rtt: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      pong = resolve;
      bus.publish("ping", { i, row: { id: "abcdefghijklmno", body: "a record's worth of text ".repeat(8) } });
    });
    rtt.push(performance.now() - t0);
  }
  const done = Promise.withResolvers<void>();
  bus.subscribe("burst-done", () => done.resolve());
  const t0 = performance.now();
  for (let i = 0; i < burst; i++) bus.publish("burst", { i, row: { id: "abcdefghijklmno", body: "text" } });
  await done.promise;
  const perSecond = burst / ((performance.now() - t0) / 1000);
  echo.kill();
  await bus.close();
  hub.close();
  rmSync(dir, { recursive: true, force: true });
  return { rtt, perSecond };
}

async function fileRun(): Promise<{ rtt: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), "satchel-notify-bench-"));
  mkdirSync(join(dir, "a"));
  mkdirSync(join(dir, "b"));
  const echo = Bun.spawn([process.execPath, import.meta.path, "--role=file-echo", `--dir=${dir}`]);
  await Bun.sleep(300);
  let pong: (() => void) | null = null;
  const watcher = watch(join(dir, "b"), (_e, name) => {
    if (name?.startsWith("pong")) pong?.();
  });
  const rtt: number[] = [];
  const n = Math.min(rounds, 1000);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      pong = resolve;
      const file = join(dir, "a", `ping${i}`);
      writeFileSync(file, "");
      void unlink(file).catch(() => {});
    });
    pong = null;
    rtt.push(performance.now() - t0);
    await Bun.sleep(1);
  }
  watcher.close();
  echo.kill();
  rmSync(dir, { recursive: true, force: true });
  return { rtt };
}

const socket = await socketRun();
const file = await fileRun();
const row = (name: string, rtt: number[], extra: string) =>
  `${name.padEnd(34)} ${fmt(percentile(rtt, 50)).padStart(8)} ${fmt(percentile(rtt, 99)).padStart(9)}   ${extra}`;
process.stdout.write(
  `${"transport".padEnd(34)} ${"p50 rtt".padStart(8)} ${"p99 rtt".padStart(9)}   one-way messages/s\n` +
    `${row("unix socket hub (JSON lines)", socket.rtt, `${Math.round(socket.perSecond).toLocaleString("en")} (with a payload)`)}\n` +
    `${row("notify dir (fs watch, no payload)", file.rtt, "signals only: a payload needs a file per message")}\n`,
);
process.exit(0);
