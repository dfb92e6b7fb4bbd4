import type { ColumnInfo, ColumnKind, Dialect, UniqueViolation } from "../dialect.ts";
import { UnsupportedValueError } from "../driver.ts";
import { type IndexDef, isValidIndex } from "../index-sql.ts";
import { ident, join, raw, renderSql, type Sql, type Statement, sql } from "../sql.ts";
import { compare, comparesPlainly, emptyIfNull, text, typedJsonValues } from "./compare.ts";
import { hasEscapedLoneSurrogate, hasEscapedNul } from "./json-escapes.ts";

/** asciiLower folds the ASCII letters of a text only, as SQLite's LIKE and lower() do. */
const asciiLower = (s: Sql): Sql => sql`translate(${s}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/**
 * Text columns compare and order byte by byte, as SQLite's BINARY collation does, whatever collation the
 * database was made with (a server's default is often a language's, where `a` sorts before `B`): sorts,
 * ranges, unique indexes and the indexes serving them then agree with SQLite's answers.
 */
const textType = 'TEXT COLLATE "C"';

/**
 * Column types for PostgreSQL: booleans as BOOLEAN, JSON fields and points as JSON (their text kept as
 * written, its objects' keys in their order, as SQLite keeps it: JSONB would sort them), multi-value fields
 * as JSONB, numbers as DOUBLE PRECISION, text as TEXT. Dates stay TEXT in PocketBase's format
 * (`2006-01-02 15:04:05.000Z`), so they order and travel exactly as on SQLite.
 */
const columnTypes: Record<ColumnKind, string> = {
  text: `${textType} DEFAULT '' NOT NULL`,
  number: "DOUBLE PRECISION DEFAULT 0 NOT NULL",
  bool: "BOOLEAN DEFAULT FALSE NOT NULL",
  json: "JSON DEFAULT NULL",
  jsonArray: "JSONB DEFAULT '[]' NOT NULL",
  geoPoint: `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
  primaryKey: `${textType} PRIMARY KEY NOT NULL`,
};

/** The type of each kind's column, without its default and constraints. */
const valueTypes: Record<ColumnKind, string> = {
  text: "TEXT",
  number: "DOUBLE PRECISION",
  bool: "BOOLEAN",
  json: "JSON",
  jsonArray: "JSONB",
  geoPoint: "JSON",
  primaryKey: "TEXT",
};

/**
 * The sort key of each JSON path read (jsonExtract's text loses the JSON type): a satchel_value of the JSON
 * value typed as SQLite's json_extract gives it, so that ORDER BY places it as SQLite does.
 */
const jsonSortKeys = new WeakMap<Sql, Sql>();

/** The column insertionKeyColumn adds: the engine's own, never shown as a table's column. */
const insertionKey = "_satchel_rowid";
/*
 * Indexed (`_logs`), it serves `@rowid`'s order with a LIMIT (the dashboard's newest-first logs) by reading the
 * index's end, where a million logs were otherwise sorted for every page (140 ms; 6 s at 40 million). A log row
 * written by COPY costs the database 0.4-1.0 µs more (two runs of bench/postgres/log-insert.ts); a collection's
 * single-row insert 1-3 µs (of some 110 a create costs with its log), which the records bench would feel, so
 * collections' tables go without. The index is a constraint's, so that no listing of a user's indexes shows it.
 */
const insertionKeyDefinition = (indexed: boolean): string =>
  `"${insertionKey}" BIGINT GENERATED ALWAYS AS IDENTITY${indexed ? " UNIQUE" : ""}`;

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const placeholder = (n: number): string => `$${n}`;

/** jsonPathKeys turns a SQLite JSON path tail (`.a[0].b`) into the keys of a PostgreSQL path (`{a,0,b}`). */
export function jsonPathKeys(path: string): string[] {
  const keys: string[] = [];
  for (const m of path.matchAll(/\.("(?:[^"]|"")*"|[^.[]+)|\[(\d+)\]/g)) {
    const key = m[1];
    if (key !== undefined) keys.push(key.startsWith('"') ? key.slice(1, -1).replaceAll('""', '"') : key);
    else keys.push(m[2] ?? "");
  }
  return keys;
}

