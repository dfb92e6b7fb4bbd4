/**
 * npm test: the typecheck (server and dashboard), the linter, the layer rules, the dashboard's build, then
 * the test suite; the first failure stops it. Extra arguments go to `bun test` (e.g. a file filter).
 */
import { checkLayers, checkUiImports } from "./check-layers.ts";
import { checkUi } from "./check-ui.ts";

const bin = (name: string) => `${import.meta.dir}/../node_modules/.bin/${name}`;

function run(label: string, cmd: string[]): void {
  process.stdout.write(`\n▶ ${label}\n`);
  const res = Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit", cwd: `${import.meta.dir}/..` });
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
run("tests", [process.execPath, "test", "--timeout", "20000", ...process.argv.slice(2)]);
