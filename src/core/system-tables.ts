import type { Dialect } from "../db/dialect.ts";
import type { Queryable } from "../db/driver.ts";

/**
 * The DDL of the tables that belong to no collection, as PocketBase creates them, in the engine's types:
 * the system migrations create them in a new database, and a data copy (migrate-data, a backup on a server
 * engine) in the database it fills, so that both make the same tables.
 */

/** `_migrations`: the applied migrations (`applied`: Unix microseconds). */
export function migrationsTableSql(d: Dialect): string {
  return `CREATE TABLE IF NOT EXISTS ${d.quote("_migrations")} (file VARCHAR(255) PRIMARY KEY NOT NULL, applied ${d.bigintType()} NOT NULL)`;
}

/**
 * The tables read in the order their rows were first inserted (as SQLite's rowid keeps it): `_collections`,
 * whose unsorted list is in the order the collections were created on either engine.
 */
const insertionOrdered: ReadonlySet<string> = new Set(["_collections"]);

/** rowOrder orders a table's rows as they are stored: by first insertion where the table keeps it, else by rowid. */
export function rowOrder(d: Dialect, table: string): string {
  return insertionOrdered.has(table) ? d.insertionOrder(table) : d.rowid(table);
}

/**
 * addMissingInsertionKeys gives the insertion-ordered tables of a database made before they kept their
 * insertion order (PostgreSQL) the column that keeps it; their rows are numbered in their stored order.
 */
export async function addMissingInsertionKeys(db: {
  dialect: Dialect;
  exec(sql: string): Promise<unknown>;
}): Promise<void> {
  for (const table of insertionOrdered) {
    const statement = db.dialect.addInsertionKeySql(table);
    if (statement) await db.exec(statement);
  }
}

/** `_params` (the settings) and `_collections` with its index. */
export function dataTablesSql(d: Dialect): string[] {
  const q = d.quote;
  const text = d.textType();
  const key = d.insertionKeyColumn();
  return [
    `CREATE TABLE ${q("_params")} (${q("id")} ${text} PRIMARY KEY NOT NULL, ${q("value")} ${d.paramsValueType()} DEFAULT NULL, ${q("created")} ${text} DEFAULT '' NOT NULL, ${q("updated")} ${text} DEFAULT '' NOT NULL)`,
    `CREATE TABLE ${q("_collections")} (${q("id")} ${text} PRIMARY KEY NOT NULL, ${q("system")} BOOLEAN DEFAULT FALSE NOT NULL, ${q("type")} ${text} DEFAULT 'base' NOT NULL, ${q("name")} ${text} UNIQUE NOT NULL, ${q("fields")} JSON DEFAULT '[]' NOT NULL, ${q("indexes")} JSON DEFAULT '[]' NOT NULL, ${q("listRule")} ${text} DEFAULT NULL, ${q("viewRule")} ${text} DEFAULT NULL, ${q("createRule")} ${text} DEFAULT NULL, ${q("updateRule")} ${text} DEFAULT NULL, ${q("deleteRule")} ${text} DEFAULT NULL, ${q("options")} JSON DEFAULT '{}' NOT NULL, ${q("created")} ${text} DEFAULT '' NOT NULL, ${q("updated")} ${text} DEFAULT '' NOT NULL${key ? `, ${key}` : ""})`,
    `CREATE INDEX IF NOT EXISTS idx__collections_type on ${q("_collections")} (${q("type")})`,
  ];
}

/** `_logs` of the auxiliary database, with its indexes (the engine's: see Dialect.logsIndexesSql). */
export function logsTableSql(d: Dialect): string[] {
  const q = d.quote;
  const text = d.textType();
  return [
    `CREATE TABLE IF NOT EXISTS ${q("_logs")} (${q("id")} ${text} PRIMARY KEY NOT NULL, ${q("level")} INTEGER DEFAULT 0 NOT NULL, ${q("message")} ${text} DEFAULT '' NOT NULL, ${q("data")} JSON DEFAULT '{}' NOT NULL, ${q("created")} ${text} DEFAULT '' NOT NULL)`,
    ...d.logsIndexesSql(),
  ];
}

/**
 * dropUnkeptLogsIndexes drops the logs table's indexes this engine doesn't keep (Dialect.droppedLogsIndexes)
 * where the table has them: a PocketBase data directory, a PostgreSQL database an earlier version made. Not
 * a migration: such a directory has every system migration recorded, and opening it records nothing new.
 */
export async function dropUnkeptLogsIndexes(db: Queryable): Promise<void> {
  const d = db.dialect;
  const unkept = new Set(d.droppedLogsIndexes.map((name) => name.toLowerCase()));
  const stmt = d.tableIndexesSql("_logs");
  for (const { name } of await db.all<{ name: string }>(stmt.text, stmt.params)) {
    if (unkept.has(name.toLowerCase())) await db.exec(d.dropIndexSql(name));
  }
}