/** arrayLiteral writes a PostgreSQL text[] literal, every element quoted. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}

/**
 * The columns a unique violation names, from PostgreSQL's `Key (a, b)=(...)` detail: a column under a
 * case-insensitive index (`lower(a)`, our translation of `COLLATE NOCASE`) counts as the column, as SQLite
 * reports it; another expression leaves the columns unknown, as SQLite does for an expression index.
 */
function keyColumns(detail: string): string[] {
  const m = /^Key \((.*)\)=\(/s.exec(detail);
  if (!m?.[1]) return [];
  const columns: string[] = [];
  for (const part of m[1].split(", ")) {
    // a column, lower(column) (NOCASE), (column::text) (a JSON column), lower(column::text)
    const bare = /^(?:lower\()?\(?"?((?:[^"()]|"")+?)"?(?:::text)?\)?\)?$/.exec(part.trim());
    if (!bare?.[1]) return [];
    columns.push(bare[1].replaceAll('""', '"'));
  }
  return columns;
}

/** The fields of a PostgreSQL server error that the dialect reads (postgres.js puts them on the error). */
interface PgErrorFields {
  code?: unknown;
  table_name?: unknown;
  detail?: unknown;
}

/**
 * columnNamer gives a name as the table's column is spelled: SQLite matches names whatever their case, a quoted
 * name on PostgreSQL only as spelled (`title` in an index of a field `Title`). A name no column has stays.
 */
function columnNamer(columns: readonly string[]): (name: string) => string {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  return (name) => (columns.includes(name) ? name : (byLower.get(name.toLowerCase()) ?? name));
}

/** translateIndexColumn writes one indexed column: NOCASE becomes lower(), SQLite's other collations go. */
function translateIndexColumn(
  name: string,
  collate: string,
  sort: string,
  jsonColumns: ReadonlySet<string>,
  column: (name: string) => string,
): string {
  // a JSON column has no btree order: it is indexed by its text, which is what SQLite compares
  const expr =
    name.includes("(") || name.includes(" ")
      ? translateIdentifiers(name, column)
      : jsonColumns.has(column(name))
        ? `(${quoteIdent(column(name))}::text)`
        : quoteIdent(column(name));
  const folded = collate.toUpperCase() === "NOCASE" ? `lower(${expr})` : expr;
  return sort ? `${folded} ${sort.toUpperCase()}` : folded;
}

/**
 * translateIdentifiers requotes an index expression's or condition's identifiers with double quotes, spelled as
 * their columns: SQLite's backtick, bracket and double-quoted ones, and a bare word naming a column in another
 * case (PostgreSQL would fold it to lower case). String literals, function names and SQL's words stay.
 */
const conditionKeywords = new Set(
  "and or not is null in like glob between escape case when then else end collate asc desc true false exists cast as distinct from".split(
    " ",
  ),
);

function translateIdentifiers(text: string, column: (name: string) => string): string {
  return text.replace(
    /('(?:[^']|'')*')|`((?:[^`]|``)*)`|\[([^\]]*)\]|"((?:[^"]|"")*)"|\b([A-Za-z_]\w*)\b(?!\s*\()/g,
    (whole, literal: string | undefined, tick?: string, bracket?: string, quoted?: string, bare?: string) => {
      if (literal !== undefined) return literal;
      if (bare !== undefined)
        return conditionKeywords.has(bare.toLowerCase()) || column(bare) === bare ? bare : quoteIdent(column(bare));
      const name =
        tick !== undefined ? tick.replaceAll("``", "`") : quoted !== undefined ? quoted.replaceAll('""', '"') : bracket;
      return name === undefined ? whole : quoteIdent(column(name));
    },
  );
}

/**
 * The PostgreSQL dialect. Expressions that need SQLite's semantics (JSON over JSONB or text, strftime, a
 * forgiving numeric cast) call the `satchel_*` functions of `functions.ts`, which the driver installs.
 * `@rowid` has no twin in PostgreSQL: an identity column on every collection's table (insertionKeyColumn)
 * numbers the rows as they are first inserted, which an update keeps, as SQLite's rowid; `ctid`, the row's
 * physical place, picks rows by key (rowid) but moves when a row is updated.
 */
