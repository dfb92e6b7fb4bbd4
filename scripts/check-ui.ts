/**
 * The dashboard's typecheck: svelte-check over ui/ (components and modules, TypeScript strict). The
 * dashboard imports the server's wire types, so the server files they come from are part of its program;
 * their diagnostics under the browser's libraries are left out here, since the server's own typecheck
 * (`tsc` at the root, with Bun's types) is the one that judges them. `--tsgo` hands the TypeScript part to
 * TypeScript 7's native compiler (ui's `@typescript/native`, the same version as the root's `typescript`):
 * about twice as fast as TypeScript 6's API, with the same diagnostics; it writes the components as
 * TypeScript under ui/.svelte-check (ignored by git).
 */
import { join, resolve } from "node:path";

const uiDir = resolve(import.meta.dir, "..", "ui");

interface Diagnostic {
  type: "ERROR" | "WARNING";
  filename: string;
  start: { line: number; character: number };
  message: string;
  code?: number | string;
  source?: string;
}

/**
 * checkUi runs svelte-check and returns the problems it found in ui/, one line each; `wrap` may prefix the
 * command (npm test runs it niced).
 */
export async function checkUi(wrap: (cmd: string[]) => string[] = (cmd) => cmd): Promise<string[]> {
  const proc = Bun.spawn(
    wrap([
      join(uiDir, "node_modules", ".bin", "svelte-check"),
      "--tsgo",
      "--tsconfig",
      "./tsconfig.json",
      "--output",
      "machine-verbose",
    ]),
    { cwd: uiDir, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (!out.includes(" COMPLETED ")) {
    return [`svelte-check did not complete (exit ${exitCode}):\n${out}\n${err}`];
  }
  const problems: string[] = [];
  for (const line of out.split("\n")) {
    const json = line.slice(line.indexOf(" ") + 1);
    if (!json.startsWith("{")) continue;
    const d = JSON.parse(json) as Diagnostic;
    if (d.filename.startsWith("..")) continue;
    problems.push(
      `ui/${d.filename}:${d.start.line + 1}:${d.start.character + 1} ${d.type.toLowerCase()}: ${d.message}${d.code ? ` (${d.source ?? "ts"} ${d.code})` : ""}`,
    );
  }
  return problems;
}

if (import.meta.main) {
  const problems = await checkUi();
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
