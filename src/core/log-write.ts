import { canInsertInBackground, type Queryable } from "../db/driver.ts";
import { insertPackedRows, type PackedRows, PackedRowsWriter, type PackedType } from "../db/packed-rows.ts";
import { type LogEntry, stringifyLogData } from "../tools/logger/logger.ts";
import { formatLogTime, logsTableName, newLogId } from "./log-model.ts";

/** The columns of `_logs` a log's packed row fills, and their types. */
const logColumns = ["id", "level", "message", "data", "created"] as const;
export const logRowTypes: readonly PackedType[] = ["text", "number", "text", "text", "text"];

/**
 * packLog packs an entry as its `_logs` row, with a new id and its creation time, when it is logged (so the
 * batch needs no more work before it is written); false when the row didn't fit (see PackedRowsWriter).
 */
export function packLog(entry: LogEntry, rows: PackedRowsWriter): boolean {
  rows.text(newLogId(entry.time));
  rows.number(entry.level);
  rows.text(entry.message);
  rows.text(stringifyLogData(entry.data));
  rows.text(formatLogTime(entry.time));
  return rows.endRow();
}

/**
 * insertPackedLogs writes packed logs to `_logs` in one transaction: through the driver's background
 * inserts (SQLite's worker thread, so that their file I/O never holds up requests), or, inside a
 * transaction, in it.
 */
export async function insertPackedLogs(db: Queryable, rows: PackedRows): Promise<void> {
  if (rows.count === 0) return;
  if (canInsertInBackground(db)) await db.insertRowsInBackground(logsTableName, logColumns, rows);
  else await insertPackedRows(db, logsTableName, logColumns, rows);
}

/** insertLogs writes entries to `_logs` in one transaction, each with a new id. */
export function insertLogs(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  const rows = new PackedRowsWriter(logRowTypes, { maxBytes: Number.POSITIVE_INFINITY });
  for (const e of entries) packLog(e, rows);
  return insertPackedLogs(db, rows.take());
}
