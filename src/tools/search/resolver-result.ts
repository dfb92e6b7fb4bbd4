import type { Dialect, ValueType } from "../../db/dialect.ts";
import { ident, join, raw, type Sql, type SqlValue, sql } from "../../db/sql.ts";
import { type FilterTree, renderFilterTree } from "./filter-tree.ts";

/**
 * How an operand takes part in `=`/`!=` comparisons with empty values: "auto" treats NULL and "" alike,
 * "disabled" compares as is (JSON paths, geoDistance, `:changed`), "enforced" always applies COALESCE.
 */
export type NullFallback = "auto" | "disabled" | "enforced";

/** A LEFT JOIN: a table name (or a table-valued expression) under an alias, with an optional ON condition. */
export interface Join {
  table: Sql;
  alias: string;
  on: Sql | null;
  /** At most one joined row per row of its parent (a single relation to a table, by its primary key). */
  toOne?: boolean;
  /**
   * The alias the join hangs off (its ON or table reads it), or null when it reads no other alias (a cross
   * join, a join on constants). Joins without it are never moved into subqueries.
   */
  parent?: string | null;
  /** The ON condition is `own = parent`: an expression of this join's row equal to one of its parent's. */
  equals?: readonly [own: Sql, parent: Sql];
  /**
   * Whenever the parent's row is a real one, this join's row is the row under this alias: the join follows
   * a relation field forward from a row reached as that field's back-relation (`posts_via_author.author`).
   */
  sameAs?: string;
}

/** joinClauses renders joins as consecutive ` LEFT JOIN ...` clauses. */
export function joinClauses(joins: readonly Join[]): Sql {
  return join(
    joins.map(
      (j) =>
        // a join without a condition still says ON TRUE: PostgreSQL wants an ON on every LEFT JOIN
        sql` LEFT JOIN ${j.table} ${ident(j.alias)} ON ${j.on ?? raw("TRUE")}`,
    ),
    "",
  );
}

/**
 * MultiMatchSubquery selects, for the current row of the target table, every value a multi-valued path
 * resolves to (through multiple relations, back-relations, `@collection` or `:each`). Plain operators
 * must hold for all of them, `?` operators for one.
 */
export interface MultiMatchSubquery {
  targetAlias: string;
  fromTable: string;
  fromAlias: string;
  /** The row under fromAlias is the target's row itself (a table's ids are unique, a view's need not be). */
  fromIsTarget: boolean;
  valueExpr: Sql;
  joins: Join[];
  /** Extra conditions on the joined rows (the list rules of joined collections, for client filters). */
  where: FilterTree[];
}

export function buildMultiMatch(m: MultiMatchSubquery): Sql {
  const own = sql`${ident(m.fromAlias)}.${ident("id")} = ${ident(m.targetAlias)}.${ident("id")}`;
  const where = m.where.length === 0 ? own : join([own, ...m.where.map((w) => sql`(${renderFilterTree(w)})`)], " AND ");
  return sql`SELECT ${m.valueExpr} AS ${ident("multiMatchValue")} FROM ${ident(m.fromTable)} ${ident(m.fromAlias)}${joinClauses(m.joins)} WHERE ${where}`;
}

/** What an identifier, literal or function in a filter resolves to. */
export interface ResolverResult {
  sql: Sql;
  /** Literal NULL, or the 1/0 of true/false: both count for the empty/non-empty comparison rules. */
  kind?: "null" | "bool";
  /** A bool written as the TRUE or FALSE keyword on every engine (Operand.truth). */
  truth?: boolean;
  /**
   * What the values are (Dialect.compare): left out for a literal (its value tells) and for what nothing is
   * known of.
   */
  type?: ValueType;
  /**
   * A column of a table (a record's, `_logs`', `_collections`'), whose declared type converts the other operand
   * of a comparison.
   */
  column?: boolean;
  /** Never NULL: a NOT NULL column of the searched row itself (not of a joined one, which may be missing). */
  notNull?: boolean;
  /** NULL only where the joined row of this alias is missing: a NOT NULL column of a joined record. */
  nullWhenMissing?: string;
  /** The values bound inside `sql` when it is a literal (text, number, request value): empty ones matter. */
  params?: SqlValue[];
  nullFallback?: NullFallback;
  multiMatch?: MultiMatchSubquery;
  /** The operand is one item at a time of this value's JSON array (`:each`, Dialect.jsonEach). */
  itemsOf?: Sql;
  /** Applied to the whole comparison the operand ends up in. */
  afterBuild?: (expr: Sql) => Sql;
}

/** FieldResolver turns identifiers of the filter language into SQL, registering the joins they need. */
export interface FieldResolver {
  readonly dialect: Dialect;
  resolve(identifier: string): ResolverResult;
}

export const nullResult = (): ResolverResult => ({ sql: raw("NULL"), kind: "null" });

export function paramResult(value: SqlValue): ResolverResult {
  return { sql: sql`${value}`, params: [value] };
}
