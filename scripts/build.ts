/**
 * npm run build: builds the dashboard (ui/ into ui/dist), then compiles src/main.ts with the Bun runtime
 * and the dashboard's files into dist/satchel, one executable that runs on a machine with neither Bun nor
 * Node. `--outfile=<path>` writes it elsewhere (the tests build into a temporary directory); `--no-ui` leaves
 * the dashboard out (the server then answers /_/ with how to get it); `--prebuilt-ui` embeds ui/dist as it
 * stands, without building it again (the tests do: `npm test` has just built it, and the browser tests,
 * running at the same time, read it). The build fails loudly: on a compiler
 * error, or when the result does not run `--version`.
 */
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import packageJson from "../package.json" with { type: "json" };
import { CompileError, compile } from "../src/cmd/compile.ts";

const root = resolve(import.meta.dir, "..");
const entry = join(root, "src", "main.ts");

function fail(message: string): never {
  process.stderr.write(`\n✖ build failed: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    outfile: { type: "string", default: join(root, "dist", "satchel") },
    "no-ui": { type: "boolean", default: false },
    "prebuilt-ui": { type: "boolean", default: false },
  },
  strict: true,
});
const outfile = resolve(values.outfile);

const started = performance.now();
const withUi = !values["no-ui"];
if (withUi && !values["prebuilt-ui"]) {
  // vite runs on Node, as `npm run build:ui` runs it
  const vite = Bun.spawnSync([join(root, "node_modules", ".bin", "vite"), "build", "--logLevel", "warn", "ui"], {
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  });
  if (vite.exitCode !== 0)
    fail(`the dashboard's build (vite build ui) exited with ${vite.exitCode ?? vite.signalCode}`);
}
// the same way a program embedding Satchel makes its executable (src/cmd/compile.ts)
const { size } = await compile({ entry, outfile, dashboard: withUi, typeScript: true }).catch((err: unknown) =>
  fail(err instanceof CompileError ? err.message : String(err)),
);

const check = Bun.spawnSync([outfile, "--version"], { stdout: "pipe", stderr: "pipe" });
const expected = `satchel version ${packageJson.version}`;
const printed = check.stdout.toString().trim();
if (check.exitCode !== 0 || printed !== expected) {
  fail(
    `${outfile} --version printed ${JSON.stringify(printed)} (exit ${check.exitCode}), expected "${expected}"\n${check.stderr}`,
  );
}

const mib = (size / (1024 * 1024)).toFixed(1);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const shown = relative(process.cwd(), outfile);
const what = withUi ? "with the dashboard" : "without the dashboard";
process.stdout.write(`✔ built ${shown.startsWith("..") ? outfile : shown} (${mib} MiB, ${what}) in ${seconds}s\n`);
