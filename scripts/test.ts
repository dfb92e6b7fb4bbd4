/**
 * npm test: the layer rules and the dashboard's build first (the browser tests and the executable serve the
 * dashboard as built from the sources being tested), then the test passes at once (the browser tests, the
 * rest on SQLite, the app's suites again on PostgreSQL in two processes, or a line saying why they were
 * skipped), with the typechecks (server and dashboard) and the linter running beside them at a lower CPU
 * priority (nice), so they use what the tests leave idle and never slow them down. A failed check stops the tests. Extra
 * arguments go to `bun test` (e.g. a file filter), and skip the PostgreSQL pass.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statfsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { checkLayers, checkUiImports } from "./check-layers.ts";
import { checkUi } from "./check-ui.ts";
import { engineFiles } from "./engine-files.ts";

const root = `${import.meta.dir}/..`;
const bin = (name: string) => `${root}/node_modules/.bin/${name}`;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

/** The checks that only read the sources run niced, where the system has nice. */
const nice = Bun.which("nice");
const niced = (cmd: string[]) => (nice ? [nice, "-n", "10", ...cmd] : cmd);

/** A check's outcome: what it printed (shown whole once it ends, so outputs never interleave) and whether it passed. */
interface Outcome {
  output: string;
  ok: boolean;
}

async function run(cmd: string[]): Promise<Outcome> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: root });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { output: out + err, ok: code === 0 };
}

async function problems(found: Promise<string[]>): Promise<Outcome> {
  const list = await found;
  return { output: list.map((p) => `${p}\n`).join(""), ok: list.length === 0 };
}

/** show prints a check's outcome with when it ended; false when it failed. */
function show(label: string, outcome: Outcome, endedAt: string): boolean {
  process.stdout.write(`\n▶ ${label} (done at ${endedAt} s)\n${outcome.output}`);
  if (!outcome.ok) process.stderr.write(`\n✖ ${label} failed\n`);
  return outcome.ok;
}

const first = await Promise.all([
  problems(
    Promise.all([checkLayers(`${root}/src`), checkUiImports(`${root}/ui/src`)]).then(([src, ui]) => [...src, ...ui]),
  ).then((o) => ["layers", o, seconds()] as const),
  run([bin("vite"), "build", "--logLevel", "warn", "ui"]).then((o) => ["build the dashboard", o, seconds()] as const),
]);
if (!first.map(([label, o, at]) => show(label, o, at)).every(Boolean)) process.exit(1);

/**
 * The suites run again on PostgreSQL (SATCHEL_TEST_ENGINE=postgres): every folder or file whose tests reach
 * the database through the test helpers (tests/helpers/test-app.ts, api-scenario.ts), where the engine is
 * the only difference. Left out: the browser tests (the dashboard's code is engine-blind, and its server is
 * tested here), db/ (its driver conformance suite already runs on each engine), the command line and the
 * executable (which open a data directory's SQLite files), examples/, and cluster/'s processes (nodes.test.ts
 * runs on PostgreSQL by itself). Of these suites, only the files whose imports reach the engine helper run
 * (engine-files.ts): a file that never imports it (a parser's, the executable's, the command line's) would
 * only run a second time, unchanged. A test of something only SQLite has is skipped on PostgreSQL with its
 * reason (`sqliteOnly` in tests/helpers/test-engine.ts, a scenario's `sqliteOnly`). The suites are two
 * groups of about equal time, each its own `bun test` process: a PostgreSQL test spends most of its time
 * waiting on the server, so two at once finish in about half the time on the same cores.
 */
const postgresSuites = [
  ["tests/search", "tests/collections", "tests/auth", "tests/realtime", "tests/files", "tests/records"],
  [
    "tests/backups",
    "tests/api",
    "tests/fields",
    "tests/hooks",
    "tests/migrations",
    "tests/settings",
    "tests/typegen",
    "tests/logs",
    "tests/cli/serve.test.ts",
    "tests/cli/restart.test.ts",
    "tests/cluster/app-sync.test.ts",
  ],
];
/**
 * The browser tests run in one process of their own: one Chromium and one set of data directory templates
 * serve all their files (a Chromium start alone takes seconds on a busy machine).
 */
const browserSuites = ["tests/ui", "tests/dashboard"];
/**
 * The tests on SQLite are two `bun test` processes too: one process runs its files one after the other, and
 * the longest pass ends the run. The first group is the tests that run processes (the command line, the
 * executable, the cluster's nodes, the drivers' servers); the second, every other folder (and src/'s unit
 * tests), of about the same time. Both tests of the single-file executable are in the first, which builds it
 * once.
 */