export const postgresDialect: Dialect = {
  name: "postgres",
  // NAMEDATALEN - 1
  maxIdentifierLength: 63,
  quote: quoteIdent,
  placeholder,
  render: (fragment: Sql): Statement => renderSql(fragment, quoteIdent, placeholder),
  columnType: (kind) => columnTypes[kind],
  // a text in the columns' collation: LOWER and comparisons of it then work byte by byte, as on its column
  typedValue: (value, kind) =>
    kind === "text" || kind === "primaryKey"
      ? sql`CAST(${value} AS TEXT) COLLATE "C"`
      : sql`CAST(${value} AS ${raw(valueTypes[kind])})`,
  // the compiler converts the other operand as a column's affinity would (a resolver's `column` operand)
  columnValue: (value, kind) => postgresDialect.typedValue(value, kind),
  listTablesSql: () => ({
    text: `SELECT c.relname AS name, CASE WHEN c.relkind = 'v' THEN 'view' ELSE 'table' END AS type
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v')`,
    params: [],
  }),
  tableColumnsSql: (table) => ({
    text: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
        EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attname <> $2
      ORDER BY a.attnum`,
    params: [table, insertionKey],
  }),
  tableColumns: (rows) =>
    rows.map(
      (r): ColumnInfo => ({
        name: String(r.name),
        type: String(r.type ?? ""),
        // booleans come back as 1 and 0, as from SQLite
        notNull: Number(r.notnull) === 1,
        primaryKey: Number(r.pk) === 1,
      }),
    ),
  listIndexesSql: () => ({
    text: `SELECT indexname AS name, tablename AS "table" FROM pg_indexes WHERE schemaname = current_schema()`,
    params: [],
  }),
  // the indexes a user could have written: not those behind a primary key or another constraint; their
  // definitions without what PostgreSQL adds (the schema, USING btree), so that they read as written
  tableIndexesSql: (table) => ({
    text: `SELECT ic.relname AS name,
        replace(replace(pg_get_indexdef(ic.oid), ' ON ' || quote_ident(n.nspname) || '.', ' ON '), ' USING btree ', ' ') AS sql
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = tc.relnamespace
      WHERE n.nspname = current_schema() AND tc.relname = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    params: [table],
  }),
  // SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation), and a value PostgreSQL
  // can't hold at all
  refusesRow: (err) => {
    if (err instanceof UnsupportedValueError) return true;
    const code = (err as PgErrorFields | null)?.code;
    return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
  },
  refusedValue: (value, kind) => {
    if (typeof value !== "string") return null;
    if (value.includes("\0")) return "PostgreSQL can't store the NUL character (\\u0000)";
    // a JSON field's JSON column takes the escapes as written
    if (kind !== "jsonArray") return null;
    if (hasEscapedNul(value)) return "PostgreSQL's JSONB can't store the NUL character (\\u0000)";
    if (hasEscapedLoneSurrogate(value))
      return "PostgreSQL's JSONB can't store half of a surrogate pair without the other (\\ud800)";
    return null;
  },
  // program_limit_exceeded: "index row size 3000 exceeds btree version 4 maximum 2704 for index "idx"", or past
  // 8 KB even compressed "index row requires 10776 bytes, maximum size is 8191" (no index named)
  oversizedIndexEntry: (err) => {
    if (!(err instanceof Error) || (err as PgErrorFields).code !== "54000" || !/^index row /.test(err.message))
      return null;
    const m = /for index "((?:[^"]|"")+)"/.exec(err.message);
    return {
      index: m ? (m[1] as string).replaceAll('""', '"') : null,
      maxBytes: 2704,
      why: "PostgreSQL can't index a value this long (an index entry holds at most 2,704 bytes): shorten it, or index a part of it, substr(column, 1, 500)",
    };
  },
  uniqueViolation: (err): UniqueViolation | null => {
    if (typeof err !== "object" || err === null) return null;
    const e = err as PgErrorFields;
    if (e.code !== "23505") return null;
    const columns = keyColumns(typeof e.detail === "string" ? e.detail : "");
    return { table: columns.length > 0 && typeof e.table_name === "string" ? e.table_name : "", columns };
  },
  createTableSql: (table, columns, insertionOrdered) =>
    `CREATE TABLE ${quoteIdent(table)} (${[
      ...columns.map(([n, t]) => `${quoteIdent(n)} ${t}`),
      ...(insertionOrdered ? [insertionKeyDefinition(false)] : []),
    ].join(", ")})`,
  renameTableSql: (from, to) => `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`,
  dropTableSql: (table) => `DROP TABLE IF EXISTS ${quoteIdent(table)}`,
  addColumnSql: (table, column, type) => `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(column)} ${type}`,
  renameColumnSql: (table, from, to) =>
    `ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`,
  dropColumnSql: (table, column) => `ALTER TABLE ${quoteIdent(table)} DROP COLUMN ${quoteIdent(column)}`,
  dropIndexSql: (index) => `DROP INDEX IF EXISTS ${quoteIdent(index)}`,
  createIndexSql: (idx: IndexDef, jsonColumns = new Set<string>(), columnNames: readonly string[] = []): string => {
    if (!isValidIndex(idx)) return "";
    const column = columnNamer(columnNames);
    const columns = idx.columns
      .filter((c) => c.name.trim() !== "")
      .map((c) => translateIndexColumn(c.name.trim(), c.collate, c.sort, jsonColumns, column));
    const where = idx.where ? ` WHERE ${translateIdentifiers(idx.where, column)}` : "";
    const schema = idx.schemaName ? `${quoteIdent(idx.schemaName)}.` : "";
    return `CREATE ${idx.unique ? "UNIQUE " : ""}INDEX ${idx.optional ? "IF NOT EXISTS " : ""}${schema}${quoteIdent(idx.indexName)} ON ${quoteIdent(idx.tableName)} (${columns.join(", ")})${where}`;
  },
  // a JSON field's or a point's column was JSONB before it kept the text as written: a JSON value's keys stay
  // in JSONB's order, a point's are written again as Satchel writes them (lon, lat)
  columnUpgradeSql: (table, column, kind, declaredType) => {
    if ((kind !== "json" && kind !== "geoPoint") || declaredType.toLowerCase() !== "jsonb") return null;
    const c = quoteIdent(column);
    const text =
      kind === "geoPoint"
        ? `satchel_json_minify(json_build_object('lon', ${c} -> 'lon', 'lat', ${c} -> 'lat')::text)`
        : `satchel_text(${c})`;
    return `ALTER TABLE ${quoteIdent(table)} ALTER COLUMN ${c} TYPE JSON USING ${text}::json`;
  },
  createViewSql: (view, select) => `CREATE VIEW ${quoteIdent(view)} AS ${select}`,
  subquery: (query) => `(${query}) AS "_satchel_view"`,
  dropViewSql: (view) => `DROP VIEW IF EXISTS ${quoteIdent(view)}`,
  optimizeSql: () => "ANALYZE",
  listViewsSql: () => ({
    text: `SELECT viewname AS name, 'CREATE VIEW ' || quote_ident(viewname) || ' AS ' || definition AS sql
      FROM pg_views WHERE schemaname = current_schema()`,
    params: [],
  }),
  scalarToArraySql: (table, target, source) => {
    const [t, s] = [quoteIdent(target), quoteIdent(source)];
    return `UPDATE ${quoteIdent(table)} SET ${t} = (CASE WHEN COALESCE(${s}::text, '') = '' THEN '[]'::jsonb WHEN jsonb_typeof(satchel_try_jsonb(${s}::text)) = 'array' THEN satchel_try_jsonb(${s}::text) ELSE jsonb_build_array(${s}) END)`;
  },
  arrayToScalarSql: (table, target, source) => {
    const [t, s] = [quoteIdent(target), quoteIdent(source)];
    const j = `satchel_try_jsonb(${s}::text)`;
    return `UPDATE ${quoteIdent(table)} SET ${t} = (CASE WHEN ${s} IS NULL OR jsonb_typeof(${j}) = 'array' AND jsonb_array_length(${j}) = 0 THEN '' WHEN jsonb_typeof(${j}) = 'array' THEN COALESCE(${j} ->> -1, '') ELSE COALESCE(${j} #>> '{}', ${s}::text) END)`;
  },
  // a text holding NUL equals nothing stored (PostgreSQL keeps no NUL in a text), and can't be in an array
  inTextList: (expr, values) => sql`${expr} = ANY(${arrayLiteral(values.filter((v) => !v.includes("\0")))}::text[])`,
  jsonEach: (c) => sql`satchel_json_each(${c})`,
  jsonExtract: (c, path) => {
    const keys = arrayLiteral(jsonPathKeys(path));
    const value = sql`satchel_json_extract(${c}, ${keys}::text[])`;
    const sortKey = sql`satchel_json_sort_key(${c}, ${keys}::text[])`;
    jsonSortKeys.set(value, sortKey);
    typedJsonValues.set(value, sql`NULLIF(${sortKey}, ROW(0, 0, '')::satchel_value)`);
    return value;
  },
  // a JSON column (a list's, a point's) orders as the text SQLite holds, not by JSONB's order of types and lengths
  orderValue: (expr, type) =>
    jsonSortKeys.get(expr) ?? (type === "json" ? sql`satchel_text(${expr}) COLLATE "C"` : expr),
  orderDirection: (direction, nullable) =>
    nullable ? `${direction} NULLS ${direction === "ASC" ? "FIRST" : "LAST"}` : direction,
  jsonLength: (c) => sql`satchel_json_length(${c})`,
  strftime: (args) => {
    const [format, time, ...modifiers] = args;
    const text = (s: Sql) => sql`(${s})::text`;
    const parts = [format ? text(format) : raw("NULL::text"), time ? text(time) : raw("'now'")];
    return sql`satchel_strftime(${join([...parts, ...modifiers.map(text)], ", ")})`;
  },
  geoDistance: (lonA, latA, lonB, latB) => {
    const rad = (s: Sql) => sql`radians(satchel_math_arg(${s}))`;
    // rounding can push the cosine a hair past 1 for one point to itself: acos() would fail there
    return sql`(6371 * satchel_acos(cos(${rad(latA)}) * cos(${rad(latB)}) * cos(${rad(lonB)} - ${rad(lonA)}) + sin(${rad(latA)}) * sin(${rad(latB)})))`;
  },
  jsonArrayContains: (column, value) => sql`satchel_json_array_contains(${column}, (${value})::text)`,
  // satchel_json_each lists every item as text (a number item equals its digits): SQLite's text check doesn't
  // hold here, and none is written for PostgreSQL yet
  jsonItemsMayEqual: () => null,
  // each row with its first keys (DISTINCT ON), then the rows in the order of those keys
  distinctOrdered: (columns, table, rest, rowKey, keys) => {
    const name = (i: number) => ident(`_satchel_k${i}`);
    const picked = join(
      keys.map((k, i) => sql`${k.value} AS ${name(i)}`),
      ", ",
    );
    const first = join(
      keys.map((k) => k.item),
      ", ",
    );
    const order = join(
      keys.map((k, i) => sql`${ident("_satchel_sorted")}.${name(i)} ${raw(k.direction)}`),
      ", ",
    );
    return sql`SELECT ${columns} FROM (SELECT DISTINCT ON (${rowKey}) ${rowKey} AS ${ident("_satchel_row")}, ${picked} FROM ${table}${rest} ORDER BY ${rowKey}, ${first}) ${ident("_satchel_sorted")} JOIN ${table} ON ${rowKey} = ${ident("_satchel_sorted")}.${ident("_satchel_row")} ORDER BY ${order}`;
  },
  randomOrder: () => "RANDOM()",
  // PostgreSQL's planner has the statistics to choose a join's side and order itself
  unindexed: (expr) => expr,
  orderedRows: (select) => sql`(${select})`,
  joinInOrder: "JOIN",
  rowid: (table) => `${quoteIdent(table)}.ctid`,
  // ctid moves an updated row elsewhere: an identity column keeps the first insertion's place
  insertionKeyColumn: (indexed = false) => insertionKeyDefinition(indexed),
  insertionOrder: (table) => `${quoteIdent(table)}.${quoteIdent(insertionKey)}`,
  // checked first so that a database already upgraded takes no table lock at start; a table to index that has
  // the column without its index (made before the index was) gets the index
  addInsertionKeySql: (table, indexed = false) => {
    const regclass = `to_regclass(${quoteLiteral(quoteIdent(table))})`;
    const column = `(SELECT attnum FROM pg_attribute WHERE attrelid = ${regclass} AND attname = ${quoteLiteral(insertionKey)} AND NOT attisdropped)`;
    const addIndex = indexed
      ? `
    ELSIF ${regclass} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = ${regclass} AND indkey[0] = ${column}) THEN
      ALTER TABLE ${quoteIdent(table)} ADD UNIQUE (${quoteIdent(insertionKey)});`
      : "";
    return `DO $$ BEGIN
    IF ${regclass} IS NOT NULL AND ${column} IS NULL THEN
      ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${insertionKeyDefinition(indexed)};${addIndex}
    END IF;
  END $$`;
  },
  hasInsertionKeySql: (table) => ({
    text: `SELECT 1 AS has FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`,
    params: [quoteIdent(table), insertionKey],
  }),
  hourBucket: (expr) =>
    `(CASE WHEN ${expr} ~ '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}' THEN substr(${expr}, 1, 10) || ' ' || substr(${expr}, 12, 2) || ':00:00' END)`,
  /*
   * Not PocketBase's three. Its hour-bucket expression index, whose regular expression every written log
   * pays for (about 2.6 µs of the database's CPU per row, a quarter of the row's insert, against 1.6 for a
   * plain index: bench/postgres/log-insert.ts), serves no stats query here (they read every matching row
   * either way); `created` as it is serves the dashboard's hour ranges (`created >= ... && created < ...`)
   * and the daily cleanup's `created <= ...`. Its `message` index (1 µs per row) would serve only an exact
   * `message = ...`; the dashboard's search words are `~`, a LIKE with a leading wildcard no index serves.
   */
  logsIndexesSql: () => [
    'CREATE INDEX IF NOT EXISTS idx_logs_level ON "_logs" ("level")',
    'CREATE INDEX IF NOT EXISTS idx_logs_created ON "_logs" ("created")',
  ],
  // PocketBase's that a database made before these indexes still has
  droppedLogsIndexes: ["idx_logs_message", "idx_logs_created_hour"],
  jsonArrayLength: (expr) => `satchel_json_array_length(${expr})`,
  compare,
  comparesPlainly,
  emptyIfNull,
  text,
  // SQLite's LIKE folds the ASCII letters only: both sides folded so, then a case-sensitive LIKE. A pattern
  // ending with its escape character (an odd run of backslashes) matches nothing on SQLite, where PostgreSQL
  // refuses it: such a pattern is settled before the LIKE runs (its trailing backslashes counted with rtrim:
  // a regular expression would run for every row when the pattern is a bound parameter)
  like: (left, pattern, not) => {
    const p = asciiLower(pattern);
    const endsWithEscape = sql`(length(${pattern}) - length(rtrim(${pattern}, '\\'))) % 2 = 1`;
    const matches = sql`(CASE WHEN ${endsWithEscape} THEN FALSE ELSE ${asciiLower(text(left))} LIKE ${p} ESCAPE '\\' END)`;
    return not ? sql`(NOT ${matches})` : matches;
  },
  equalNocase: (left, right) => sql`lower(${left}) = lower(${right})`,
  boolLiteral: (value) => (value ? "TRUE" : "FALSE"),
  textType: () => textType,
  bigintType: () => "BIGINT",
  paramsValueType: () => "BYTEA",
};
