/**
 * npm test: the layer rules and the dashboard's build first (the browser tests and the executable serve the
 * dashboard as built from the sources being tested), then the test suite, with the typechecks (server and
 * dashboard) and the linter running beside it at a lower CPU priority (nice), so they use what the tests
 * leave idle and never slow them down. A failed check stops the tests. Then the API suites again on
 * PostgreSQL (or a line saying why they were skipped). Extra arguments go to `bun test` (e.g. a file
 * filter), and skip the PostgreSQL pass.
 */
import { checkLayers, checkUiImports } from "./check-layers.ts";
import { checkUi } from "./check-ui.ts";

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

/** The suites run on PostgreSQL too (SATCHEL_TEST_ENGINE=postgres): the app's API through the test helpers. */
const postgresSuites = [
  "tests/records",
  "tests/collections",
  "tests/auth",
  "tests/realtime",
  "tests/files",
  "tests/backups",
  "tests/search",
];
const filters = process.argv.slice(2);

// a test that drives servers can take several seconds on a loaded CI machine; a hang still fails at 20 s
process.stdout.write(`\n▶ tests (the typechecks and the linter run beside them; their outcome follows)\n`);
const tests = Bun.spawn([process.execPath, "test", "--timeout", "20000", ...filters], {
  stdout: "inherit",
  stderr: "inherit",
  cwd: root,
});
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
      tests.kill();
    }
    return done;
  }),
);
const testsCode = await tests.exited;
const checks = await Promise.all(beside);
const checksOk = checks.map(([label, o, at]) => (shown.has(label) ? false : show(label, o, at))).every(Boolean);
if (testsCode !== 0 && !failedCheck) process.stderr.write("\n✖ tests failed\n");
if (testsCode !== 0 || !checksOk) {
  process.stdout.write(`\n(npm test took ${seconds()} s)\n`);
  process.exit(testsCode || 1);
}

// the API suites again on PostgreSQL, when there is one (a server named by SATCHEL_TEST_POSTGRES_URL, or the
// local binaries to start a throwaway one); a filtered run is the developer's own choice of files
if (filters.length === 0) {
  const { postgresUnavailable, testServerUrl } = await import("../tests/db/postgres-server.ts");
  const reason = process.env.SATCHEL_TEST_SKIP_POSTGRES ? "SATCHEL_TEST_SKIP_POSTGRES is set" : postgresUnavailable();
  if (reason) process.stdout.write(`\n▶ the API tests on PostgreSQL were skipped: ${reason}\n`);
  else {
    process.stdout.write("\n▶ the API tests on PostgreSQL\n");
    // the server found or started here (stopped when this script ends) serves the whole pass; the child
    // gets it through its environment (a spawned process doesn't see later changes to process.env)
    const env = { SATCHEL_TEST_POSTGRES_URL: testServerUrl() ?? "", SATCHEL_TEST_ENGINE: "postgres" };
    const pg = Bun.spawn([process.execPath, "test", "--timeout", "20000", ...postgresSuites], {
      stdout: "inherit",
      stderr: "inherit",
      cwd: root,
      env: { ...process.env, ...env },
    });
    const pgCode = await pg.exited;
    if (pgCode !== 0) {
      process.stderr.write("\n✖ the API tests on PostgreSQL failed\n");
      process.stdout.write(`\n(npm test took ${seconds()} s)\n`);
      process.exit(pgCode);
    }
  }
}
process.stdout.write(`\n(npm test took ${seconds()} s)\n`);
