import type { IndexDef } from "./index-sql.ts";
import type { Sql, SqlValue, Statement } from "./sql.ts";

/** The column kinds field types ask for; each dialect maps them to its own DDL. */
export type ColumnKind =
  | "text" // TEXT DEFAULT '' NOT NULL
  | "number" // NUMERIC DEFAULT 0 NOT NULL
  | "bool" // BOOLEAN DEFAULT FALSE NOT NULL
  | "json" // JSON DEFAULT NULL
  | "jsonArray" // JSON DEFAULT '[]' NOT NULL
  | "geoPoint" // JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL
  | "primaryKey"; // TEXT PRIMARY KEY NOT NULL

/**
 * What the filter compiler knows of an operand's values: a column's kind ("text", "number", "bool", "json"
 * for a multi-value list), a JSON value read from a JSON field ("jsonValue": typed as the JSON is), or
 * nothing known ("any").
 */
export type ValueType = "text" | "number" | "bool" | "json" | "jsonValue" | "any";

/**
 * An operand of a filter comparison. SQLite compares values of different types by its own rules (a column
 * converts the other operand to its type affinity, a number is less than any text); an engine with strict
 * types needs to know the operands' types to give the same answers.
 */
export interface Operand {
  sql: Sql;
  type: ValueType;
  /** A column of a record table (its declared type converts the other operand, as SQLite's affinity does). */
  column?: boolean;
  /** The operand is this constant (a bound literal, NULL, or true/false as 1/0). */
  constant?: { value: string | number | null };
  /**
   * Written as SQLite's TRUE or FALSE keyword (`:isset`), which on the right of IS or IS NOT is SQLite's test of
   * the other operand's truth (a number, or a text's leading number, not 0), not a comparison with 1 or 0.
   */
  truth?: boolean;
}

/** The comparisons of the filter language: `is`/`isNot` are NULL-safe (NULL equals NULL). */
export type CompareOp = "=" | "is" | "isNot" | "<" | "<=" | ">" | ">=";

/**
 * One key of an ORDER BY: the item as written (`expr DESC`), and its expression and direction as written
 * (`DESC`, or with where NULLs go on an engine that needs it said: Dialect.orderDirection).
 */
export interface OrderKey {
  item: Sql;
  value: Sql;
  direction: string;
}

/** A column as the engine describes it. */
export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}

/** What a unique-constraint failure was about, read from the engine's error. */
export interface UniqueViolation {
  table: string;
  columns: string[];
}

