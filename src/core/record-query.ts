import type { Queryable } from "../db/driver.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, sql } from "../db/sql.ts";
import { textIn } from "../db/text-in.ts";
import type { Collection } from "./collection-model.ts";
import { RecordModel } from "./record-model.ts";

export const defaultPerPage = 30;
export const maxPerPage = 1000;

/** The rendered statements of a collection's plain queries, built once per collection version. */
interface CollectionStatements {
  byId: string;
  insert: string;
  insertColumns: string[];
  update: string;
  deleteById: string;
}

const statementsCache = new WeakMap<Collection, CollectionStatements>();

/** statements returns the cached SQL of a collection (a saved collection is a new object: a new entry). */
export function statements(db: Queryable, c: Collection): CollectionStatements {
  let s = statementsCache.get(c);
  if (s) return s;
  const d = db.dialect;
  const table = d.quote(c.name);
  const columns = c.fields.map((f) => f.name);
  const quoted = columns.map((n) => d.quote(n));
  const id = d.quote("id");
  s = {
    byId: `SELECT * FROM ${table} WHERE ${id} = ${d.placeholder(1)} LIMIT 1`,
    insert: `INSERT INTO ${table} (${quoted.join(", ")}) VALUES (${columns.map((_, i) => d.placeholder(i + 1)).join(", ")})`,
    insertColumns: columns,
    update: `UPDATE ${table} SET ${quoted.map((col, i) => `${col} = ${d.placeholder(i + 1)}`).join(", ")} WHERE ${id} = ${d.placeholder(columns.length + 1)}`,
    deleteById: `DELETE FROM ${table} WHERE ${id} = ${d.placeholder(1)}`,
  };
  statementsCache.set(c, s);
  return s;
}

export async function findRecordById(db: Queryable, c: Collection, id: string): Promise<RecordModel | null> {
  if (id === "") return null;
  const row = await db.get<Record<string, unknown>>(statements(db, c).byId, [id]);
  return row ? new RecordModel(c, row) : null;
}

export async function findRecordsByIds(db: Queryable, c: Collection, ids: readonly string[]): Promise<RecordModel[]> {
  if (ids.length === 0) return [];
  const rows = await db.all<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(c.name)} WHERE ${textIn(db.dialect, sql`${ident("id")}`, ids)}`,
  );
  return rows.map((r) => new RecordModel(c, r));
}

export async function countRecordsByIds(db: Queryable, c: Collection, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await db.get<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM ${ident(c.name)} WHERE ${textIn(db.dialect, sql`${ident("id")}`, ids)}`,
  );
  return Number(row?.n ?? 0);
}

export async function recordIdExistsIgnoringCase(db: Queryable, c: Collection, id: string): Promise<boolean> {
  const row = await db.get(sql`SELECT 1 AS x FROM ${ident(c.name)} WHERE LOWER(${ident("id")}) = LOWER(${id}) LIMIT 1`);
  return row !== undefined;
}

export async function findAuthRecordByEmail(db: Queryable, c: Collection, email: string): Promise<RecordModel | null> {
  if (email === "") return null;
  // case-insensitive only when the email's unique index says so, as PocketBase looks it up
  const index = findSingleColumnUniqueIndex(c.indexes, "email");
  const nocase = index?.columns[0]?.collate.toLowerCase() === "nocase";
  const match = nocase ? sql`LOWER(${ident("email")}) = LOWER(${email})` : sql`${ident("email")} = ${email}`;
  const row = await db.get<Record<string, unknown>>(sql`SELECT * FROM ${ident(c.name)} WHERE ${match} LIMIT 1`);
  return row ? new RecordModel(c, row) : null;
}
