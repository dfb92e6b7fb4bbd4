/** The logs table of the auxiliary database. */
export const logsTableName = "_logs";

/** Log is one row of `_logs`, as the logs API answers it. */
export interface Log {
  id: string;
  created: string;
  data: Record<string, unknown>;
  message: string;
  level: number;
}

/** logFromRow reads a `_logs` row (its data column is JSON text). */
export function logFromRow(row: Record<string, unknown>): Log {
  return {
    id: String(row.id ?? ""),
    created: String(row.created ?? ""),
    data: parseLogData(row.data),
    message: String(row.message ?? ""),
    level: Number(row.level ?? 0),
  };
}

function parseLogData(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "string" || raw === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
