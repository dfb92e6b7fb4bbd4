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
 * addMissingInsertionKeys gives the tables of a database made before they kept the order their rows were
 * first inserted in (PostgreSQL: Dialect.insertionKeyColumn) the column that keeps it: the data database's
 * `_collections` and every collection's table, or the logs database's `_logs`. Their rows are numbered in
 * their stored order. One statement for all, each table checked first.
 */
export async function addMissingInsertionKeys(
  db: Pick<Queryable, "dialect" | "exec" | "all">,
  which: "data" | "logs",
): Promise<void> {
  const d = db.dialect;
  const first = which === "data" ? d.addInsertionKeySql("_collections") : d.addInsertionKeySql("_logs", true);
  if (!first) return;
  await db.exec(first);
  if (which === "logs") return;
  const tables = await db.all<{ name: string }>(
    `SELECT ${d.quote("name")} AS name FROM ${d.quote("_collections")} WHERE ${d.quote("type")} <> 'view'`,
  );
  const statements = tables.flatMap((t) => d.addInsertionKeySql(t.name) ?? []);
  if (statements.length > 0) await db.exec(statements.join(";\n"));
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

/**
 * `_logs` of the auxiliary database, with its indexes (the engine's: see Dialect.logsIndexesSql) and the
 * insertion key where the engine needs one (the logs list's `-@rowid`: PostgreSQL puts new rows in the room
 * old logs' deletion freed, so their place tells nothing of their order).
 */
export function logsTableSql(d: Dialect): string[] {
  const q = d.quote;
  const text = d.textType();
  const key = d.insertionKeyColumn(true);
  return [
    `CREATE TABLE IF NOT EXISTS ${q("_logs")} (${q("id")} ${text} PRIMARY KEY NOT NULL, ${q("level")} INTEGER DEFAULT 0 NOT NULL, ${q("message")} ${text} DEFAULT '' NOT NULL, ${q("data")} JSON DEFAULT '{}' NOT NULL, ${q("created")} ${text} DEFAULT '' NOT NULL${key ? `, ${key}` : ""})`,
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