const sqliteFirstGroup = [
  "tests/cli",
  "tests/cluster",
  "tests/db",
  "tests/examples",
  "tests/files/executable-thumbs.test.ts",
];
const filters = process.argv.slice(2);

// a test that drives servers can take several seconds on a loaded CI machine; a hang still fails at 20 s
const bunTest = [process.execPath, "test"];
/**
 * A browser test is a scenario of many steps, each of which fails on its own after 8 s (the page's
 * default timeout): on a busy machine a whole scenario can pass 20 s without anything hanging.
 */
const browserTimeout = "40000";
/**
 * PostgreSQL tests fail at 60 s, not 20: with every pass at once on two cores, a test database's DROP waited
 * over 40 s for the server's other sessions (one busy in another pass's long query) and failed the tests
 * around it (tests/README.md). Drops are now queued off the tests' path; the longer timeout stays until runs
 * show no stall. A hang still fails, at 60 s.
 */
const postgresTimeout = "60000";

/** A `bun test` process of the run: its output is kept and shown whole when it ends, so passes never interleave. */
interface Pass {
  label: string;
  outcome: Promise<Outcome & { at: string }>;
}

/**
 * The passes still running. Each runs in a process group of its own with what it starts (a built executable,
 * the browser), so that stopping a pass stops all of it; since the terminal's Ctrl+C no longer reaches
 * them, this script stops them when it ends, however it ends.
 */
const livePasses = new Set<Bun.Subprocess>();
function stopPasses(): void {
  for (const proc of livePasses) {
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      // the group has already ended
    }
  }
}
process.on("exit", stopPasses);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

function startPass(label: string, args: string[], env?: Record<string, string>): Pass {
  const timeout = args.includes("--timeout") ? [] : ["--timeout", "20000"];
  const proc = Bun.spawn([...bunTest, ...timeout, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    cwd: root,
    env: env ? { ...process.env, ...env } : process.env,
    detached: true,
  });
  livePasses.add(proc);
  const outcome = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]).then(
    ([out, err, code]) => {
      livePasses.delete(proc);
      return { output: out + err, ok: code === 0, at: seconds() };
    },
  );
  return { label, outcome };
}

/** A pass to run: a `bun test` process with its arguments and environment. */
interface PassSpec {
  label: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * The tests' scratch (data directories copied for each test app, the PostgreSQL cluster started here, the
 * executables built) goes to a folder in memory when the machine has a tmpfs at /dev/shm with room: every
 * test app makes and removes files, and PostgreSQL's `CREATE DATABASE ... TEMPLATE` and `DROP DATABASE`
 * make and remove a database's few hundred files. Measured on 2 shared cores: a create and drop cost the
 * server 10 ms of CPU on tmpfs against 45-115 ms on the disk's ext4, and SQLite's tests used 9% less CPU.
 * The folder is removed when this script ends; SATCHEL_TEST_DISK_SCRATCH=1 keeps the system's temporary
 * folder.
 */
function memoryScratch(): string | null {
  if (process.env.SATCHEL_TEST_DISK_SCRATCH) return null;
  try {
    const room = statfsSync("/dev/shm");
    const available = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
    const gib = 1024 ** 3;
    if (room.bavail * room.bsize < 2 * gib || Number(available ?? 0) * 1024 < 4 * gib) return null;
    const dir = mkdtempSync("/dev/shm/satchel-tests-");
    // as /tmp: the PostgreSQL cluster's folder inside belongs to the `postgres` user when we are root
    chmodSync(dir, 0o1777);
    return dir;
  } catch {
    return null;
  }
}
const scratch = memoryScratch();
if (scratch) process.env.TMPDIR = scratch;

/**
 * The passes: the browser tests, the rest on SQLite, and the app's suites again on PostgreSQL when there is
 * one (a server named by SATCHEL_TEST_POSTGRES_URL, or the local binaries to start a throwaway one). Extra
 * arguments (a file filter) run just those files, in one pass.
 */
