import type { Dialect } from "../db/dialect.ts";
import { canWriteInBackground, type Queryable } from "../db/driver.ts";
import type { SqlValue, Statement } from "../db/sql.ts";
import { type EncodedLog, stringifyLogData } from "../tools/logger/encoded-queue.ts";
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

/** logStatements are the INSERTs of logs, each with a new id, in as few statements as chunkSizes allow. */
function logStatements(dialect: Dialect, logs: readonly EncodedLog[]): Statement[] {
  const statements: Statement[] = [];
  let i = 0;
  for (const size of chunkSizes) {
    while (logs.length - i >= size) {
      const params: SqlValue[] = new Array(size * columns.length);
      for (let r = 0, p = 0; r < size; r++, p += columns.length) {
        const log = logs[i + r] as EncodedLog;
        params[p] = newLogId(log.time);
        params[p + 1] = log.level;
        params[p + 2] = log.message;
        params[p + 3] = log.data;
        params[p + 4] = formatLogTime(log.time);
      }
      statements.push({ text: insertSql(dialect, size), params });
      i += size;
    }
  }
  return statements;
}

/**
 * From this many logs on, a batch is written in the background (a driver that can: SQLite's worker
 * thread), so that its file I/O never holds up requests; fewer (little traffic, tests) are written at
 * once, where starting a thread would cost more than it saves.
 */
const backgroundMinLogs = 50;

/** insertEncodedLogs writes logs (their data already JSON) to `_logs` in one transaction, each with a new id. */
export async function insertEncodedLogs(db: Queryable, logs: readonly EncodedLog[]): Promise<void> {
  if (logs.length === 0) return;
  const statements = logStatements(db.dialect, logs);
  if (logs.length >= backgroundMinLogs && canWriteInBackground(db)) {
    await db.writeInBackground(statements);
    return;
  }
  await db.transaction(async (tx) => {
    for (const s of statements) await tx.run(s.text, s.params);
  });
}

/** insertLogs writes entries to `_logs` in one transaction, each with a new id. */
export function insertLogs(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  return insertEncodedLogs(
    db,
    entries.map((e) => ({ time: e.time, level: e.level, message: e.message, data: stringifyLogData(e.data) })),
  );
}
