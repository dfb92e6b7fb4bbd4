/**
 * npm test: the checks (the typecheck of the server and of the dashboard, the linter, the layer rules, the
 * dashboard's build), run at once since none needs another's result, then the test suite. A failed check
 * stops it before the tests. Extra arguments go to `bun test` (e.g. a file filter).
 */
import { checkLayers, checkUiImports } from "./check-layers.ts";
import { checkUi } from "./check-ui.ts";

const root = `${import.meta.dir}/..`;
const bin = (name: string) => `${root}/node_modules/.bin/${name}`;

/** A check's outcome: what it printed (shown whole, after it ends, so outputs never interleave) and whether it passed. */
interface Outcome {
  output: string;
  ok: boolean;
  /** When it ended, in ms since the start. */
  endedAt?: number;
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

const started = performance.now();
const check = (label: string, outcome: Promise<Outcome>) =>
  [label, outcome.then((o) => ({ ...o, endedAt: performance.now() - started }))] as const;
const checks = [
  check("typecheck", run([bin("tsc"), "--noEmit", "-p", "."])),
  check("typecheck the dashboard (svelte-check)", problems(checkUi())),
  check("lint", run([bin("biome"), "ci", "--colors=off", "."])),
  check(
    "layers",
    problems(
      Promise.all([checkLayers(`${root}/src`), checkUiImports(`${root}/ui/src`)]).then(([src, ui]) => [...src, ...ui]),
    ),
  ),
  // the browser tests and the executable serve the dashboard as built from the sources being tested
  check("build the dashboard", run([bin("vite"), "build", "--logLevel", "warn", "ui"])),
];
const failed: string[] = [];
for (const [label, outcome] of checks) {
  const { output, ok, endedAt = 0 } = await outcome;
  process.stdout.write(`\n▶ ${label} (done at ${(endedAt / 1000).toFixed(1)} s)\n${output}`);
  if (!ok) {
    process.stderr.write(`\n✖ ${label} failed\n`);
    failed.push(label);
  }
}
if (failed.length > 0) process.exit(1);
process.stdout.write(`\n(checks took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

// a test that drives servers can take several seconds on a loaded CI machine; a hang still fails at 20 s
process.stdout.write("\n▶ tests\n");
const tests = Bun.spawnSync([process.execPath, "test", "--timeout", "20000", ...process.argv.slice(2)], {
  stdout: "inherit",
  stderr: "inherit",
  cwd: root,
});
if (tests.exitCode !== 0) {
  process.stderr.write("\n✖ tests failed\n");
  process.exit(tests.exitCode ?? 1);
}
