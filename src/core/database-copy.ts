/**
 * Copies an app's databases from one engine to another (`satchel migrate-data`, and backups of an app whose
 * database lives on a server): every table of data.db or of auxiliary.db, made in the target as its own
 * engine makes them (the system tables from their DDL, each collection's table and indexes from the
 * collection, each view collection's view from its query), then every row, converted to the target's
 * column types. The target must be a transaction: the caller commits the whole copy or nothing.
 */
import type { Dialect } from "../db/dialect.ts";
import type { Queryable, Snapshot } from "../db/driver.ts";
import { isValidIndex, parseIndex } from "../db/index-sql.ts";
import { maxInsertParams } from "../db/packed-rows.ts";
import type { SqlValue } from "../db/sql.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import type { Collection } from "./collection-model.ts";
import { loadCollections } from "./collection-query.ts";
import { createIndexes, createRecordTable } from "./collection-record-table-sync.ts";
import { dataTablesSql, logsTableSql, migrationsTableSql } from "./system-tables.ts";
import { createView } from "./view.ts";

/** What a copy reads: one snapshot of the source. */
export type CopySource = Snapshot;
/** What the listings read: a snapshot or a database. */
type Readable = Pick<Queryable, "dialect" | "all">;

/** Told as rows are copied: the table, how many of its rows are copied, and how many it has. */
export type CopyProgress = (table: string, copied: number, total: number) => void;

/** What a copy did. */
export interface CopyReport {
  tables: number;
  rows: number;
  /** What was copied differently from the source, or left out (a view that is no collection's). */
  warnings: string[];
}

/** Which of the app's databases a copy is of. */
export type CopiedDatabase = "data" | "logs";

/** The tables of data.db that belong to no collection and have DDL of their own (system-tables.ts). */
const dataSystemTables = ["_migrations", "_params", "_collections"];
/** The most rows read and written at a time. */
const pageRows = 500;

interface TableEntry {
  name: string;
  type: "table" | "view";
}