/**
 * Dialect is everything that differs between SQL engines: quoting, placeholders, DDL, JSON functions and
 * introspection. Services build neutral `Sql` fragments; only a dialect turns them into engine text.
 */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /**
   * The longest table, column or index name (in bytes) the engine keeps whole: PostgreSQL cuts a longer one to
   * 63 bytes, so two names alike in their first 63 would be one and a row's column would come back under a
   * name no field has. Collection, field and index names are checked against it. SQLite keeps any.
   */
  readonly maxIdentifierLength: number;
  quote(identifier: string): string;
  /** The text of the n-th (1-based) statement parameter. */
  placeholder(n: number): string;
  render(fragment: Sql): Statement;
  columnType(kind: ColumnKind): string;
  /**
   * A bound value of a column of that kind (a new record's, for its create rule): as is where any column takes
   * any value, else cast to the column's type. It compares as bound values do, without a column's affinity.
   */
  typedValue(value: Sql, kind: ColumnKind): Sql;
  /**
   * A value standing where a column of that kind would (a record's snapshot in a realtime rule check), so that
   * it compares as the column does: on SQLite cast to the column's affinity, on PostgreSQL to its type.
   */
  columnValue(value: Sql, kind: ColumnKind): Sql;
  /** SQL listing user tables and views: rows of `{name, type}` with type "table" or "view". */
  listTablesSql(): Statement;
  /** SQL listing the columns of a table or view. */
  tableColumns(rows: readonly Record<string, unknown>[]): ColumnInfo[];
  tableColumnsSql(table: string): Statement;
  /** Every index of the database: rows of `{name, table}`. */
  listIndexesSql(): Statement;
  /** Indexes of a table: rows of `{name, sql}`. */
  tableIndexesSql(table: string): Statement;
  /** Parses a unique-constraint error, or returns null when the error is something else. */
  uniqueViolation(err: unknown): UniqueViolation | null;
  /**
   * A row refused as too large for an index entry (PostgreSQL's btree holds at most 2,704 bytes an entry, and
   * no index row passes 8 KB; SQLite's any): the index when the engine names it, the most an entry holds, and
   * why; null for any other error.
   */
  oversizedIndexEntry(err: unknown): { index: string | null; maxBytes: number; why: string } | null;
  /**
   * Why the engine can't store a value in a column of this kind at all (PostgreSQL: a NUL character, raw in a
   * text or escaped in a multi-value field's JSONB, and there an escaped lone surrogate), or null: asked of a
   * write's values once it failed with an UnsupportedValueError, to name the fields at fault.
   */
  refusedValue(value: SqlValue, kind: ColumnKind): string | null;
  /**
   * Whether a statement's error is a row's values refused (a constraint, a value the column or the engine
   * can't hold), which undoes that statement only: not one of the statement itself, the connection or the
   * database, after which the other rows of a batch would fail alike (or, on SQLite, the transaction may be
   * gone).
   */
  refusesRow(err: unknown): boolean;
  /** A table-valued expression listing the items of a JSON array column (a scalar counts as one item). */
  jsonEach(column: Sql): Sql;
  /**
   * `expr IN (values)` with the texts as one parameter: what a list takes past the parameters a statement may
   * hold (PostgreSQL 65,535, SQLite 250,000 here); textIn chooses between it and a parameter each.
   */
  inTextList(expr: Sql, values: readonly string[]): Sql;
  /** Reads a JSON path (`$.a[0].b`) from a column, tolerating values that aren't JSON. */
  jsonExtract(column: Sql, path: string): Sql;
  /**
   * The key an ORDER BY sorts an expression (of this type, when known) by, so that rows come in SQLite's order:
   * the expression itself, except on engines where a jsonExtract value or a JSON column would order otherwise
   * (on PostgreSQL, where SQLite orders a jsonExtract value NULL first, then numbers and booleans by value, then
   * texts byte by byte, and a JSON column as its text).
   */
  orderValue(expr: Sql, type?: ValueType): Sql;
  /**
   * An ORDER BY direction as written for a key that may be NULL (nullable) or never is: SQLite puts NULLs first
   * going up and last going down; an engine that doesn't says so (a key known not NULL keeps the plain
   * direction, which an index in the default order serves).
   */
  orderDirection(direction: "ASC" | "DESC", nullable: boolean): string;
  /** The number of items of a JSON array column ("" and NULL count as none, a scalar as one). */
  jsonLength(column: Sql): Sql;
  /** SQLite-compatible strftime(format, time, modifiers...). */
  strftime(args: Sql[]): Sql;
  /** The great-circle distance in km between two lon/lat points. */
  geoDistance(lonA: Sql, latA: Sql, lonB: Sql, latB: Sql): Sql;
  /** A condition true when a JSON array column (or a plain value column) holds the value. */
  jsonArrayContains(column: Sql, value: Sql): Sql;
  /**
   * A cheap condition on a column, true wherever some item of it (as jsonEach lists them) equals the text,
   * and, with `every`, wherever in addition no item differs from it (NULL items aside): checked before the
   * items are listed, it settles most rows without parsing their JSON. Null where the engine has none, or
   * for a text it can't check so.
   */
  jsonItemsMayEqual(column: Sql, text: string, every: boolean): Sql | null;
  /**
   * `SELECT DISTINCT columns FROM table rest ORDER BY keys` (rest: the joins and the WHERE), where the keys may
   * read joined rows that repeat a row of the table (identified by rowKey). SQLite takes that as written; PostgreSQL wants a DISTINCT's ORDER BY keys in its
   * select list: there each row is placed by its first keys in that order.
   */
  distinctOrdered(columns: Sql, table: Sql, rest: Sql, rowKey: Sql, keys: readonly OrderKey[]): Sql;
  /** The ORDER BY expression for a random order. */
  randomOrder(): string;
  /**
   * The same value as expr, written so that the planner won't look rows up through an index on it (SQLite:
   * unary +): a join on it is then driven from the other side.
   */
  unindexed(expr: Sql): Sql;
  /** A subquery whose rows come out in the order of its ORDER BY, even when joined (SQLite: LIMIT -1). */
  orderedRows(select: Sql): Sql;
  /** The join keyword whose left side is walked first, row by row (SQLite: CROSS JOIN). */
  readonly joinInOrder: string;
  /**
   * The engine's own key of a table's row, to pick rows by (an IN list, a distinct count): SQLite's rowid,
   * PostgreSQL's ctid. Not an order: ctid moves when a row is updated (see insertionOrder).
   */
  rowid(table: string): string;
  /**
   * The column a table needs so that insertionOrder orders its rows as SQLite's rowid does, where an update
   * keeps a row's place (null where rowid already does), appended to the columns of `_collections`, `_logs`
   * and every collection's table at their creation; the engine's introspection (tableColumnsSql) leaves it out.
   */
  insertionKeyColumn(indexed?: boolean): string | null;
  /**
   * The rows of a table made with insertionKeyColumn in the order they were first inserted: `@rowid`'s
   * order, and an unsorted read's.
   */
  insertionOrder(table: string): string;
  /**
   * A statement adding insertionKeyColumn (`indexed`: with the index that serves `@rowid`'s order with a
   * LIMIT, the logs list's) to an existing table made without it or its index (a database of an earlier
   * version), doing nothing when the table has them or doesn't exist; null where the engine needs no such column.
   */
  addInsertionKeySql(table: string, indexed?: boolean): string | null;
  /** A statement giving a row when the table has insertionKeyColumn; null where every table keeps the order. */
  hasInsertionKeySql(table: string): Statement | null;
  /** Expression truncating a stored datetime to its hour (`YYYY-MM-DD HH:00:00`). */
  hourBucket(expr: string): string;
  /**
   * The `CREATE INDEX` statements of the logs table (`_logs`: id, level, message, data, created) beyond its
   * primary key: the indexes this engine's logs queries use, each paid for by every request log written.
   */
  logsIndexesSql(): string[];
  /**
   * Indexes of the logs table that PocketBase (or an earlier Satchel) made and this engine doesn't keep,
   * dropped where they are when the app starts (`dropUnkeptLogsIndexes`).
   */
  readonly droppedLogsIndexes: readonly string[];
  /** Expression counting the items of a JSON array column. */
  jsonArrayLength(expr: string): string;
  /**
   * `left op right` as SQLite answers it, whatever the operands' types (SQLite: as written).
   */
  compare(left: Operand, op: CompareOp, right: Operand): Sql;
  /**
   * Whether compare() writes `left = right` as is, so that the two sides can be split (an IN subquery on
   * one of them); false where the engine must convert them first.
   */
  comparesPlainly(left: Operand, right: Operand): boolean;
  /** The operand with NULL read as "" (`COALESCE(x, '')`), as an operand for compare(). */
  emptyIfNull(o: Operand): Operand;
  /** The operand's value as text, as SQLite writes a number, a boolean (1 or 0) or a list (its JSON). */
  text(o: Operand): Sql;
  /**
   * The filter's `~`/`!~`: a LIKE with a backslash as the escape character that folds ASCII letters only
   * (SQLite's), on the text of the left operand whatever its type.
   */
  like(left: Operand, pattern: Sql, not: boolean): Sql;
  /** Text equality ignoring case, as SQLite's `COLLATE NOCASE`. */
  equalNocase(left: Sql, right: Sql): Sql;
  /** The literal of a boolean (SQLite has none: 1 and 0). */
  boolLiteral(value: boolean): string;
  /**
   * The type of a text column: texts compare and order byte by byte, as SQLite's default BINARY collation,
   * whatever the database's own collation (PostgreSQL's `COLLATE "C"`).
   */
  textType(): string;
  /** The type of a 64-bit integer column (`_migrations.applied`: Unix microseconds). */
  bigintType(): string;
  /**
   * The type of `_params.value`, which holds bytes (the settings' JSON) or text (their encrypted form):
   * PocketBase's declared JSON on SQLite, which stores either as it comes; BYTEA on PostgreSQL.
   */
  paramsValueType(): string;

  // DDL for record tables and views; every statement is one string without parameters.
  /** `insertionOrdered` adds insertionKeyColumn (a collection's table: its rows' order for `@rowid`). */
  createTableSql(table: string, columns: readonly [name: string, type: string][], insertionOrdered?: boolean): string;
  renameTableSql(from: string, to: string): string;
  dropTableSql(table: string): string;
  addColumnSql(table: string, column: string, type: string): string;
  renameColumnSql(table: string, from: string, to: string): string;
  dropColumnSql(table: string, column: string): string;
  dropIndexSql(index: string): string;
  /**
   * The engine's statement for an index of a collection's `indexes` list (parsed from SQLite's syntax);
   * `jsonColumns` are the collection's JSON and geoPoint fields' columns, which an engine may index by their
   * text, and `columnNames` all its columns, as spelled: the index may name them in any case, as SQLite allows.
   */
  createIndexSql(index: IndexDef, jsonColumns?: ReadonlySet<string>, columnNames?: readonly string[]): string;
  /**
   * A statement bringing a column an earlier version made (its declared type as tableColumnsSql gives it) to
   * the type this version makes for its kind, or null when it has that type already. Run with the table's
   * indexes and the views dropped around it.
   */
  columnUpgradeSql(table: string, column: string, kind: ColumnKind, declaredType: string): string | null;
  createViewSql(view: string, select: string): string;
  /**
   * A query as the source of a FROM: `(query)` on SQLite (as PocketBase writes its views), with an alias on
   * engines that want one on every subquery (PostgreSQL 15).
   */
  subquery(query: string): string;
  dropViewSql(view: string): string;
  /** The statement that refreshes the planner's statistics where they are stale (after a schema change). */
  optimizeSql(): string;
  /** Views of the database: rows of `{name, sql}`, to drop and re-create them around column changes. */
  listViewsSql(): Statement;
  /** Copies a scalar column into a JSON-array column (`x` → `["x"]`, "" → `[]`). */
  scalarToArraySql(table: string, target: string, source: string): string;
  /** Copies a JSON-array column into a scalar column, keeping the last item. */
  arrayToScalarSql(table: string, target: string, source: string): string;
}
