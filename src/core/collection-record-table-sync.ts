import type { ColumnKind, Dialect } from "../db/dialect.ts";
import type { Queryable } from "../db/driver.ts";
import { isValidIndex, parseIndex } from "../db/index-sql.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { Collection } from "./collection-model.ts";
import { loadCollections } from "./collection-query.ts";

/** hasTable reports whether a table or view exists (case-insensitively). */
export async function hasTable(db: Queryable, name: string): Promise<boolean> {
  const rows = await db.all<{ name: string }>(db.dialect.listTablesSql().text);
  return rows.some((r) => r.name.toLowerCase() === name.toLowerCase());
}

/**
 * syncRecordTable makes the collection's table match its fields and indexes: it creates the table for a
 * new collection, or renames, drops, adds and renames columns (data kept), converts single↔multiple
 * values and rebuilds the indexes. It must run inside the transaction that stores the collection.
 */
export async function syncRecordTable(tx: Queryable, next: Collection, old: Collection | null): Promise<void> {
  if (next.type === "view") return;
  const d = tx.dialect;
  const columnType = (c: Collection, name: string) => {
    const f = c.fields.byName(name);
    return f ? d.columnType(f.columnKind()) : "";
  };

  if (!old || !(await hasTable(tx, old.name))) {
    await createRecordTable(tx, next);
    await createIndexes(tx, next);
    return;
  }

  const rename = old.name !== next.name;
  const indexesChanged =
    rename ||
    JSON.stringify(old.fields.map((f) => f.toJSON())) !== JSON.stringify(next.fields.map((f) => f.toJSON())) ||
    JSON.stringify(old.indexes) !== JSON.stringify(next.indexes);

  if (indexesChanged) await dropIndexes(tx, old);
  if (rename) {
    if (old.name.toLowerCase() === next.name.toLowerCase()) {
      // a case-only rename needs a detour: table names are case-insensitive
      const temp = `_${next.name}_${pseudorandomString(5)}`;
      await tx.exec(d.renameTableSql(old.name, temp));
      await tx.exec(d.renameTableSql(temp, next.name));
    } else await tx.exec(d.renameTableSql(old.name, next.name));
  }

  for (const oldField of old.fields) {
    if (!next.fields.byId(oldField.id))
      await execOrExplain(tx, d.dropColumnSql(next.name, oldField.name), `failed to drop column ${oldField.name}`);
  }

  // added and renamed columns go through temporary names so that names can be swapped between fields
  const toRename: [string, string][] = [];
  for (const field of next.fields) {
    const oldField = old.fields.byId(field.id);
    if (!oldField) {
      const temp = field.name + pseudorandomString(5);
      const add = d.addColumnSql(next.name, temp, columnType(next, field.name));
      await execOrExplain(tx, add, `failed to add column ${field.name}`);
      toRename.push([temp, field.name]);
    } else if (oldField.name !== field.name) {
      const temp = field.name + pseudorandomString(5);
      const rename = d.renameColumnSql(next.name, oldField.name, temp);
      await execOrExplain(tx, rename, `failed to rename column ${oldField.name}`);
      toRename.push([temp, field.name]);
    }
  }
  for (const [temp, name] of toRename) await tx.exec(d.renameColumnSql(next.name, temp, name));

  await convertSingleMultiple(tx, next, old);
  if (indexesChanged) await createIndexes(tx, next);
}

/** createRecordTable creates a base or auth collection's table, without its indexes (createIndexes). */
export async function createRecordTable(tx: Queryable, collection: Collection): Promise<void> {
  const d = tx.dialect;
  // columns in name order, as PocketBase creates them
  const columns = collection.fields
    .map((f): [string, string] => [f.name, d.columnType(f.columnKind())])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await tx.exec(d.createTableSql(collection.name, columns, true));
}

