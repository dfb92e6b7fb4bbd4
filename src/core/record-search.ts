import type { Dialect, OrderKey } from "../db/dialect.ts";
import type { ReadScope } from "../db/driver.ts";
import { findIndexLedBy } from "../db/index-sql.ts";
import { Identifier, ident, join, raw, Sql, type SqlValue, type Statement, sql } from "../db/sql.ts";
import { textIn } from "../db/text-in.ts";
import { aliasesRead, type PlacedQuery, placeConditions, rejectsNullRow } from "../tools/search/condition-placement.ts";
import { buildFilter, buildFilterTree, maxFilterLength } from "../tools/search/filter-sql.ts";
import { type FilterTree, renderFilterTree } from "../tools/search/filter-tree.ts";
import { type Join, joinClauses } from "../tools/search/resolver-result.ts";
import {
  maxSortFieldLength,
  maxSortFields,
  randomSortKey,
  rowidSortKey,
  type SortField,
} from "../tools/search/sort.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RecordFieldResolver } from "./record-field-resolver.ts";
import { RecordModel } from "./record-model.ts";
import { cached, joinableRules, readsNoRequest, searchCacheKey } from "./record-search-cache.ts";
import type { RequestInfo } from "./request-event.ts";

/** SearchError is a filter, sort or rule that can't be compiled; the API answers it with a 400. */
export class SearchError extends Error {}

/** What a records query asks for, beyond paging. */
export interface RecordSearch {
  collection: Collection;
  requestInfo: RequestInfo | null;
  /** The access rule to apply (`null`/`""`/undefined: none; superusers bypass it anyway). */
  rule?: string | null;
  /** A client filter (hidden fields and rule-less joins are refused for non-superusers). */
  filter?: string;
  sort?: readonly SortField[];
}

/** The compiled parts of a records query. */
export interface CompiledSearch {
  table: Sql;
  joins: Sql;
  /**
   * The FROM of the sorted list when it is better walked in the order of a related row (orderedThrough):
   * in place of table and joins.
   */
  sortedFrom: Sql | null;
  where: Sql | null;
  orderBy: Sql | null;
  /** The keys of orderBy. */
  orderKeys: OrderKey[];
  /** Some join can repeat a row: select distinct rows. */
  distinct: boolean;
  /** The joins the count needs: those its WHERE reads through (a LEFT JOIN alone never drops a row). */
  countJoins: Sql;
  /** The count's WHERE: the same conditions, placed for a count (no sort to keep joins for). */
  countWhere: Sql | null;
  /** Count distinct rows: a join of the count can repeat a row. */
  countDistinct: boolean;
  /** The same search placed for a few rows picked by key (PlacementInput.fewRows): views and expands. */
  fewRows: { joins: Sql; where: Sql | null; distinct: boolean; isolate: boolean };
  /**
   * Joins that can multiply rows without bound, left as joins or as subqueries run per row: run isolated,
   * with the query timeout.
   */
  isolate: boolean;
}

function isSuperuser(info: RequestInfo | null): boolean {
  return info?.auth?.collection.name === "_superusers";
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SearchError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new SearchError(`${what}: ${message}`);
  }
}

/**
 * compileSearch builds the joins, WHERE and ORDER BY of a records query: the access rule (with hidden fields
 * allowed), then the client filter and sort (hidden fields and rule-less joins refused unless superuser).
 */
