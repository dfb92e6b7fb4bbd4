import { rm } from "node:fs/promises";

/**
 * What the test files of one `bun test` process share (the data directory templates, the compiled
 * executable, the browser): released once the run ends, by the global afterAll of tests/preload.ts (bun
 * fires no process exit event at the end of a test run). Under `bun test --parallel` each file runs in a
 * fresh global, and that afterAll fires after each file: they are then made and released once per file.
 */
const dirs = new Set<string>();
const closers = new Set<() => Promise<void>>();

/** removeAfterRun removes dir when the test run ends. */
export function removeAfterRun(dir: string): void {
  dirs.add(dir);
}

/** closeAfterRun calls close when the test run ends (a browser, a server shared by several files). */
export function closeAfterRun(close: () => Promise<void>): void {
  closers.add(close);
}

export async function removeRunScratch(): Promise<void> {
  const closing = [...closers];
  closers.clear();
  await Promise.all(closing.map((close) => close().catch(() => {})));
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
  dirs.clear();
}
