/**
 * PostgreSQL for tests: the server named by SATCHEL_TEST_POSTGRES_URL (CI starts one), or else a throwaway
 * cluster started from the locally installed binaries in a temporary folder, listening on 127.0.0.1 only
 * (run as the `postgres` user when the tests run as root, since the server refuses root). Each test file
 * takes a fresh database and drops it afterwards. Without either, `postgresUnavailable` says why, and the
 * PostgreSQL tests are skipped with that reason.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

/** The folder of PostgreSQL's server binaries (initdb, postgres, pg_ctl), newest version first, or null. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(root, v, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) ?? null;
}

const asRoot = process.getuid?.() === 0;

/** run runs a PostgreSQL binary, as the `postgres` user when we are root; throws with its output on failure. */
function run(cmd: string[]): void {
  const full = asRoot ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  const res = Bun.spawnSync(full, { stdout: "pipe", stderr: "pipe" });
  if (res.exitCode !== 0) {
    throw new Error(`${cmd.join(" ")} failed (${res.exitCode}): ${res.stderr.toString()}${res.stdout.toString()}`);
  }
}

const shellQuote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** PostgresCluster is a server this process started and owns: it can be stopped and started again. */
export class PostgresCluster {
  readonly port: number;
  #running = false;

  private constructor(
    readonly bin: string,
    readonly dir: string,
  ) {
    this.port = freePort();
  }

  /** The superuser's URL for a database of this server. */
  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** create initializes a cluster in a new temporary folder and starts it. */
  static create(bin: string): PostgresCluster {
    const dir = mkdtempSync(join(tmpdir(), "satchel-pg-"));
    if (asRoot) Bun.spawnSync(["chown", "postgres:", dir]);
    const cluster = new PostgresCluster(bin, dir);
    liveClusters.add(cluster);
    run([join(bin, "initdb"), "-D", join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    cluster.start();
    cluster.#watchOwner();
    return cluster;
  }

  /**
   * watchOwner starts a watcher in a session of its own that stops the server and removes its folder once this
   * process is gone: a test process killed outright (SIGKILL, a timeout killing its process group) runs no exit
   * handler, and its server would otherwise run on, orphaned.
   */
  #watchOwner(): void {
    const stop = [join(this.bin, "pg_ctl"), "stop", "-m", "immediate", "-D", join(this.dir, "data")];
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ${(asRoot ? ["runuser", "-u", "postgres", "--", ...stop] : stop).map(shellQuote).join(" ")} >/dev/null 2>&1; rm -rf ${shellQuote(this.dir)}`;
    const watcher = Bun.spawn(["setsid", "sh", "-c", script], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    watcher.unref();
  }

  start(): void {
    // loopback TCP only, no unix socket; fsync off: a test cluster needs no durability against power loss (a crashed server still recovers every commit)
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -c unix_socket_directories='' -c fsync=off -c full_page_writes=off -c max_connections=200`;
    run([
      join(this.bin, "pg_ctl"),
      "start",
      "-w",
      "-t",
      "60",
      "-D",
      join(this.dir, "data"),
      "-l",
      join(this.dir, "log"),
      "-o",
      options,
    ]);
    this.#running = true;
  }

  /** stop shuts the server down: `immediate` drops every connection at once, as a crash would. */
  stop(mode: "fast" | "immediate" = "fast"): void {
    if (!this.#running) return;
    run([join(this.bin, "pg_ctl"), "stop", "-w", "-m", mode, "-D", join(this.dir, "data")]);
    this.#running = false;
  }

  /** destroy stops the server and removes its folder. */
  destroy(): void {
    try {
      this.stop("immediate");
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      liveClusters.delete(this);
    }
  }
}

// clusters are stopped however the test process ends
const liveClusters = new Set<PostgresCluster>();
function destroyAll(): void {
  for (const c of liveClusters) {
    try {
      c.destroy();
    } catch {
      // the process is ending: nothing more can be done about a cluster that won't stop
    }
  }
}
process.on("exit", destroyAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    destroyAll();
    process.exit(130);
  });
}

let shared: { url: (db: string) => string } | null | undefined;
let unavailable: string | null = null;

function sharedServer(): { url: (db: string) => string } | null {
  if (shared !== undefined) return shared;
  const given = process.env.SATCHEL_TEST_POSTGRES_URL;
  if (given) {
    shared = {
      url: (db) => {
        const u = new URL(given);
        u.pathname = `/${db}`;
        return u.toString();
      },
    };
    return shared;
  }
  const bin = findPostgresBin();
  if (!bin) {
    unavailable = "no PostgreSQL server binaries (initdb, pg_ctl) found and SATCHEL_TEST_POSTGRES_URL is not set";
    shared = null;
    return shared;
  }
  try {
    const cluster = PostgresCluster.create(bin);
    shared = { url: (db) => cluster.url(db) };
  } catch (err) {
    unavailable = `could not start a PostgreSQL cluster from ${bin}: ${err instanceof Error ? err.message : String(err)}`;
    shared = null;
  }
  return shared;
}