export function compileSearch(app: App, s: RecordSearch): CompiledSearch {
  const superuser = isSuperuser(s.requestInfo);
  // a view's or a lookup's search (no filter, no sort) under a rule that reads nothing of the request: kept by
  // the rule's text alone, without making the general key
  if (!s.filter && !s.sort?.length) {
    const rule = superuser ? "" : (s.rule ?? "");
    if (rule === "" || readsNoRequest(rule)) {
      return cached(s.collection, `\u0001${superuser ? 1 : 0}\u0000${rule}`, () => compileUncached(app, s, superuser));
    }
  }
  // a client filter or sort joins other collections, whose list rules then hold for the requester
  const joins = !superuser && (!!s.filter || (s.sort?.length ?? 0) > 0);
  const joinedRules = joins ? joinableRules(s.collection, () => app.findAllCollections()) : [];
  const key = searchCacheKey(s.requestInfo, superuser, s.rule, s.filter, s.sort, joinedRules);
  return key === null
    ? compileUncached(app, s, superuser)
    : cached(s.collection, key, () => compileUncached(app, s, superuser));
}

function compileUncached(app: App, s: RecordSearch, superuser: boolean): CompiledSearch {
  const resolver = new RecordFieldResolver(app, s.collection, s.requestInfo, { allowHiddenFields: true });
  const conditions: FilterTree[] = [];
  if (!superuser && s.rule) {
    const rule = s.rule;
    conditions.push(wrap("invalid rule", () => buildFilterTree(rule, resolver)));
  }
  resolver.options.allowHiddenFields = superuser;
  if (s.filter) {
    const filter = s.filter;
    if (Buffer.byteLength(filter) > maxFilterLength)
      throw new SearchError(`the filter is too long (max ${maxFilterLength} bytes)`);
    conditions.push(wrap("invalid filter", () => buildFilterTree(filter, resolver)));
  }
  const orderKeys =
    s.sort && s.sort.length > 0 ? wrap("invalid sort", () => buildSort(resolver, s.sort ?? [], conditions)) : [];
  const sortKeys = orderKeys.map((k) => k.item);
  const orderBy = sortKeys.length > 0 ? join(sortKeys, ", ") : null;
  const parts = wrap("invalid filter", () => resolver.queryParts());
  conditions.push(...parts.conditions);
  const d = app.db.dialect;
  const base = resolver.baseAlias;
  // a to-one join whose conditions keep most rows (author.verified = true), driven from the joined table,
  // would look most searched rows up at random through the relation's index, slower than reading them in
  // turn: it is read from the searched rows, as an IN list checked row by row or a join on the unindexed key.
  // Only a count that reads nothing else of the rows walks the index: it gets its own placement.
  const input = {
    baseAlias: base,
    joins: parts.joins,
    conditions,
    pinned: orderBy ? aliasesRead(orderBy) : new Set<string>(),
  };
  const readsAll = sortKeys.length > 0 && !indexedSort(s.collection, base, sortKeys[0] as Sql, d);
  const placed = placeConditions({ ...input, unindexed: d.unindexed, readsAll });
  // the count has no sort to keep joins for; it walks the relation's index only when it reads nothing else
  let counted = placeConditions({ ...input, pinned: new Set(), readsAll: true });
  const countReadsRows = counted.where !== null && readsBeyondJoins(counted.where, base, parts.joins);
  if (countReadsRows)
    counted = placeConditions({ ...input, pinned: new Set(), readsAll: true, unindexed: d.unindexed });
  const countFrom = fromJoins(d, counted, base, { count: true, unindexed: countReadsRows });
  const countWhere = counted.where;
  const few = placeConditions({ ...input, pinned: new Set(), fewRows: true });
  const table = sql`${ident(s.collection.name)}`;
  // a join that can multiply rows makes a query risky; placed with each such join as an IN list collected
  // once, and no subquery left that runs per row, the query reads each table at most once like any other.
  // So does one looking the searched row's rows up through an indexed back-relation (indexedBackRelations),
  // unless two multi-valued paths are compared item by item
  const risky = resolver.mayRunAway(conditions);
  const perRow = (q: PlacedQuery) => q.distinct || (q.where !== null && d.render(q.where).text.includes("EXISTS"));
  const listJoins = fromJoins(d, placed, base, { count: false, unindexed: true });
  return {
    table,
    joins: joinClauses(listJoins),
    sortedFrom:
      orderedThrough(d, s.collection, table, base, placed, conditions, sortKeys) ??
      (readsAll ? orderedWalk(d, table, base, placed, listJoins, conditions, sortKeys) : null),
    where: placed.where,
    orderBy,
    orderKeys,
    distinct: placed.distinct,
    countJoins: joinClauses(countFrom),
    countWhere,
    countDistinct: countFrom.some((j) => !j.toOne),
    fewRows: { joins: joinClauses(few.joins), where: few.where, distinct: few.distinct, isolate: risky },
    isolate: risky && (perRow(placed) || perRow(counted)),
  };
}

