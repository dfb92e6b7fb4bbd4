/**
 * npm test: the typecheck (server and dashboard), the linter, the layer rules, the dashboard's build, the
 * test suite on SQLite, then the API suites on PostgreSQL (or a line saying why they were skipped); the
 * first failure stops it. Extra arguments go to `bun test` (e.g. a file filter), and skip the second pass.
 */
import { checkLayers, checkUiImports } from "./check-layers.ts";
import { checkUi } from "./check-ui.ts";

const bin = (name: string) => `${import.meta.dir}/../node_modules/.bin/${name}`;

/** The suites run on PostgreSQL too (SATCHEL_TEST_ENGINE=postgres): the app's API through the test helpers. */
const postgresSuites = ["tests/records", "tests/collections", "tests/auth", "tests/realtime", "tests/files"];

function run(label: string, cmd: string[], env: Record<string, string> = {}): void {
  process.stdout.write(`\n▶ ${label}\n`);
  const res = Bun.spawnSync(cmd, {
    stdout: "inherit",
    stderr: "inherit",
    cwd: `${import.meta.dir}/..`,
    env: { ...process.env, ...env },
  });
  if (res.exitCode !== 0) {
    process.stderr.write(`\n✖ ${label} failed\n`);
    process.exit(res.exitCode ?? 1);
  }
}

function report(label: string, problems: string[]): void {
  if (problems.length === 0) return;
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stderr.write(`\n✖ ${label} failed\n`);
  process.exit(1);
}

run("typecheck", [bin("tsc"), "--noEmit", "-p", "."]);
process.stdout.write("\n▶ typecheck the dashboard (svelte-check)\n");
report("dashboard typecheck", checkUi());
run("lint", [bin("biome"), "ci", "--colors=off", "."]);
process.stdout.write("\n▶ layers\n");
report("layers", [
  ...(await checkLayers(`${import.meta.dir}/../src`)),
  ...(await checkUiImports(`${import.meta.dir}/../ui/src`)),
]);
// the browser tests and the executable serve the dashboard as built from the sources being tested
run("build the dashboard", [bin("vite"), "build", "--logLevel", "warn", "ui"]);
// a test that drives servers can take several seconds on a loaded CI machine; a hang still fails at 20 s
const filters = process.argv.slice(2);
run("tests", [process.execPath, "test", "--timeout", "20000", ...filters]);

// the API suites again on PostgreSQL, when there is one (a server named by SATCHEL_TEST_POSTGRES_URL, or the
// local binaries to start a throwaway one); a filtered run is the developer's own choice of files
if (filters.length === 0) {
  const { postgresUnavailable, testServerUrl } = await import("../tests/db/postgres-server.ts");
  const reason = process.env.SATCHEL_TEST_SKIP_POSTGRES ? "SATCHEL_TEST_SKIP_POSTGRES is set" : postgresUnavailable();
  if (reason) process.stdout.write(`\n▶ the API tests on PostgreSQL were skipped: ${reason}\n`);
  else {
    // the server found or started here (stopped when this script ends) serves the whole pass
    const env = { SATCHEL_TEST_POSTGRES_URL: testServerUrl() ?? "", SATCHEL_TEST_ENGINE: "postgres" };
    run("the API tests on PostgreSQL", [process.execPath, "test", "--timeout", "20000", ...postgresSuites], env);
  }
}