/**
 * postgresUnavailable is null when PostgreSQL tests can run, else the reason they can't: check it at a test
 * file's top level and skip (`describe.skipIf`) with the reason printed.
 */
export function postgresUnavailable(): string | null {
  sharedServer();
  return unavailable;
}

/** testServerUrl is the URL of the test server's `postgres` database, or null when there is none. */
export function testServerUrl(): string | null {
  return sharedServer()?.url("postgres") ?? null;
}

/** A database made for one test file, dropped by `drop()`. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
  /**
   * dropLater hands the database to this process's queue of drops and returns at once (nothing may use it
   * any more): a test's teardown doesn't wait on the drop (see `pendingDrops`).
   */
  dropLater(): void;
}

/**
 * The drops handed over by dropLater, run one at a time. PostgreSQL's DROP DATABASE waits until every
 * session of the server has released its files (a wait on `ProcSignalBarrier`), which a session busy in a
 * long query of another test process does only when that query ends: seen holding a drop while one of
 * search/placement's reference queries ran on, 10 s and counting, at a load average near 20. A teardown that
 * waited on it went past its timeout. Waited for, within a bound, at the end of the run (tests/preload.ts).
 */
let pendingDrops: Promise<void> = Promise.resolve();
let queuedDrops = 0;

/**
 * dropsSettled waits up to `timeoutMs` for the queued drops; those still queued then are left to the server
 * (a throwaway one is removed with them; a server named by SATCHEL_TEST_POSTGRES_URL keeps them, named).
 */
export async function dropsSettled(timeoutMs: number): Promise<void> {
  if (queuedDrops === 0) return;
  const late = Symbol("late");
  const outcome = await Promise.race([pendingDrops, Bun.sleep(timeoutMs).then(() => late)]);
  if (outcome === late)
    process.stderr.write(`${queuedDrops} test databases (satchel_test_${process.pid}_*) were not dropped yet\n`);
}

/**
 * createTestDatabase makes a fresh, empty database on the test server, or a copy of `template` (a test
 * database no connection is open on); the copy is a file copy, which is quick for a small database. With
 * `icuLocale`, the new database's default collation is that ICU locale's (as a server set up for a language
 * has), instead of the test server's byte order.
 */
export async function createTestDatabase(
  options: { template?: string; icuLocale?: string } = {},
): Promise<TestDatabase> {
  const server = sharedServer();
  if (!server) throw new Error(`PostgreSQL is unavailable: ${unavailable}`);
  const name = `satchel_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const from = options.template
    ? ` TEMPLATE ${options.template} STRATEGY FILE_COPY`
    : options.icuLocale
      ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}'`
      : "";
  const admin = postgres(server.url("postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}${from}`);
  } finally {
    await admin.end();
  }
  const drop = async () => {
    const a = postgres(server.url("postgres"), { max: 1, onnotice: () => {} });
    const slow = setTimeout(() => void reportWaits(server.url("postgres"), `DROP DATABASE ${name}`), slowDropMs);
    try {
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      clearTimeout(slow);
      await a.end();
    }
  };
  return {
    name,
    url: server.url(name),
    drop,
    dropLater() {
      queuedDrops++;
      pendingDrops = pendingDrops
        .then(drop)
        .catch((err: unknown) => {
          process.stderr.write(`dropping the test database ${name} failed: ${String(err)}\n`);
        })
        .finally(() => queuedDrops--);
    },
  };
}

/** How long a DROP DATABASE may take before what the server's sessions wait on is printed. */
const slowDropMs = 5000;

/**
 * reportWaits prints what the server's sessions are doing and waiting on, for a statement still running after
 * slowDropMs: under four test passes at once, test databases' teardowns once took over 20 s with no sign of why.
 */
async function reportWaits(url: string, what: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await sql<Record<string, unknown>[]>`
      SELECT pid, datname, backend_type, state, wait_event_type, wait_event,
        round(extract(epoch FROM now() - query_start)::numeric, 1) AS seconds, left(query, 100) AS query
      FROM pg_stat_activity
      WHERE pid <> pg_backend_pid() AND (state IS DISTINCT FROM 'idle' OR backend_type <> 'client backend')`;
    const lines = rows.map((r) => `  ${JSON.stringify(r)}`).join("\n");
    process.stderr.write(`${what} still runs after ${slowDropMs / 1000} s; the server's sessions:\n${lines}\n`);
  } catch (err) {
    process.stderr.write(`${what} still runs after ${slowDropMs / 1000} s (no session list: ${String(err)})\n`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** skipNote prints, once, why the PostgreSQL tests of a file were skipped. */
export function skipNote(file: string, reason: string): void {
  process.stdout.write(`PostgreSQL tests of ${file} skipped: ${reason}\n`);
}
