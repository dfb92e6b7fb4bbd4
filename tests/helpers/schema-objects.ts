/**
 * The tables, views and indexes of a test app's database, read through the dialect, so that a test checks
 * the schema the same way on every engine.
 */
import type { Queryable } from "../../src/db/driver.ts";

export interface SchemaObject {
  name: string;
  type: "table" | "view" | "index";
  /** The table an index is on (the object itself for a table or view). */
  table: string;
}

export async function schemaObjects(db: Queryable): Promise<SchemaObject[]> {
  const tables = db.dialect.listTablesSql();
  const indexes = db.dialect.listIndexesSql();
  const out: SchemaObject[] = [];
  for (const r of await db.all<{ name: string; type: string }>(tables.text, tables.params))
    out.push({ name: r.name, type: r.type === "view" ? "view" : "table", table: r.name });
  for (const r of await db.all<{ name: string; table: string }>(indexes.text, indexes.params))
    out.push({ name: r.name, type: "index", table: r.table });
  return out;
}

/** schemaObject finds a table, view or index by its exact name. */
export async function schemaObject(db: Queryable, name: string): Promise<SchemaObject | undefined> {
  return (await schemaObjects(db)).find((o) => o.name === name);
}

/** columnNames lists a table's or view's columns, sorted. */
export async function columnNames(db: Queryable, table: string): Promise<string[]> {
  const stmt = db.dialect.tableColumnsSql(table);
  return db.dialect
    .tableColumns(await db.all(stmt.text, stmt.params))
    .map((c) => c.name)
    .sort();
}
