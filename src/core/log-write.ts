import type { Dialect } from "../db/dialect.ts";
import type { Queryable } from "../db/driver.ts";
import type { SqlValue } from "../db/sql.ts";
import type { LogEntry } from "../tools/logger/logger.ts";
import { formatLogTime, logsTableName, newLogId } from "./log-model.ts";

const columns = ["id", "level", "message", "data", "created"] as const;

/**
 * Rows per INSERT statement, largest first: a batch is written with as few statements as these sizes
 * allow, and only these few statements are ever prepared. One multi-row INSERT costs less per row than
 * as many single-row ones (measured: about a third less).
 */
const chunkSizes = [200, 50, 10, 1] as const;

const insertSqlCache = new WeakMap<Dialect, Map<number, string>>();

/** insertSql is the text of an INSERT of `rows` logs (kept, so the driver reuses its prepared statement). */
function insertSql(dialect: Dialect, rows: number): string {
  let byRows = insertSqlCache.get(dialect);
  if (!byRows) {
    byRows = new Map();
    insertSqlCache.set(dialect, byRows);
  }
  let text = byRows.get(rows);
  if (text === undefined) {
    const values: string[] = [];
    for (let r = 0; r < rows; r++) {
      const base = r * columns.length;
      values.push(`(${columns.map((_, c) => dialect.placeholder(base + c + 1)).join(", ")})`);
    }
    text = `INSERT INTO ${dialect.quote(logsTableName)} (${columns.map((c) => dialect.quote(c)).join(", ")}) VALUES ${values.join(", ")}`;
    byRows.set(rows, text);
  }
  return text;
}

/** A `_logs` row ready to insert: id, level, message, data (JSON text), created. */
export type LogRow = [id: string, level: number, message: string, data: string, created: string];

/** logRow is the row of an entry, with a new id. */
export function logRow(entry: LogEntry): LogRow {
  return [newLogId(entry.time), entry.level, entry.message, stringifyLogData(entry.data), formatLogTime(entry.time)];
}

/** insertLogRows writes rows to `_logs` in one transaction. */
export async function insertLogRows(db: Queryable, rows: readonly LogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    let i = 0;
    for (const size of chunkSizes) {
      while (rows.length - i >= size) {
        const params: SqlValue[] = new Array(size * columns.length);
        let p = 0;
        for (let r = i; r < i + size; r++) {
          for (const value of rows[r] as LogRow) params[p++] = value;
        }
        await tx.run(insertSql(tx.dialect, size), params);
        i += size;
      }
    }
  });
}

/** insertLogs writes entries to `_logs` in one transaction, each with a new id. */
export function insertLogs(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  return insertLogRows(db, entries.map(logRow));
}

/** stringifyLogData is the JSON of a log's data; data that can't be serialized (a cycle, a bigint) is replaced by why. */
function stringifyLogData(data: Record<string, unknown>): string {
  try {
    return JSON.stringify(data) ?? "{}";
  } catch (err) {
    return JSON.stringify({ logDataError: err instanceof Error ? err.message : String(err) });
  }
}