const specs: PassSpec[] = [];
if (filters.length > 0) specs.push({ label: "tests", args: filters });
else {
  specs.push({ label: "browser tests", args: ["--timeout", browserTimeout, ...browserSuites] });
  const { postgresUnavailable, testServerUrl } = await import("../tests/db/postgres-server.ts");
  const reason = process.env.SATCHEL_TEST_SKIP_POSTGRES ? "SATCHEL_TEST_SKIP_POSTGRES is set" : postgresUnavailable();
  // the server found or started here (stopped when this script ends) serves every pass, the drivers' own
  // tests on SQLite's passes included; a child gets it through its environment (a spawned process doesn't
  // see later changes to process.env)
  const server: Record<string, string> = reason ? {} : { SATCHEL_TEST_POSTGRES_URL: testServerUrl() ?? "" };
  const ignored = (paths: string[]) =>
    paths.map((path) => `--path-ignore-patterns=${path.endsWith(".ts") ? path : `${path}/**`}`);
  specs.push({ label: "tests on SQLite (1/2)", args: sqliteFirstGroup.map((path) => `./${path}`), env: server });
  specs.push({
    label: "tests on SQLite (2/2)",
    args: ignored([...browserSuites, ...sqliteFirstGroup]),
    env: server,
  });
  if (reason) process.stdout.write(`\n▶ the tests on PostgreSQL are skipped: ${reason}\n`);
  else {
    const env = { ...server, SATCHEL_TEST_ENGINE: "postgres" };
    for (const [i, suites] of postgresSuites.entries())
      specs.push({
        label: `tests on PostgreSQL (${i + 1}/${postgresSuites.length})`,
        args: ["--timeout", postgresTimeout, ...engineFiles(root, suites).map((file) => `./${file}`)],
        env,
      });
  }
}

// removed after the PostgreSQL cluster in it is stopped (an exit handler of postgres-server.ts, added first)
if (scratch) process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/**
 * The passes run at once when the machine is idle enough: one `bun test` runs its files one after the
 * other on one core, and much of a browser test's time is spent waiting on the browser, and of a
 * PostgreSQL test's on the server, so together they fill the cores. On a machine already busy (a load
 * average at or above its number of cores) they run one after the other, as more processes would only
 * stretch each test towards its timeout. SATCHEL_TEST_CONCURRENT=1 or 0 decides instead. (`bun test
 * --parallel` inside a pass was tried: each file then starts in a fresh global, so every browser file
 * launches its own Chromium and every file rebuilds the data directory templates, and on a loaded machine
 * the extra processes pushed slow setups past the 20 s timeout.)
 */
const cores = availableParallelism();
const load = loadavg()[0] ?? 0;
const concurrent =
  process.env.SATCHEL_TEST_CONCURRENT !== undefined ? process.env.SATCHEL_TEST_CONCURRENT === "1" : load < cores;
process.stdout.write(
  `\n▶ ${specs.map((p) => p.label).join(", ")}: ${concurrent ? "at once" : "one after the other"} (load average ${load.toFixed(1)} on ${cores} cores; the typechecks and the linter run beside them; each outcome follows as it ends)\n`,
);

let failedCheck = false;
const shown = new Set<string>();
const beside = [
  ["typecheck", run(niced([bin("tsc"), "--noEmit", "-p", "."]))],
  ["typecheck the dashboard (svelte-check)", problems(checkUi(niced))],
  ["lint", run(niced([bin("biome"), "ci", "--colors=off", "."]))],
].map(([label, outcome]) =>
  (outcome as Promise<Outcome>).then((o) => {
    const done = [label as string, o, seconds()] as const;
    if (!o.ok && !failedCheck) {
      // no use waiting for the tests of a tree that doesn't typecheck or lint
      failedCheck = true;
      shown.add(done[0]);
      show(...done);
      stopPasses();
    }
    return done;
  }),
);
/** runPass starts a pass and shows its outcome when it ends; true when it passed. */
function runPass(spec: PassSpec): Promise<boolean> {
  const pass = startPass(spec.label, spec.args, spec.env);
  return pass.outcome.then((o) => {
    if (!failedCheck) show(pass.label, o, o.at);
    return o.ok;
  });
}

let passesOk: boolean[];
if (concurrent) passesOk = await Promise.all(specs.map(runPass));
else {
  passesOk = [];
  // one after the other; a failed pass (or check) stops the rest
  for (const spec of specs) {
    if (failedCheck || passesOk.includes(false)) break;
    passesOk.push(await runPass(spec));
  }
}
const checks = await Promise.all(beside);
const checksOk = checks.map(([label, o, at]) => (shown.has(label) ? false : show(label, o, at))).every(Boolean);
process.stdout.write(`\n(npm test took ${seconds()} s)\n`);
if (!passesOk.every(Boolean) || !checksOk) process.exit(1);