/**
 * fromJoins are the joins a placed query keeps (for a count, only those its WHERE reads); with `unindexed`, a
 * to-one join on conditions that keep most rows is joined on its unindexed key, read from the searched rows.
 */
function fromJoins(d: Dialect, placed: PlacedQuery, base: string, how: { count: boolean; unindexed: boolean }): Join[] {
  const joins = how.count ? joinsReadBy(d, placed.joins, placed.where) : placed.joins;
  return joins.map((j) =>
    how.unindexed && placed.broad.has(j.alias) && j.equals && j.parent === base
      ? { ...j, on: sql`${j.equals[0]} = ${d.unindexed(j.equals[1])}` }
      : j,
  );
}

/**
 * orderedThrough is the FROM of a list sorted first by fields of a to-one relation (`sort=author.name,-created`)
 * when walking the related rows in that order, each with its own rows through the relation's index, beats
 * sorting every row: the conditions drop rows without the related row, and read nothing else of the rows
 * (each related row's rows all qualify, so the walk stops after the first page). Else null.
 */
function orderedThrough(
  d: Dialect,
  collection: Collection,
  table: Sql,
  base: string,
  placed: PlacedQuery,
  conditions: readonly FilterTree[],
  sortKeys: readonly Sql[],
): Sql | null {
  const first = sortKeys[0] ? [...aliasesRead(sortKeys[0])] : [];
  const j = placed.joins.find((x) => x.alias === first[0]);
  if (first.length !== 1 || !j?.toOne || j.parent !== base || !j.equals) return null;
  const [key, dot, column] = j.equals[1].parts;
  const keyed = key instanceof Identifier && key.name === base && dot === "." && column instanceof Identifier;
  if (!keyed || !findIndexLedBy(collection.indexes, column.name)) return null;
  if (!rejectsNullRow(conditions, j.alias)) return null;
  if (placed.where && readsBeyondJoins(placed.where, base, placed.joins)) return null;
  if (placed.joins.some((x) => !x.toOne)) return null;
  const lead: Sql[] = [];
  for (const k of sortKeys) {
    const read = aliasesRead(k);
    if (read.size !== 1 || !read.has(j.alias)) break;
    lead.push(k);
  }
  const rows = d.orderedRows(sql`SELECT * FROM ${j.table} ${ident(j.alias)} ORDER BY ${join(lead, ", ")}`);
  const others = placed.joins.filter((x) => x !== j);
  return sql`${rows} ${ident(j.alias)} ${raw(d.joinInOrder)} ${table} ON ${j.equals[1]} = ${j.equals[0]}${joinClauses(others)}`;
}

/**
 * orderedWalk is the FROM of a list sorted by the row's own fields (no index serving the first) whose
 * conditions keep most rows but look related rows up through joins (`user = @request.auth.id ||
 * post.author.verified = true`): the rows sorted first, then read in that order with their lookups until the
 * page is full, instead of looking every row's related rows up before sorting. Else null.
 */
