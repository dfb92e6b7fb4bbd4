import { appendFileSync } from "node:fs";
import { resolve } from "node:path";

export type ServerKind = "satchel" | "ceiling";

export interface RunningBenchServer {
  kind: ServerKind;
  url: string;
  host: string;
  port: number;
  pid: number;
  /** stop sends SIGTERM and waits for the process to exit (a CPU profile is written on exit). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Pin the server to these CPUs with taskset (e.g. "1"); unpinned when null. */
  cpus: string | null;
  /** Extra arguments for bun itself, before the script (e.g. `--cpu-prof`). */
  bunArgs?: string[];
  /** The ceiling server's script (bench/ceiling.ts unless a bench brings its own). */
  ceilingScript?: string;
  /** Extra arguments of `satchel serve` (e.g. `--workers=2`, `--hookTimeout=0`). */
  serveArgs?: string[];
  /** Extra arguments of the ceiling (e.g. `--db=postgres://...`). */
  ceilingArgs?: string[];
  /** What the server prints once it serves, after its address (e.g. all workers started). */
  readyPattern?: RegExp;
  /** The checkout whose `src/main.ts` serves Satchel (this one unless given: another branch's, to compare). */
  tree?: string;
}

const root = resolve(import.meta.dir, "..");

/** commandFor is the command line of a server on a data directory, listening on a free loopback port. */
function commandFor(kind: ServerKind, dir: string, options: StartOptions): string[] {
  const bun = process.execPath;
  const bunArgs = options.bunArgs ?? [];
  if (kind === "satchel")
    return [
      bun,
      ...bunArgs,
      resolve(options.tree ?? root, "src/main.ts"),
      "serve",
      "--http=127.0.0.1:0",
      `--dir=${dir}`,
      ...(options.serveArgs ?? []),
    ];
  const script = options.ceilingScript ?? resolve(root, "bench/ceiling.ts");
  return [bun, ...bunArgs, script, "--http=127.0.0.1:0", `--dir=${dir}`, ...(options.ceilingArgs ?? [])];
}

/** startServer runs a server in its own process and resolves once it prints the address it listens on. */
export async function startServer(kind: ServerKind, dir: string, options: StartOptions): Promise<RunningBenchServer> {
  return { ...(await spawnServer(kind, commandFor(kind, dir, options), options.cpus, options.readyPattern)), kind };
}

/** A server process started by spawnServer. */
export type SpawnedServer = Omit<RunningBenchServer, "kind">;

/**
 * spawnServer runs a command line (pinned to cpus unless null) and resolves once the process prints the
 * address it listens on, as Satchel, PocketBase and the ceilings do (`Server started at http://...`), and then
 * what readyPattern matches when given (e.g. all workers started).
 */
export async function spawnServer(
  label: string,
  cmd: string[],
  cpus: string | null,
  readyPattern?: RegExp,
): Promise<SpawnedServer> {
  const proc = Bun.spawn(cpus === null ? cmd : ["taskset", "-c", cpus, ...cmd], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let url: string | null = null;
  const timeout = setTimeout(() => proc.kill(), 15_000);
  while (url === null) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    url = /(?:Server started at|Ceiling listening at) (http:\/\/[^\s]+)/.exec(seen)?.[1] ?? null;
  }
  while (url !== null && readyPattern && !readyPattern.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
  }
  clearTimeout(timeout);
  if (url === null) {
    const stderr = await new Response(proc.stderr).text();
    throw new Error(`${label} did not start:\n${seen}${stderr}`);
  }
  // keep draining stdout so the server never blocks on a full pipe
  void (async () => {
    while (!(await reader.read()).done) {}
  })();
  // BENCH_SERVER_STDERR=<file> keeps what the servers print on stderr (say, the JIT's reports of
  // BUN_JSC_reportDFGCompileTimes=1), appended to that file; otherwise it is read and dropped
  const keepStderr = process.env.BENCH_SERVER_STDERR;
  if (keepStderr) {
    void new Response(proc.stderr).text().then((t) => appendFileSync(keepStderr, `--- ${label} ${proc.pid}\n${t}`));
  } else void new Response(proc.stderr).text();
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port),
    pid: proc.pid,
    async stop() {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => null)]);
      if (exited === null) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
}

/** Whether CPU pinning is possible: taskset exists and there are at least two CPUs. */
export function canPin(): boolean {
  return navigator.hardwareConcurrency >= 2 && Bun.which("taskset") !== null;
}
