import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import packageJson from "../../package.json" with { type: "json" };
import { runCli } from "../../src/cmd/cli.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

/** Helpers to run the `satchel` command line as a real process. */

export const repoRoot = resolve(import.meta.dir, "../..");

/** The command that runs the CLI from source: `bun src/main.ts`. */
export const fromSource = [process.execPath, join(repoRoot, "src", "main.ts")];

export interface RunOptions {
  /** The command to run (default: the CLI from source). */
  cmd?: readonly string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** What the process reads on its standard input (nothing when left out). */
  stdin?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runSatchel runs one command to its end (killed after the timeout) and collects its output. */
export async function runSatchel(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const proc = Bun.spawn([...(options.cmd ?? fromSource), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? { ...process.env },
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: options.timeoutMs ?? 15_000,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/**
 * runInProcess runs one command line through runCli in this process, with the app src/main.ts builds, and
 * collects what it prints: the same command tree, flags, messages and exit codes as runSatchel, without the
 * cost of a process that loads and compiles the whole program. Only for commands that end on their own (a
 * serve that starts would wait for a stop signal that never comes).
 */
export async function runInProcess(args: readonly string[], options: { stdin?: string } = {}): Promise<RunResult> {
  const result: RunResult = { code: -1, stdout: "", stderr: "" };
  const lines = options.stdin === undefined ? [] : options.stdin.split("\n");
  result.code = await runCli([...args], {
    version: packageJson.version,
    io: {
      out: (t) => {
        result.stdout += t;
      },
      err: (t) => {
        result.stderr += t;
      },
      readLine: async () => lines.shift() ?? null,
    },
    makeApp: async ({ dir, dev, queryTimeout, encryptionEnv }) =>
      createApp({
        dataDir: dir,
        isDev: dev,
        openDatabase: (path) => new SqliteDriver(path, queryTimeout > 0 ? { queryTimeoutMs: queryTimeout * 1000 } : {}),
        migrations: systemMigrations,
        encryptionEnv,
      }),
    onStopSignal: () => () => {},
  });
  return result;
}

/** Collects a stream's text as it arrives, so a test can wait for a line. */
class TextCollector {
  text = "";
  #waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        this.text += decoder.decode(chunk, { stream: true });
        for (const w of this.#waiters.splice(0)) w();
      }
      for (const w of this.#waiters.splice(0)) w();
    })();
  }

  /** waitFor resolves with the first match of pattern, or throws after timeoutMs or at the end of the stream. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    this.done.then(() => {
      ended = true;
    });
    for (;;) {
      const m = this.text.match(pattern);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0 || ended) throw new Error(`no ${pattern} in output:\n${this.text}`);
      await Promise.race([new Promise<void>((r) => this.#waiters.push(r)), Bun.sleep(Math.min(left, 100))]);
    }
  }
}

/** ServeProcess is a running `satchel serve` on a free loopback port. */
export class ServeProcess {
  private constructor(
    readonly proc: Subprocess<"ignore", "pipe", "pipe">,
    readonly stdout: TextCollector,
    readonly stderr: TextCollector,
    readonly url: string,
  ) {}

  /** start runs `serve --http=127.0.0.1:0 --dir=<dir> [args]` and waits for the banner that names the address. */
  static async start(
    dir: string,
    options: Omit<RunOptions, "timeoutMs"> & { args?: readonly string[]; readyTimeoutMs?: number } = {},
  ): Promise<ServeProcess> {
    const cmd = [
      ...(options.cmd ?? fromSource),
      "serve",
      "--http=127.0.0.1:0",
      `--dir=${dir}`,
      ...(options.args ?? []),
    ];
    const proc = Bun.spawn(cmd, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? { ...process.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = new TextCollector(proc.stdout);
    const stderr = new TextCollector(proc.stderr);
    try {
      const m = await stdout.waitFor(/Server started at (http:\/\/\S+)/, options.readyTimeoutMs ?? 15_000);
      return new ServeProcess(proc, stdout, stderr, m[1] ?? "");
    } catch (err) {
      proc.kill("SIGKILL");
      throw new Error(`serve did not start: ${err}\nstderr:\n${stderr.text}`);
    }
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  /** exit resolves with the exit code; it kills the process and throws when it takes longer than timeoutMs. */
  async exit(timeoutMs: number): Promise<number> {
    const timedOut = Symbol("timeout");
    const code = await Promise.race([this.proc.exited, Bun.sleep(timeoutMs).then(() => timedOut)]);
    if (code === timedOut) {
      this.proc.kill("SIGKILL");
      throw new Error(`serve did not exit within ${timeoutMs} ms\nstdout:\n${this.stdout.text}`);
    }
    await Promise.all([this.stdout.done, this.stderr.done]);
    return code as number;
  }

  /** kill stops the process with SIGKILL (a crash) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.proc.kill("SIGKILL");
    await this.proc.exited;
  }
}
