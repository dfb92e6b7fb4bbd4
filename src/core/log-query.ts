import type { Dialect, ValueType } from "../db/dialect.ts";
import type { Queryable, ReadScope } from "../db/driver.ts";
import { ident, join, raw, type Sql, sql } from "../db/sql.ts";
import { buildFilter, maxFilterLength } from "../tools/search/filter-sql.ts";
import type { FieldResolver, ResolverResult } from "../tools/search/resolver-result.ts";
import {
  maxSortFieldLength,
  maxSortFields,
  randomSortKey,
  rowidSortKey,
  type SortField,
} from "../tools/search/sort.ts";
import { formatDateTime } from "../tools/types/datetime.ts";
import { type Log, logFromRow, logsTableName } from "./log-model.ts";
import type { ListResult } from "./request-event.ts";

const logsTable = ident(logsTableName);

const dataPathPattern = /^data\.[\w.:]*\w$/;

/** InvalidLogsQueryError is a logs filter or sort that can't run (unknown field, bad syntax, too long). */
export class InvalidLogsQueryError extends Error {}

/**
 * The `_logs` columns a filter or sort may name (`data.<path>` reads inside the data JSON), and what each
 * holds, for comparisons across types (Dialect.compare) as SQLite makes them with the
 * columns' affinities: `level` an INTEGER, `data` JSON text under a JSON declaration (as a record's list).
 */
const logColumnTypes: Readonly<Record<string, ValueType>> = {
  id: "text",
  created: "text",
  level: "number",
  message: "text",
  data: "json",
};

/**
 * LogsFieldResolver resolves the identifiers of a logs filter or sort: the columns of `_logs`, and
 * `data.a.b.0` as a JSON path into the data column (compared as stored: no NULL/"" equivalence).
 */
class LogsFieldResolver implements FieldResolver {
  constructor(readonly dialect: Dialect) {}

  resolve(identifier: string): ResolverResult {
    const type = logColumnTypes[identifier];
    if (type) return { sql: sql`${logsTable}.${ident(identifier)}`, type, column: true, notNull: true };
    const path = dataPathPattern.test(identifier) ? jsonPath(identifier.split(".").slice(1)) : null;
    if (path === null) throw new Error(`failed to resolve field ${JSON.stringify(identifier)}`);
    const data = sql`${logsTable}.${ident("data")}`;
    return { sql: this.dialect.jsonExtract(data, path), nullFallback: "disabled", type: "jsonValue" };
  }
}