/** listTables lists the database's tables and views, in name order. */
export async function listTables(db: Readable): Promise<TableEntry[]> {
  const statement = db.dialect.listTablesSql();
  const rows = await db.all<{ name: string; type: string }>(statement.text, statement.params);
  return rows
    .map((r): TableEntry => ({ name: String(r.name), type: r.type === "view" ? "view" : "table" }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * clearDatabase drops every table and view of the database (views first: a view reading another goes
 * before it, each drop in a savepoint, retried while some go).
 */
export async function clearDatabase(tx: Queryable): Promise<void> {
  const entries = await listTables(tx);
  let views = entries.filter((e) => e.type === "view");
  while (views.length > 0) {
    const left: TableEntry[] = [];
    let failure: unknown = null;
    for (const v of views) {
      try {
        await tx.transaction((t) => t.exec(t.dialect.dropViewSql(v.name)));
      } catch (err) {
        left.push(v);
        failure = err;
      }
    }
    if (left.length === views.length) throw failure;
    views = left;
  }
  for (const t of entries) if (t.type === "table") await tx.exec(tx.dialect.dropTableSql(t.name));
}

/**
 * copyDatabase fills target (a transaction on an empty database) with source's tables and rows: data.db's
 * (its `_collections` describing the collection tables) or auxiliary.db's.
 */
export async function copyDatabase(
  source: CopySource,
  target: Queryable,
  which: CopiedDatabase,
  onProgress: CopyProgress = () => {},
): Promise<CopyReport> {
  const report: CopyReport = { tables: 0, rows: 0, warnings: [] };
  const entries = await listTables(source);
  const d = target.dialect;
  const known = new Set<string>();
  let collections: Collection[] = [];
  if (which === "data") {
    if (!entries.some((e) => e.name === "_collections"))
      throw new Error("it has no _collections table: it isn't a PocketBase or Satchel database");
    collections = await loadCollections(source);
    await refuseLongNames(source, entries, collections, d);
    for (const statement of [migrationsTableSql(d), ...dataTablesSql(d)]) await target.exec(statement);
    for (const name of dataSystemTables) known.add(name.toLowerCase());
    for (const c of collections) {
      known.add(c.name.toLowerCase());
      if (c.type !== "view") await createRecordTable(target, c);
    }
  } else {
    for (const statement of logsTableSql(d)) await target.exec(statement);
    known.add("_logs");
  }

  // tables no collection describes (a user's own, made by a migration or the SQL console): their columns
  // in the target's nearest types
  const others = entries.filter((e) => e.type === "table" && !known.has(e.name.toLowerCase()));
  for (const t of others) await createLikeTable(source, target, t.name);

  const copied = entries.filter((e) => e.type === "table" && (known.has(e.name.toLowerCase()) || others.includes(e)));
  for (const t of copied) {
    report.rows += await copyRows(source, target, t.name, report.warnings, onProgress);
    report.tables++;
  }

  for (const c of collections) {
    if (c.type === "view") continue;
    try {
      await createIndexes(target, c);
    } catch (err) {
      throw new Error(`the indexes of collection "${c.name}" can't be made: ${errorText(err)}`, { cause: err });
    }
  }
  for (const t of others) await copyIndexes(source, target, t.name, report.warnings);
  await createViews(
    target,
    collections.filter((c) => c.type === "view"),
  );
  for (const e of entries) {
    if (e.type === "view" && !known.has(e.name.toLowerCase()))
      report.warnings.push(`view "${e.name}" belongs to no collection: not copied`);
  }
  return report;
}

/**
 * refuseLongNames stops a copy whose tables, columns or indexes have names longer than the target keeps
 * (PostgreSQL's 63 bytes), before anything is written: cut there, two names could become one and a column
 * would come back under a name no field has. The error lists them, to be renamed on the source first.
 */
async function refuseLongNames(
  source: CopySource,
  entries: readonly TableEntry[],
  collections: readonly Collection[],
  d: Dialect,
): Promise<void> {
  const tooLong = (name: string): boolean => Buffer.byteLength(name) > d.maxIdentifierLength;
  const found: string[] = [];
  for (const e of entries) {
    if (tooLong(e.name)) found.push(`${e.type} "${e.name}"`);
    if (e.type !== "table") continue;
    for (const column of await columnsOf(source, e.name)) {
      if (tooLong(column.name)) found.push(`column "${e.name}.${column.name}"`);
    }
  }
  for (const c of collections) {
    for (const raw of c.indexes) {
      const name = parseIndex(raw).indexName;
      if (tooLong(name)) found.push(`index "${name}"`);
    }
  }
  if (found.length > 0)
    throw new Error(
      `the target database keeps names of at most ${d.maxIdentifierLength} bytes; rename these first: ${found.join(", ")}`,
    );
}

/** rowOrder orders a table's rows as they were first inserted where the table keeps it, else as they are stored. */
async function rowOrder(db: Readable, table: string): Promise<string> {
  const d = db.dialect;
  const has = d.hasInsertionKeySql(table);
  if (!has || (await db.all(has.text, has.params)).length > 0) return d.insertionOrder(table);
  return d.rowid(table);
}

/** The columns of a table, as the database describes them. */
async function columnsOf(db: Readable, table: string) {
  const statement = db.dialect.tableColumnsSql(table);
  return db.dialect.tableColumns(await db.all(statement.text, statement.params));
}

/** typeName is a column type without its default and constraints (`NUMERIC DEFAULT 0 NOT NULL` → NUMERIC). */
function typeName(columnType: string): string {
  return columnType.replace(/\s+(DEFAULT|PRIMARY|NOT|UNIQUE)\b.*$/is, "");
}

/** portableType is the target engine's type nearest to a column type of the source's. */
function portableType(declared: string, d: Dialect): string {
  const t = declared.toUpperCase();
  if (t.includes("BOOL")) return typeName(d.columnType("bool"));
  if (t.includes("JSON")) return typeName(d.columnType("json"));
  if (t.includes("INT")) return d.bigintType();
  if (/REAL|FLOA|DOUB|NUMERIC|DECIMAL/.test(t)) return typeName(d.columnType("number"));
  if (/BLOB|BYTEA/.test(t)) return d.paramsValueType();
  return d.textType();
}

/** createLikeTable makes a table no collection describes with the source's columns in portable types. */
async function createLikeTable(source: CopySource, target: Queryable, table: string): Promise<void> {
  const columns = await columnsOf(source, table);
  const keys = columns.filter((c) => c.primaryKey);
  const d = target.dialect;
  const defs = columns.map((c): [string, string] => [
    c.name,
    portableType(c.type, d) + (keys.length === 1 && c.primaryKey ? " PRIMARY KEY" : ""),
  ]);
  await target.exec(d.createTableSql(table, defs));
}

/** copyIndexes translates the indexes of a table no collection describes; one that won't is a warning. */
async function copyIndexes(source: CopySource, target: Queryable, table: string, warnings: string[]): Promise<void> {
  const statement = source.dialect.tableIndexesSql(table);
  for (const row of await source.all<{ name: string; sql: string | null }>(statement.text, statement.params)) {
    const idx = parseIndex(String(row.sql ?? ""));
    if (!isValidIndex(idx)) {
      warnings.push(`index "${row.name}" of table "${table}" can't be read: not copied`);
      continue;
    }
    try {
      await target.transaction((tx) => tx.exec(tx.dialect.createIndexSql(idx)));
    } catch (err) {
      warnings.push(`index "${row.name}" of table "${table}" can't be made here (${errorText(err)}): not copied`);
    }
  }
}

const isBytesType = (type: string) => /BYTEA|BLOB/i.test(type);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * portableValue is a source value as the target column takes it: bytes into a column of text become their
 * text, text into a column of bytes its bytes (the settings' `_params.value`); the rest goes as it is and
 * the target engine reads it as its column's type (1/0 as a boolean, JSON text as JSON).
 */
function portableValue(value: unknown, targetType: string): SqlValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return isBytesType(targetType) ? value : decoder.decode(value);
  if (typeof value === "string") return isBytesType(targetType) ? encoder.encode(value) : value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return value;
  return String(value);
}

/**
 * copyRows copies a table's rows, a page at a time (by its primary key when it has one, else by the row's
 * place): the target table exists. A source column the target lacks is added in a portable type (a warning
 * says so).
 */
async function copyRows(
  source: CopySource,
  target: Queryable,
  table: string,
  warnings: string[],
  onProgress: CopyProgress,
): Promise<number> {
  const s = source.dialect;
  const d = target.dialect;
  const sourceColumns = await columnsOf(source, table);
  let targetColumns = await columnsOf(target, table);
  for (const c of sourceColumns) {
    if (targetColumns.some((t) => t.name.toLowerCase() === c.name.toLowerCase())) continue;
    await target.exec(d.addColumnSql(table, c.name, portableType(c.type, d)));
    warnings.push(`column "${c.name}" of "${table}" is no field's: copied as it is`);
  }
  targetColumns = await columnsOf(target, table);
  const names = sourceColumns.map((c) => c.name);
  const types = names.map((n) => targetColumns.find((t) => t.name.toLowerCase() === n.toLowerCase())?.type ?? "");
  const isLogs = table === "_logs";
  const [counted] = await source.all<{ n: number | bigint }>(`SELECT count(*) AS n FROM ${s.quote(table)}`);
  const total = Number(counted?.n ?? 0);
  onProgress(table, 0, total);
  if (total === 0) return 0;

  // in the order the source's rows were first inserted (else its ctid's), which the target's then keeps: `@rowid`
  // and an unsorted read (a back-relation's expand) come in the same order on either
  const select = `SELECT ${names.map((n) => s.quote(n)).join(", ")} FROM ${s.quote(table)} ORDER BY ${await rowOrder(source, table)}`;
  const perInsert = Math.max(1, Math.min(pageRows, Math.floor(maxInsertParams / Math.max(1, names.length))));
  const insertHead = `INSERT INTO ${d.quote(table)} (${names.map((n) => d.quote(n)).join(", ")}) VALUES `;
  let copied = 0;
  await source.each(select, perInsert, async (rows) => {
    const params: SqlValue[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      const marks: string[] = [];
      for (let i = 0; i < names.length; i++) {
        let v = portableValue(row[names[i] ?? ""], types[i] ?? "");
        // a log may hold U+0000, which PostgreSQL's text refuses: logs keep it as U+FFFD, as they are written
        if (isLogs && typeof v === "string" && v.includes("\0")) v = v.replaceAll("\0", "\ufffd");
        params.push(v);
        marks.push(d.placeholder(params.length));
      }
      tuples.push(`(${marks.join(", ")})`);
    }
    try {
      await target.run(insertHead + tuples.join(", "), params);
    } catch (err) {
      throw new Error(`failed to copy the rows of "${table}" (after ${copied} rows): ${errorText(err)}`, {
        cause: err,
      });
    }
    copied += rows.length;
    onProgress(table, copied, Math.max(total, copied));
  });
  return copied;
}

/**
 * createViews makes the views of the view collections from their queries, in an order that works (a view
 * may read another): a query the target engine can't run is an error naming the collection.
 */
async function createViews(target: Queryable, views: Collection[]): Promise<void> {
  let pending = views;
  while (pending.length > 0) {
    const left: Collection[] = [];
    const failures: string[] = [];
    for (const c of pending) {
      try {
        await target.transaction((tx) => createView(tx, c.name, c.viewQuery));
      } catch (err) {
        left.push(c);
        failures.push(`view collection "${c.name}": ${errorText(err)}`);
      }
    }
    if (left.length === pending.length) {
      throw new Error(
        `${failures.join("; ")}. A viewQuery is SQL of the engine it runs on: rewrite it for ${target.dialect.name} (the collection's viewQuery) and copy again`,
      );
    }
    pending = left;
  }
}

function errorText(err: unknown): string {
  if (err instanceof ValidationErrors) return JSON.stringify(err.toJSON());
  return err instanceof Error ? err.message : String(err);
}