function orderedWalk(
  d: Dialect,
  table: Sql,
  base: string,
  placed: PlacedQuery,
  joins: readonly Join[],
  conditions: readonly FilterTree[],
  sortKeys: readonly Sql[],
): Sql | null {
  if (placed.distinct || joinsReadBy(d, joins, placed.where).length === 0) return null;
  if (!keepsMostRows({ kind: "and", items: [...conditions] })) return null;
  const own = sortKeys.every((k) => {
    const read = aliasesRead(k);
    return read.size === 1 && read.has(base);
  });
  if (!own) return null;
  const rows = d.orderedRows(sql`SELECT * FROM ${table} ORDER BY ${join(sortKeys, ", ")}`);
  return sql`${rows} ${ident(base)}${joinClauses(joins)}`;
}

/** keepsMostRows tells whether conditions are likely to hold for most rows (FilterAtom.broad). */
function keepsMostRows(t: FilterTree): boolean {
  if (t.kind === "atom") return t.broad === true;
  return t.kind === "and" ? t.items.every(keepsMostRows) : t.items.some(keepsMostRows);
}

/** readsBeyondJoins tells whether a condition reads columns of the base row other than the joins' keys. */
function readsBeyondJoins(where: Sql, base: string, joins: readonly Join[]): boolean {
  const keys = new Set(
    joins.flatMap((j) => {
      const key = j.parent === base && j.equals ? j.equals[1].parts : [];
      const column = key[2];
      return key[0] instanceof Identifier && key[0].name === base && column instanceof Identifier ? [column.name] : [];
    }),
  );
  const beyond = (f: Sql): boolean =>
    f.parts.some((p, i) => {
      if (p instanceof Sql) return beyond(p);
      if (!(p instanceof Identifier) || p.name !== base || f.parts[i + 1] !== ".") return false;
      const column = f.parts[i + 2];
      return !(column instanceof Identifier && keys.has(column.name));
    });
  return beyond(where);
}

/**
 * joinsReadBy keeps the joins that `where` reads through, directly or through another kept join (the
 * joins a sort alone needs are left out of the count). Joins come in dependency order, so the scan is
 * backwards: a kept join's own text may name an earlier alias.
 */
function joinsReadBy(d: Dialect, joins: readonly Join[], where: Sql | null): Join[] {
  if (joins.length === 0 || where === null) return [];
  const texts = [d.render(where).text];
  const kept: Join[] = [];
  for (let i = joins.length - 1; i >= 0; i--) {
    const j = joins[i] as Join;
    const quoted = d.render(sql`${ident(j.alias)}`).text;
    if (!texts.some((t) => t.includes(quoted))) continue;
    kept.unshift(j);
    texts.push(d.render(joinClauses([j])).text);
  }
  return kept;
}

/**
 * buildSort writes the ORDER BY keys. A key that may be NULL gets its NULLs where SQLite puts them
 * (Dialect.orderDirection), unless the conditions keep only rows where it can't be (a joined record's column
 * with `author.verified = true`): a key known not NULL keeps the order an index walks.
 */
function buildSort(
  resolver: RecordFieldResolver,
  fields: readonly SortField[],
  conditions: readonly FilterTree[],
): OrderKey[] {
  if (fields.length > maxSortFields) throw new SearchError(`too many sort expressions (max ${maxSortFields})`);
  const d = resolver.dialect;
  const parts = fields.map((f): OrderKey => {
    if (Buffer.byteLength(f.name) > maxSortFieldLength)
      throw new SearchError(`sort field ${JSON.stringify(f.name.slice(0, 20))}... is too long`);
    if (f.name === randomSortKey) {
      const random = raw(d.randomOrder());
      return { item: random, value: random, direction: "ASC" };
    }
    if (f.name === rowidSortKey) {
      const rowid = d.insertionOrder(resolver.baseAlias);
      return { item: raw(`${rowid} ${f.direction}`), value: raw(rowid), direction: f.direction };
    }
    let resolved: ReturnType<RecordFieldResolver["resolve"]>;
    try {
      resolved = resolver.resolve(f.name);
    } catch {
      throw new SearchError(`invalid sort field ${JSON.stringify(f.name)}`);
    }
    if ((resolved.params?.length ?? 0) > 0 || resolved.kind === "null" || resolved.kind === "bool") {
      throw new SearchError(`invalid sort field ${JSON.stringify(f.name)}`);
    }
    const value = d.orderValue(resolved.sql, resolved.type);
    const missing = resolved.nullWhenMissing;
    const nullable = resolved.notNull !== true && !(missing !== undefined && rejectsNullRow(conditions, missing));
    const direction = d.orderDirection(f.direction, nullable);
    return { item: sql`${value} ${raw(direction)}`, value, direction };
  });
  return parts;
}