/** jsonPath turns the parts after `data.` into `.a[0].b` (null when a part is empty). */
function jsonPath(parts: readonly string[]): string | null {
  let path = "";
  for (const part of parts) {
    // as a column name would be cleaned: only word characters remain
    const key = part.replace(/[^\w]/g, "");
    if (key === "") return null;
    path += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return path;
}

function logsWhere(dialect: Dialect, filter: string): Sql | null {
  if (filter === "") return null;
  if (Buffer.byteLength(filter) > maxFilterLength)
    throw new InvalidLogsQueryError(`the filter is too long (max ${maxFilterLength} bytes)`);
  try {
    return buildFilter(filter, new LogsFieldResolver(dialect));
  } catch (err) {
    throw new InvalidLogsQueryError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function logsOrderBy(dialect: Dialect, sort: readonly SortField[]): Sql | null {
  if (sort.length === 0) return null;
  if (sort.length > maxSortFields) throw new InvalidLogsQueryError(`too many sort expressions (max ${maxSortFields})`);
  const resolver = new LogsFieldResolver(dialect);
  return join(
    sort.map((f) => {
      if (Buffer.byteLength(f.name) > maxSortFieldLength)
        throw new InvalidLogsQueryError(`sort field ${JSON.stringify(f.name.slice(0, 20))}... is too long`);
      if (f.name === randomSortKey) return raw(dialect.randomOrder());
      if (f.name === rowidSortKey) return raw(`${dialect.insertionOrder(logsTableName)} ${f.direction}`);
      try {
        return sql`${dialect.orderValue(resolver.resolve(f.name).sql)} ${raw(f.direction)}`;
      } catch {
        throw new InvalidLogsQueryError(`invalid sort field ${JSON.stringify(f.name)}`);
      }
    }),
    ", ",
  );
}

/** What a logs list asks for: paging, and an optional filter and sort over logColumnTypes' columns and `data.*`. */
export interface LogsListOptions {
  page: number;
  perPage: number;
  skipTotal: boolean;
  sort: readonly SortField[];
  filter?: string;
}

/**
 * listLogs reads one page of `_logs` (in stored order unless sorted) and, unless skipTotal, the number of
 * logs the filter matches. The reads scan as the filter needs: they run isolated, within the scope's deadline.
 */
export async function listLogs(db: Queryable, opts: LogsListOptions, scope?: ReadScope): Promise<ListResult<Log>> {
  const filter = logsWhere(db.dialect, opts.filter ?? "");
  const orderBy = logsOrderBy(db.dialect, opts.sort);
  const where = filter ? sql` WHERE ${filter}` : raw("");
  const order = orderBy ? sql` ORDER BY ${orderBy}` : raw("");
  const offset = (opts.page - 1) * opts.perPage;
  const rows =
    offset > Number.MAX_SAFE_INTEGER
      ? []
      : await db.all(sql`SELECT * FROM ${logsTable}${where}${order} LIMIT ${opts.perPage} OFFSET ${offset}`, [], {
          isolate: true,
          scope,
        });
  let totalItems = -1;
  let totalPages = -1;
  if (!opts.skipTotal) {
    const [count] = await db.all<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${logsTable}${where}`, [], {
      isolate: true,
      scope,
    });
    totalItems = Number(count?.n ?? 0);
    totalPages = Math.ceil(totalItems / opts.perPage);
  }
  return { page: opts.page, perPage: opts.perPage, totalItems, totalPages, items: rows.map(logFromRow) };
}

/** findLogById returns the log with the id, or null. */
export async function findLogById(db: Queryable, id: string): Promise<Log | null> {
  const row = await db.get(sql`SELECT * FROM ${logsTable} WHERE ${ident("id")} = ${id} LIMIT 1`);
  return row ? logFromRow(row) : null;
}

/** One hour of logs: the hour (`2006-01-02 15:00:00.000Z`) and how many logs it holds. */
export interface LogsStatsItem {
  date: string;
  total: number;
}

/** logsStats counts the logs matching the filter per hour, oldest hour first. */
export async function logsStats(db: Queryable, filter: string, scope?: ReadScope): Promise<LogsStatsItem[]> {
  const where = logsWhere(db.dialect, filter);
  const hour = raw(db.dialect.hourBucket(db.dialect.quote("created")));
  const rows = await db.all<{ date: string | null; total: number }>(
    sql`SELECT COUNT(${ident("id")}) AS ${ident("total")}, ${hour} AS ${ident("date")} FROM ${logsTable}${where ? sql` WHERE ${where}` : raw("")} GROUP BY ${hour} ORDER BY ${hour}`,
    [],
    { isolate: true, scope },
  );
  return rows.map((r) => ({ date: r.date ? `${r.date}.000Z` : "", total: Number(r.total) }));
}

const dayMs = 24 * 60 * 60 * 1000;

/** How many logs deleteLogsWhere looks at in each of its steps. */
export const logsDeleteChunk = 1000;

/**
 * deleteLogsWhere deletes the logs matching `where` in steps over windows of logsDeleteChunk logs in id order
 * (the primary key's index bounds each step's work, whatever matches), with a turn of the event loop between
 * steps. One DELETE of a day's logs held the event loop (where SQLite runs) and the logs' write lock for as
 * long as it took: 590 ms for 375,000 of a million rows, about 28 s for six hours of a busy server. In steps,
 * the longest pause was 9 ms (690 ms in all); with PocketBase's random log ids, whose windows scatter over the
 * table, 41 ms, and 18 s in all, until such logs have aged out.
 */
export async function deleteLogsWhere(db: Queryable, where: Sql): Promise<void> {
  const id = ident("id");
  let after = "";
  for (;;) {
    const end = await db.get<{ id: string }>(
      sql`SELECT ${id} FROM ${logsTable} WHERE ${id} > ${after} ORDER BY ${id} LIMIT 1 OFFSET ${logsDeleteChunk - 1}`,
    );
    const upTo = end === undefined ? raw("") : sql` AND ${id} <= ${end.id}`;
    await db.run(sql`DELETE FROM ${logsTable} WHERE ${id} > ${after}${upTo} AND (${where})`);
    if (end === undefined) return;
    after = end.id;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The condition of the logs older than maxDays days (all of them when it is 0). */
export function logsOlderThan(maxDays: number): Sql {
  return sql`${ident("created")} <= ${formatDateTime(new Date(Date.now() - maxDays * dayMs))}`;
}

/**
 * deleteLogsOutsideSettings deletes the logs that logs settings would not keep (older than maxDays, below
 * minLevel); with maxDays 0 it also gives the freed space back to the file system.
 */
export async function deleteLogsOutsideSettings(db: Queryable, maxDays: number, minLevel: number): Promise<void> {
  await deleteLogsWhere(db, sql`${logsOlderThan(maxDays)} OR ${ident("level")} < ${minLevel}`);
  if (maxDays === 0) await db.exec("VACUUM");
}
