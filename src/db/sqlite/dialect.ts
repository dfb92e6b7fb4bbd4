import type { ColumnInfo, ColumnKind, CompareOp, Dialect, UniqueViolation } from "../dialect.ts";
import { buildIndex } from "../index-sql.ts";
import { join, raw, renderSql, type Sql, type Statement, sql } from "../sql.ts";

const columnTypes: Record<ColumnKind, string> = {
  text: "TEXT DEFAULT '' NOT NULL",
  number: "NUMERIC DEFAULT 0 NOT NULL",
  bool: "BOOLEAN DEFAULT FALSE NOT NULL",
  json: "JSON DEFAULT NULL",
  jsonArray: "JSON DEFAULT '[]' NOT NULL",
  geoPoint: `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
  primaryKey: "TEXT PRIMARY KEY NOT NULL",
};

const quoteIdent = (name: string): string => `\`${name.replaceAll("`", "``")}\``;
const placeholder = (): string => "?";

const sqliteOps: Record<CompareOp, string> = {
  "=": "=",
  is: "IS",
  isNot: "IS NOT",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/**
 * refusesRow is the SQLite dialect's Dialect.refusesRow: a constraint, a value of the wrong type for a strict
 * column, or one too big. Self-contained: the log writer's worker runs its source text.
 */
export function sqliteRefusesRow(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  return code.startsWith("SQLITE_CONSTRAINT") || code === "SQLITE_MISMATCH" || code === "SQLITE_TOOBIG";
}

/** The SQLite dialect, matching the DDL PocketBase writes so a data directory stays interchangeable. */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  maxIdentifierLength: Number.POSITIVE_INFINITY,
  quote: quoteIdent,
  placeholder,
  render: (fragment: Sql): Statement => renderSql(fragment, quoteIdent, placeholder),
  columnType: (kind) => columnTypes[kind],
  typedValue: (value) => value,
  // a CAST has its type's affinity, which converts the other operand as the column would; a JSON column's
  // values are left as they are (their NUMERIC affinity would turn the JSON text into a number)
  columnValue: (value, kind) =>
    kind === "text" || kind === "primaryKey"
      ? sql`CAST(${value} AS TEXT)`
      : kind === "number" || kind === "bool"
        ? sql`CAST(${value} AS NUMERIC)`
        : value,
  listTablesSql: () => ({
    text: "SELECT name, type FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'",
    params: [],
  }),
  tableColumnsSql: (table) => ({ text: "SELECT * FROM pragma_table_info(?)", params: [table] }),
  tableColumns: (rows) =>
    rows.map(
      (r): ColumnInfo => ({
        name: String(r.name),
        type: String(r.type ?? ""),
        notNull: Number(r.notnull) === 1,
        primaryKey: Number(r.pk) > 0,
      }),
    ),
  listIndexesSql: () => ({
    text: "SELECT name, tbl_name AS \"table\" FROM sqlite_schema WHERE type = 'index'",
    params: [],
  }),
  tableIndexesSql: (table) => ({
    text: "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
    params: [table],
  }),
  refusesRow: sqliteRefusesRow,
  refusedValue: () => null,
  oversizedIndexEntry: () => null,
  uniqueViolation: (err): UniqueViolation | null => {
    const msg = err instanceof Error ? err.message : "";
    const m = /UNIQUE constraint failed: (.+)$/i.exec(msg);
    if (!m?.[1]) return null;
    const pairs = m[1].split(",").map((s) => s.trim());
    if (pairs[0]?.startsWith("index ")) return { table: "", columns: [] };
    const table = pairs[0]?.split(".")[0] ?? "";
    return { table, columns: pairs.map((p) => p.slice(p.indexOf(".") + 1)) };
  },
  createTableSql: (table, columns) =>
    `CREATE TABLE ${quoteIdent(table)} (${columns.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(", ")})`,
  renameTableSql: (from, to) => `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`,
  dropTableSql: (table) => `DROP TABLE IF EXISTS ${quoteIdent(table)}`,
  addColumnSql: (table, column, type) => `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(column)} ${type}`,
  renameColumnSql: (table, from, to) =>
    `ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`,
  dropColumnSql: (table, column) => `ALTER TABLE ${quoteIdent(table)} DROP COLUMN ${quoteIdent(column)}`,
  dropIndexSql: (index) => `DROP INDEX IF EXISTS ${quoteIdent(index)}`,
  createIndexSql: (index) => buildIndex(index),
  columnUpgradeSql: () => null,
  createViewSql: (view, select) => `CREATE VIEW ${quoteIdent(view)} AS ${select}`,
  subquery: (query) => `(${query})`,
  dropViewSql: (view) => `DROP VIEW IF EXISTS ${quoteIdent(view)}`,
  optimizeSql: () => "PRAGMA optimize",
  listViewsSql: () => ({
    text: "SELECT name, sql FROM sqlite_schema WHERE type = 'view' AND sql IS NOT NULL",
    params: [],
  }),
  scalarToArraySql: (table, target, source) => {
    const [t, s] = [quoteIdent(target), quoteIdent(source)];
    return `UPDATE ${quoteIdent(table)} SET ${t} = (CASE WHEN COALESCE(${s}, '') = '' THEN '[]' ELSE (CASE WHEN json_valid(${s}) AND json_type(${s}) = 'array' THEN ${s} ELSE json_array(${s}) END) END)`;
  },
  arrayToScalarSql: (table, target, source) => {
    const [t, s] = [quoteIdent(target), quoteIdent(source)];
    return `UPDATE ${quoteIdent(table)} SET ${t} = (CASE WHEN COALESCE(${s}, '[]') = '[]' THEN '' ELSE (CASE WHEN json_valid(${s}) AND json_type(${s}) = 'array' THEN COALESCE(json_extract(${s}, '$[#-1]'), '') ELSE ${s} END) END)`;
  },
  // a lone surrogate made U+FFFD, as binding it alone would: JSON would keep its escape, which SQLite reads otherwise
  inTextList: (expr, values) =>
    sql`${expr} IN (SELECT value FROM json_each(${JSON.stringify(values.map((v) => v.toWellFormed()))}))`,
  jsonEach: (c) =>
    sql`json_each(CASE WHEN iif(json_valid(${c}), json_type(${c}) = 'array', FALSE) THEN ${c} ELSE json_array(${c}) END)`,
  jsonExtract: (c, path) =>
    sql`(CASE WHEN json_valid(${c}) THEN json_extract(${c}, ${`$${path}`}) ELSE json_extract(json_object('pb', ${c}), ${`$.pb${path}`}) END)`,
  jsonLength: (c) =>
    sql`json_array_length(CASE WHEN iif(json_valid(${c}), json_type(${c}) = 'array', FALSE) THEN ${c} ELSE (CASE WHEN ${c} = '' OR ${c} IS NULL THEN json_array() ELSE json_array(${c}) END) END)`,
  strftime: (args) => sql`strftime(${join(args, ", ")})`,
  geoDistance: (lonA, latA, lonB, latB) =>
    sql`(6371 * acos(cos(radians(${latA})) * cos(radians(${latB})) * cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))))`,
  jsonArrayContains: (column, value) =>
    sql`EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE json_array(${column}) END) AS __je__ WHERE __je__.value = ${value})`,
  // JSON writes such a text as it is between quotes, and every other spelling of it has a backslash; an item
  // that isn't a string (a number, true, an array) never equals a text; a column that isn't a JSON array is
  // its own one item. So a row without the quoted text, the text itself or a backslash has no such item,
  // and one with a quoted text other than this one (found once this one's are taken out) has another item.
  // Left to jsonEach: the empty text (NULL and "" compare alike there) and a text that needs an escape
  // or starts like an array or object (an item that is one reads as its JSON text).
  jsonItemsMayEqual: (c, text, every) => {
    const quoted = JSON.stringify(text);
    if (text === "" || quoted.includes("\\") || text.startsWith("[") || text.startsWith("{")) return null;
    const found = every
      ? sql`(instr(${c}, ${quoted}) > 0 AND instr(replace(${c}, ${quoted}, ''), '"') = 0)`
      : sql`instr(${c}, ${quoted}) > 0`;
    return sql`(${found} OR ${c} = ${text} OR instr(${c}, ${"\\"}) > 0)`;
  },
  distinctOrdered: (columns, table, rest, _rowKey, keys) =>
    sql`SELECT DISTINCT ${columns} FROM ${table}${rest} ORDER BY ${join(
      keys.map((k) => k.item),
      ", ",
    )}`,
  randomOrder: () => "RANDOM()",
  unindexed: (expr) => sql`+${expr}`,
  // a LIMIT keeps the subquery from being flattened into the query around it, and with it its order
  orderedRows: (select) => sql`(${select} LIMIT -1)`,
  joinInOrder: "CROSS JOIN",
  orderValue: (expr) => expr,
  orderDirection: (direction) => direction,
  rowid: (table) => `${quoteIdent(table)}.${quoteIdent("_rowid_")}`,
  insertionKeyColumn: () => null,
  addInsertionKeySql: () => null,
  hasInsertionKeySql: () => null,
  insertionOrder: (table) => `${quoteIdent(table)}.${quoteIdent("_rowid_")}`,
  hourBucket: (expr) => `strftime('%Y-%m-%d %H:00:00', ${expr})`,
  // PocketBase's, but for its `message` index: a request's message is its method and URL, so with a record id
  // or a query in the URL each log's entry lands on a page of its own, and every batch's transaction writes
  // each such page to the WAL. A row cost the writer 12-14 µs with it against 2.5-3.2 without, when every URL
  // differed (as views' do), 0.2 µs more when all were alike. It served only an exact `message = ...`; the
  // dashboard searches with `~`, a LIKE with a leading wildcard no index serves.
  logsIndexesSql: () => [
    "CREATE INDEX IF NOT EXISTS idx_logs_level ON `_logs` (`level`)",
    "CREATE INDEX IF NOT EXISTS idx_logs_created_hour ON `_logs` (strftime('%Y-%m-%d %H:00:00', `created`))",
  ],
  droppedLogsIndexes: ["idx_logs_message"],
  jsonArrayLength: (expr) => `(CASE WHEN json_valid(${expr}) THEN IFNULL(json_array_length(${expr}), 0) ELSE 0 END)`,
  // SQLite converts the operands itself (type affinity, storage classes): written as they are
  compare: (left, op, right) => sql`${left.sql} ${raw(sqliteOps[op])} ${right.sql}`,
  comparesPlainly: () => true,
  emptyIfNull: (o) => ({ sql: sql`COALESCE(${o.sql}, '')`, type: o.type }),
  text: (o) => o.sql,
  like: (left, pattern, not) => sql`${left.sql} ${raw(not ? "NOT LIKE" : "LIKE")} ${pattern} ESCAPE '\\'`,
  equalNocase: (left, right) => sql`${left} = ${right} COLLATE NOCASE`,
  boolLiteral: (value) => (value ? "1" : "0"),
  textType: () => "TEXT",
  bigintType: () => "INTEGER",
  paramsValueType: () => "JSON",
};