/** The rendered SELECT and COUNT of a compiled search, made once per compiled search. */
interface RenderedSearch {
  select: Statement;
  count: Statement;
  /** The SELECT of one record by id, and where the id goes among its parameters. */
  byId: Statement;
  byIdParam: number;
  /** The SELECT's text with a LIMIT and an OFFSET placeholder, per limit. */
  paged: Map<number, string>;
}

/** A value no request can send, marking the id's place among the rendered parameters. */
const idSentinel = "\u0000id\u0000";

const renderedSearches = new WeakMap<CompiledSearch, RenderedSearch>();

function rendered(app: App, collection: Collection, c: CompiledSearch): RenderedSearch {
  let r = renderedSearches.get(c);
  if (r) return r;
  const d = app.db.dialect;
  const order = c.orderBy ? sql` ORDER BY ${c.orderBy}` : raw("");
  const key =
    collection.type === "view" ? sql`${ident(collection.name)}.${ident("id")}` : raw(d.rowid(collection.name));
  const countWhere = c.countWhere ? sql` WHERE ${c.countWhere}` : raw("");
  const idCond = sql`${ident(collection.name)}.${ident("id")} = ${idSentinel}`;
  const few = forFewRows(c);
  const byIdWhere = few.where ? sql`${idCond} AND ${few.where}` : idCond;
  const columns = sql`${ident(collection.name)}.*`;
  const where = c.where ? sql` WHERE ${c.where}` : raw("");
  r = {
    select: d.render(
      c.distinct && c.orderKeys.length > 0 && !c.sortedFrom
        ? d.distinctOrdered(
            columns,
            c.table,
            sql`${c.joins}${where}`,
            sql`${ident(collection.name)}.${ident("id")}`,
            c.orderKeys,
          )
        : sql`${selectFrom(c.sortedFrom ? { ...c, table: c.sortedFrom, joins: raw("") } : c, columns)}${order}`,
    ),
    // COUNT(*) is far cheaper than COUNT(DISTINCT ...), which only a join that can repeat a row needs (a
    // sort's, that the WHERE reads too); which side drives the to-one joins is set in compileUncached
    count: d.render(
      sql`SELECT ${c.countDistinct ? sql`COUNT(DISTINCT ${key})` : raw("COUNT(*)")} AS n FROM ${c.table}${c.countJoins}${countWhere}`,
    ),
    byId: d.render(sql`${selectFrom({ ...few, where: byIdWhere }, sql`${ident(collection.name)}.*`)} LIMIT 1`),
    byIdParam: -1,
    paged: new Map(),
  };
  r.byIdParam = r.byId.params.indexOf(idSentinel);
  renderedSearches.set(c, r);
  return r;
}

/**
 * indexedSort tells whether the first sort key comes in order from an index (a column an index starts with,
 * the row id, the record id): the list then stops after its page instead of reading every row.
 */
function indexedSort(collection: Collection, base: string, key: Sql, d: Dialect): boolean {
  const [head] = key.parts;
  if (typeof head === "string") return head.startsWith(`${d.insertionOrder(base)} `);
  if (!(head instanceof Sql)) return false;
  const [alias, dot, column] = head.parts;
  if (!(alias instanceof Identifier) || alias.name !== base || dot !== "." || !(column instanceof Identifier))
    return false;
  return column.name === "id" || findIndexLedBy(collection.indexes, column.name) !== null;
}