/** execOrExplain runs a DDL statement, prefixing a failure with what was being done. */
async function execOrExplain(tx: Queryable, statement: string, doing: string): Promise<void> {
  try {
    await tx.exec(statement);
  } catch (err) {
    throw new Error(`${doing} - ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The kinds of a JSON field's and a point's columns, which an engine may keep as JSON text (Dialect.columnType). */
const jsonKinds: ReadonlySet<ColumnKind> = new Set(["json", "geoPoint"]);

/**
 * indexFailure words why an index couldn't be made; rows that a unique index would find twice as SQLite (so
 * PocketBase) says it, whatever the engine: `UNIQUE constraint failed: table.column`.
 */
function indexFailure(d: Dialect, collection: Collection, err: unknown): string {
  const v = d.uniqueViolation(err);
  if (v && v.columns.length > 0)
    return `UNIQUE constraint failed: ${v.columns.map((c) => `${v.table || collection.name}.${c}`).join(", ")}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * upgradeRecordColumns brings the collections' columns an earlier version made to the types this one makes
 * (Dialect.columnUpgradeSql: on PostgreSQL a JSON field's and a point's, from JSONB to JSON), each
 * collection's in a transaction with its indexes and the views dropped around the change. Nothing to do once
 * they are.
 */
export async function upgradeRecordColumns(db: Queryable): Promise<void> {
  const d = db.dialect;
  for (const collection of await loadCollections(db)) {
    const fields = collection.fields.filter((f) => jsonKinds.has(f.columnKind()));
    if (collection.type === "view" || fields.length === 0) continue;
    const statement = d.tableColumnsSql(collection.name);
    const declared = new Map(
      d.tableColumns(await db.all(statement.text, statement.params)).map((c) => [c.name, c.type] as const),
    );
    const upgrades = fields.flatMap(
      (f) => d.columnUpgradeSql(collection.name, f.name, f.columnKind(), declared.get(f.name) ?? "") ?? [],
    );
    if (upgrades.length === 0) continue;
    await db.transaction(async (tx) => {
      const views = await tx.all<{ name: string; sql: string }>(d.listViewsSql().text);
      for (const v of views) await tx.exec(d.dropViewSql(v.name));
      await dropIndexes(tx, collection);
      for (const upgrade of upgrades) await tx.exec(upgrade);
      await createIndexes(tx, collection);
      for (const v of views) await tx.exec(v.sql);
    });
  }
}

/** Fields switching between one value and a list get a new column with the values converted. */
async function convertSingleMultiple(tx: Queryable, next: Collection, old: Collection): Promise<void> {
  const d = tx.dialect;
  for (const field of next.fields) {
    const oldField = old.fields.byId(field.id);
    if (!oldField || oldField.isMultiple() === field.isMultiple()) continue;
    // views may select the column: drop them around the change
    const views = await tx.all<{ name: string; sql: string }>(d.listViewsSql().text);
    for (const v of views) await tx.exec(d.dropViewSql(v.name));
    const temp = `_${field.name}${pseudorandomString(5)}`;
    await tx.exec(d.renameColumnSql(next.name, field.name, temp));
    await tx.exec(d.addColumnSql(next.name, field.name, d.columnType(field.columnKind())));
    await tx.exec(
      field.isMultiple()
        ? d.scalarToArraySql(next.name, field.name, temp)
        : d.arrayToScalarSql(next.name, field.name, temp),
    );
    await tx.exec(d.dropColumnSql(next.name, temp));
    for (const v of views) await tx.exec(v.sql);
  }
}

export async function dropIndexes(tx: Queryable, collection: Collection): Promise<void> {
  if (collection.type === "view") return;
  for (const raw of collection.indexes) {
    const idx = parseIndex(raw);
    if (idx.indexName !== "") await tx.exec(tx.dialect.dropIndexSql(idx.indexName));
  }
}

/** createIndexes creates the collection's indexes; failures are validation errors under `indexes`. */
export async function createIndexes(tx: Queryable, collection: Collection): Promise<void> {
  if (collection.type === "view") return;
  const errs = new ValidationErrors();
  const jsonColumns = new Set(collection.fields.filter((f) => jsonKinds.has(f.columnKind())).map((f) => f.name));
  const columnNames = collection.fields.map((f) => f.name);
  for (const [i, raw] of collection.indexes.entries()) {
    const idx = parseIndex(raw);
    idx.tableName = collection.name;
    if (!isValidIndex(idx)) {
      errs.set(
        String(i),
        new ValidationError("validation_invalid_index_expression", "Invalid CREATE INDEX expression."),
      );
      continue;
    }
    try {
      await tx.exec(tx.dialect.createIndexSql(idx, jsonColumns, columnNames));
    } catch (err) {
      const message = indexFailure(tx.dialect, collection, err);
      errs.set(
        String(i),
        new ValidationError(
          "validation_invalid_index_expression",
          `Failed to create index ${idx.indexName} - ${message}.`,
        ),
      );
    }
  }
  if (!errs.isEmpty) throw new ValidationErrors({ indexes: errs });
}
