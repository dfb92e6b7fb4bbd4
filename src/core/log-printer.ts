import { type LogEntry, LogLevel, levelName } from "../tools/logger/logger.ts";

/**
 * formatLogEntry renders an entry for the console: the level and message, then the error and its details
 * for a failed request, or the data of any other entry, each on a line of its own.
 */
export function formatLogEntry(entry: LogEntry): string {
  let out = `${new Date(entry.time).toISOString()} ${levelName(entry.level)} ${entry.message}\n`;
  const data = entry.data;
  if (data.type === "request") {
    let indent = "";
    for (const key of ["error", "details"]) {
      const value = data[key];
      if (value === undefined || value === null) continue;
      out += `${indent}└─ ${typeof value === "string" ? value : safeJson(value)}\n`;
      indent += "   ";
    }
  } else if (Object.keys(data).length > 0) {
    out += `└─ ${safeJson(data)}\n`;
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * consoleLogSink prints entries to stderr: every entry with `--dev`; otherwise warnings and errors, except
 * request logs (a failed request is the client's answer, not a server problem).
 */
export function consoleLogSink(isDev: boolean): { write(entry: LogEntry): void } {
  return {
    write(entry) {
      if (!isDev && (entry.level < LogLevel.warn || entry.data.type === "request")) return;
      process.stderr.write(formatLogEntry(entry));
    },
  };
}