/** forFewRows is a compiled search as placed for a few rows picked by key. */
function forFewRows(c: CompiledSearch): CompiledSearch {
  return { ...c, ...c.fewRows, sortedFrom: null };
}

function selectFrom(c: CompiledSearch, columns: Sql): Sql {
  const where = c.where ? sql` WHERE ${c.where}` : raw("");
  return sql`SELECT ${raw(c.distinct ? "DISTINCT " : "")}${columns} FROM ${c.table}${c.joins}${where}`;
}

/**
 * findRecords runs a compiled search with ordering and paging and builds the records. The scope, when
 * given, is the request's read budget (its deadline and requester).
 */
export async function findRecords(
  app: App,
  collection: Collection,
  c: CompiledSearch,
  limit: number,
  offset: number,
  scope?: ReadScope,
): Promise<RecordModel[]> {
  const rows = await findRows(app, collection, c, limit, offset, scope);
  return rows.map((r) => new RecordModel(collection, r));
}

/** findRows is findRecords' rows, for a caller that makes their JSON without records (rowExporter). */
export function findRows(
  app: App,
  collection: Collection,
  c: CompiledSearch,
  limit: number,
  offset: number,
  scope?: ReadScope,
): Promise<Record<string, unknown>[]> {
  const r = rendered(app, collection, c);
  // the limit is written into the text (a validated integer): SQLite re-plans a statement whose LIMIT is a
  // parameter on every run, while a bound OFFSET costs nothing; the text is kept per limit
  let text = r.paged.get(limit);
  if (text === undefined) {
    text = `${r.select.text} LIMIT ${Math.trunc(limit)} OFFSET ${app.db.dialect.placeholder(r.select.params.length + 1)}`;
    if (r.paged.size < 8) r.paged.set(limit, text);
  }
  const params = r.select.params.length === 0 ? [offset] : [...r.select.params, offset];
  return app.db.all<Record<string, unknown>>(text, params, { isolate: c.isolate, scope });
}

/** countRecords counts the distinct rows matching a compiled search. */
export async function countRecords(
  app: App,
  collection: Collection,
  c: CompiledSearch,
  scope?: ReadScope,
): Promise<number> {
  const { count } = rendered(app, collection, c);
  const [row] = await app.db.all<{ n: number }>(count.text, count.params, { isolate: c.isolate, scope });
  return Number(row?.n ?? 0);
}

/** findRecordByIdWithRule loads a record only if the rule allows the requester to see it. */
export async function findRecordByIdWithRule(
  app: App,
  collection: Collection,
  id: string,
  rule: string | null | undefined,
  requestInfo: RequestInfo | null,
  scope?: ReadScope,
): Promise<RecordModel | null> {
  const row = await findRowByIdWithRule(app, collection, id, rule, requestInfo, scope);
  return row ? new RecordModel(collection, row) : null;
}

/** findRowByIdWithRule is findRecordByIdWithRule's row, for a caller that makes its JSON without a record. */
export async function findRowByIdWithRule(
  app: App,
  collection: Collection,
  id: string,
  rule: string | null | undefined,
  requestInfo: RequestInfo | null,
  scope?: ReadScope,
): Promise<Record<string, unknown> | undefined> {
  if (id === "") return undefined;
  const c = compileSearch(app, { collection, requestInfo, rule });
  const { byId, byIdParam } = rendered(app, collection, c);
  let params: SqlValue[];
  if (byId.params.length === 1) params = [id];
  else {
    params = [...byId.params];
    params[byIdParam] = id;
  }
  const rows = await app.db.all<Record<string, unknown>>(byId.text, params, { isolate: c.isolate, scope });
  return rows[0];
}

