import { rm } from "node:fs/promises";

/**
 * Scratch directories shared by the test files of one `bun test` run (the data directory templates, the
 * compiled executable): removed once the whole run ends, by the global afterAll of tests/preload.ts (bun
 * fires no process exit event at the end of a test run).
 */
const dirs = new Set<string>();

/** removeAfterRun removes dir when the test run ends. */
export function removeAfterRun(dir: string): void {
  dirs.add(dir);
}

export async function removeRunScratch(): Promise<void> {
  await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
  dirs.clear();
}
