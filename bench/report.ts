/** How the benches summarize and print their runs. */
import { median } from "./harness.ts";
import type { LoadResult } from "./load.ts";

/**
 * perCpuSecond is how many requests the server answered per second of CPU it used, the database server's
 * included when it was measured (PostgreSQL's backends do a part of the work), NaN when unknown.
 */
export function perCpuSecond(res: LoadResult): number {
  const cpu = (res.serverCpuSeconds ?? 0) + (res.databaseCpuSeconds ?? 0);
  return res.serverCpuSeconds ? res.requests / cpu : Number.NaN;
}

/** summary is the medians of a server's runs of one workload. */
function summary(xs: LoadResult[]) {
  return {
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    perCpuSecond: median(xs.map(perCpuSecond)),
  };
}

/** formatRun is the log line of one measured run. */
export function formatRun(r: number, kind: string, name: string, res: LoadResult, seconds: number): string {
  const db =
    res.databaseCpuSeconds === undefined ? "" : ` + database ${((100 * res.databaseCpuSeconds) / seconds).toFixed(0)}%`;
  const cpu =
    res.serverCpuSeconds === undefined
      ? ""
      : `  server CPU ${((100 * res.serverCpuSeconds) / seconds).toFixed(0)}%${db}, ${perCpuSecond(res).toFixed(0)} req/CPU-s`;
  return (
    `  #${r + 1} ${kind.padEnd(7)} ${name.padEnd(6)} ${res.rps.toFixed(0).padStart(7)} req/s` +
    `  p50 ${res.p50.toFixed(2)} ms  p99 ${res.p99.toFixed(2)} ms${cpu}`
  );
}

/** renderTable aligns rows of cells under their header (first column left, the others right). */
function renderTable(lines: string[][]): string {
  const widths = (lines[0] ?? []).map((_, i) => Math.max(...lines.map((line) => (line[i] ?? "").length)));
  const render = (line: string[]) =>
    line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const [head, ...body] = lines;
  return [render(head ?? []), widths.map((n) => "-".repeat(n)).join("  "), ...body.map(render)].join("\n");
}

/** mark prints a ratio to the ceiling, flagged below the 0.7 target. */
const mark = (ratio: number) => (Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(2)}${ratio >= 0.7 ? "" : " (<0.7)"}`);

/** A workload's medians on both servers and their ratios. */
export interface ComparisonRow {
  workload: string;
  title: string;
  satchel: ReturnType<typeof summary>;
  ceiling: ReturnType<typeof summary>;
  ratio: number;
  cpuRatio: number;
}

/** compare summarizes a workload's runs on both servers. */
export function compare(workload: string, title: string, satchel: LoadResult[], ceiling: LoadResult[]): ComparisonRow {
  const s = summary(satchel);
  const c = summary(ceiling);
  return { workload, title, satchel: s, ceiling: c, ratio: s.rps / c.rps, cpuRatio: s.perCpuSecond / c.perCpuSecond };
}

/** comparisonTable renders the rows as the benches print them. */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  return renderTable([
    ["workload", "satchel req/s", "p50 ms", "p99 ms", "ceiling req/s", "p50 ms", "p99 ms", "ratio", "ratio per CPU-s"],
    ...rows.map((row) => [
      row.title,
      row.satchel.rps.toFixed(0),
      row.satchel.p50.toFixed(2),
      row.satchel.p99.toFixed(2),
      row.ceiling.rps.toFixed(0),
      row.ceiling.p50.toFixed(2),
      row.ceiling.p99.toFixed(2),
      mark(row.ratio),
      mark(row.cpuRatio),
    ]),
  ]);
}

/** markOnOff prints a logs-on ÷ logs-off ratio, flagged below the 0.95 target. */
const markOnOff = (ratio: number) =>
  Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(3)}${ratio >= 0.95 ? "" : " (<0.95)"}`;

/** logsComparisonTable renders rows comparing Satchel with request logs on (`satchel`) and off (`ceiling`). */
export function logsComparisonTable(rows: readonly ComparisonRow[]): string {
  return renderTable([
    ["workload", "logs on req/s", "p50 ms", "p99 ms", "logs off req/s", "p50 ms", "p99 ms", "on ÷ off", "per CPU-s"],
    ...rows.map((row) => [
      row.title,
      row.satchel.rps.toFixed(0),
      row.satchel.p50.toFixed(2),
      row.satchel.p99.toFixed(2),
      row.ceiling.rps.toFixed(0),
      row.ceiling.p50.toFixed(2),
      row.ceiling.p99.toFixed(2),
      markOnOff(row.ratio),
      markOnOff(row.cpuRatio),
    ]),
  ]);
}
