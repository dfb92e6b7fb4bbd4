/**
 * The dashboard's typecheck: svelte-check over ui/ (components and modules, TypeScript strict). The
 * dashboard imports the server's wire types, so the server files they come from are part of its program;
 * their diagnostics under the browser's libraries are left out here, since the server's own typecheck
 * (`tsc` at the root, with Bun's types) is the one that judges them.
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

/** checkUi runs svelte-check and returns the problems it found in ui/, one line each. */
export function checkUi(): string[] {
  const res = Bun.spawnSync(
    [
      join(uiDir, "node_modules", ".bin", "svelte-check"),
      "--tsconfig",
      "./tsconfig.json",
      "--output",
      "machine-verbose",
    ],
    { cwd: uiDir, stdout: "pipe", stderr: "pipe" },
  );
  const out = res.stdout.toString();
  if (!out.includes(" COMPLETED ")) {
    return [`svelte-check did not complete (exit ${res.exitCode}):\n${out}\n${res.stderr.toString()}`];
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
  const problems = checkUi();
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