/** findRecordsByIdsWithRule loads the records among ids that the rule lets the requester see. */
export async function findRecordsByIdsWithRule(
  app: App,
  collection: Collection,
  ids: readonly string[],
  rule: string | null | undefined,
  requestInfo: RequestInfo | null,
  scope?: ReadScope,
): Promise<RecordModel[]> {
  if (ids.length === 0) return [];
  const c = compileSearch(app, { collection, requestInfo, rule });
  const idCond = textIn(app.db.dialect, sql`${ident(collection.name)}.${ident("id")}`, ids);
  const few = forFewRows(c);
  const compiled = { ...few, where: few.where ? sql`${idCond} AND ${few.where}` : idCond };
  return findRecords(app, collection, compiled, ids.length, 0, scope);
}

/**
 * findRecordsWhereWithRule loads the records a condition on the collection's table picks (reading it under
 * the collection's name) that the rule lets the requester see, in the order they were first inserted.
 */
export async function findRecordsWhereWithRule(
  app: App,
  collection: Collection,
  where: Sql,
  rule: string | null | undefined,
  requestInfo: RequestInfo | null,
  scope?: ReadScope,
): Promise<RecordModel[]> {
  const c = forFewRows(compileSearch(app, { collection, requestInfo, rule }));
  const key =
    collection.type === "view"
      ? sql`${ident(collection.name)}.${ident("id")}`
      : raw(app.db.dialect.insertionOrder(collection.name));
  const select = app.db.dialect.render(
    sql`${selectFrom({ ...c, where: c.where ? sql`${where} AND ${c.where}` : where }, sql`${ident(collection.name)}.*`)} ORDER BY ${key}`,
  );
  const rows = await app.db.all<Record<string, unknown>>(select.text, select.params, { isolate: c.isolate, scope });
  return rows.map((r) => new RecordModel(collection, r));
}

/**
 * checkRuleOnNewRecord evaluates a rule against a record that isn't stored yet (a create): its column values
 * become a one-row CTE standing in for the table. Returns whether the rule matches.
 */
export async function checkRuleOnNewRecord(
  app: App,
  record: RecordModel,
  rule: string,
  requestInfo: RequestInfo | null,
): Promise<boolean> {
  const collection = record.collection;
  const suffix = `__pb_create__${pseudorandomString(6, "abcdefghijklmnopqrstuvwxyz0123456789")}`;
  const cte = `${collection.name}${suffix}`;
  const values = record.dbExport();
  if (!values.id) values.id = `__temp_id__${suffix}`;
  // each value as its column's type (PostgreSQL would read an untyped one as text), with no affinity on SQLite
  const d = app.db.dialect;
  const selects = Object.entries(values).map(
    ([k, v]) =>
      sql`${d.typedValue(sql`${v as SqlValue}`, collection.fields.byName(k)?.columnKind() ?? "text")} AS ${ident(k)}`,
  );
  const resolver = new RecordFieldResolver(app, collection, requestInfo, {
    allowHiddenFields: true,
    baseAlias: cte,
    baseTable: cte,
    boundValues: true,
  });
  const cond = wrap("invalid rule", () => buildFilter(rule, resolver));
  const parts = resolver.queryParts();
  const where = join(
    [cond, ...parts.conditions.map(renderFilterTree)].map((c) => sql`(${c})`),
    " AND ",
  );
  const row = await app.db.get(
    sql`WITH ${ident(cte)} AS (SELECT ${join(selects, ", ")}) SELECT 1 AS ok FROM ${ident(cte)}${joinClauses(parts.joins)} WHERE ${where} LIMIT 1`,
  );
  return row !== undefined;
}

/** canAccessRecord evaluates an access rule for a stored record (superusers always pass, null never). */
export async function canAccessRecord(
  app: App,
  record: RecordModel,
  requestInfo: RequestInfo | null,
  rule: string | null,
): Promise<boolean> {
  if (isSuperuser(requestInfo)) return true;
  if (rule === null) return false;
  if (rule === "") return true;
  return (await findRecordByIdWithRule(app, record.collection, record.id, rule, requestInfo)) !== null;
}
