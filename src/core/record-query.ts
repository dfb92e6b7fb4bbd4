import type { Queryable } from "../db/driver.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, join, raw, type Sql, sql } from "../db/sql.ts";
import {
  maxSortFieldLength,
  maxSortFields,
  randomSortKey,
  rowidSortKey,
  type SortField,
} from "../tools/search/sort.ts";
import type { Collection } from "./collection-model.ts";
import { RecordModel } from "./record-model.ts";
import type { ListResult } from "./request-event.ts";

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
    sql`SELECT * FROM ${ident(c.name)} WHERE ${ident("id")} IN (${join(
      ids.map((i) => sql`${i}`),
      ", ",
    )})`,
  );
  return rows.map((r) => new RecordModel(c, r));
}

export async function countRecordsByIds(db: Queryable, c: Collection, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await db.get<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM ${ident(c.name)} WHERE ${ident("id")} IN (${join(
      ids.map((i) => sql`${i}`),
      ", ",
    )})`,
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

/** What a list query asks for: paging and optional conditions and ordering (already compiled). */
export interface ListOptions {
  page: number;
  perPage: number;
  skipTotal: boolean;
  where?: Sql | null;
  orderBy?: Sql | null;
}

/**
 * listRecords returns one page of a collection's records. The count (skipped with skipTotal, giving -1)
 * uses the same conditions; without conditions or ordering the SQL text is the same for every request.
 */
export async function listRecords(db: Queryable, c: Collection, opts: ListOptions): Promise<ListResult<RecordModel>> {
  const table = ident(c.name);
  const where = opts.where ? sql` WHERE ${opts.where}` : raw("");
  const order = opts.orderBy ? sql` ORDER BY ${opts.orderBy}` : raw("");
  const offset = (opts.page - 1) * opts.perPage;
  // a page far past any possible row count is empty (the offset wouldn't even fit a 64-bit integer)
  const rows =
    offset > Number.MAX_SAFE_INTEGER
      ? []
      : await db.all<Record<string, unknown>>(
          sql`SELECT ${table}.* FROM ${table}${where}${order} LIMIT ${opts.perPage} OFFSET ${offset}`,
        );
  const items = rows.map((r) => new RecordModel(c, r));
  let totalItems = -1;
  let totalPages = -1;
  if (!opts.skipTotal) {
    const count = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${table}${where}`);
    totalItems = Number(count?.n ?? 0);
    totalPages = Math.ceil(totalItems / opts.perPage);
  }
  return { page: opts.page, perPage: opts.perPage, totalItems, totalPages, items };
}

/** InvalidSortError is a sort expression naming something that can't be sorted by. */
export class InvalidSortError extends Error {}

/**
 * sortToSql turns parsed sort fields into an ORDER BY list over the collection's own columns
 * (plus `@random` and `@rowid`). Hidden fields can be sorted by only when `allowHidden` (superusers).
 */
export function sortToSql(
  db: Queryable,
  c: Collection,
  fields: readonly SortField[],
  allowHidden: boolean,
): Sql | null {
  if (fields.length === 0) return null;
  if (fields.length > maxSortFields) throw new InvalidSortError(`too many sort expressions (max ${maxSortFields})`);
  const parts: Sql[] = [];
  for (const f of fields) {
    if (f.name.length > maxSortFieldLength)
      throw new InvalidSortError(`sort field ${JSON.stringify(f.name.slice(0, 20))}... is too long`);
    if (f.name === randomSortKey) parts.push(raw(db.dialect.randomOrder()));
    else if (f.name === rowidSortKey) parts.push(raw(`${db.dialect.rowid(c.name)} ${f.direction}`));
    else if (isSortable(c, f.name, allowHidden)) parts.push(sql`${ident(c.name)}.${ident(f.name)} ${raw(f.direction)}`);
    else throw new InvalidSortError(`invalid sort field ${JSON.stringify(f.name)}`);
  }
  return join(parts, ", ");
}

function isSortable(c: Collection, name: string, allowHidden: boolean): boolean {
  const field = c.fields.byName(name);
  return field !== undefined && (allowHidden || !field.hidden);
}
