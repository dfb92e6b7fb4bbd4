/**
 * npm test: the typecheck, the linter, the layer rules, then the test suite; the first failure stops it.
 * Extra arguments go to `bun test` (e.g. a file filter).
 */
import { checkLayers } from "./check-layers.ts";

const bin = (name: string) => `${import.meta.dir}/../node_modules/.bin/${name}`;

function run(label: string, cmd: string[]): void {
  process.stdout.write(`\n▶ ${label}\n`);
  const res = Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit", cwd: `${import.meta.dir}/..` });
  if (res.exitCode !== 0) {
    process.stderr.write(`\n✖ ${label} failed\n`);
    process.exit(res.exitCode ?? 1);
  }
}

run("typecheck", [bin("tsc"), "--noEmit", "-p", "."]);
run("lint", [bin("biome"), "ci", "--colors=off", "."]);
process.stdout.write("\n▶ layers\n");
const violations = await checkLayers(`${import.meta.dir}/../src`);
if (violations.length > 0) {
  for (const v of violations) process.stderr.write(`${v}\n`);
  process.stderr.write("\n✖ layers failed\n");
  process.exit(1);
}
// a test that drives servers can take several seconds on a loaded CI machine; a hang still fails at 20 s
run("tests", [process.execPath, "test", "--timeout", "20000", ...process.argv.slice(2)]);
