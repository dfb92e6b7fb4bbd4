import type { Dialect } from "../../db/dialect.ts";
import { ident, join, mapParams, raw, type Sql, type SqlValue, sql } from "../../db/sql.ts";
import { castString, toFloat } from "../types/cast.ts";
import { countExprs, type FilterExpr, type FilterGroup, parseFilter } from "./filter-parser.ts";
import { FilterSyntaxError, type SignOp, type Token } from "./filter-scanner.ts";
import { identifierMacros } from "./identifier-macros.ts";
import { buildMultiMatch, type FieldResolver, paramResult, type ResolverResult } from "./resolver-result.ts";
import { tokenFunctions } from "./token-functions.ts";

export const maxFilterLength = 3500;
export const defaultMaxFilterExprs = 200;

/** FilterError is a filter that parses but can't be turned into SQL (unknown field, bad function...). */
export class FilterError extends Error {}

const parsedCache = new Map<string, FilterGroup[]>();
const parsedCacheLimit = 500;

/** parseFilterCached parses a filter once; the same text (rules, repeated client filters) reuses the tree. */
export function parseFilterCached(text: string): FilterGroup[] {
  const hit = parsedCache.get(text);
  if (hit) return hit;
  const parsed = parseFilter(text);
  if (parsedCache.size < parsedCacheLimit) parsedCache.set(text, parsed);
  return parsed;
}

/**
 * buildFilter compiles filter text into a SQL condition: every literal becomes a bound parameter and every
 * identifier goes through the resolver (which records the joins it needs).
 */
export function buildFilter(text: string, resolver: FieldResolver, maxExprs = defaultMaxFilterExprs): Sql {
  const groups = parseFilterCached(text);
  if (countExprs(groups) > maxExprs) throw new FilterError(`too many filter expressions (max ${maxExprs})`);
  // aliases restart for every build: the same filter gives the same SQL text, so its statement is reused
  // (a nested build may repeat an outer alias, which is harmless: each lives in its own subquery)
  const saved = aliasCounter;
  aliasCounter = 0;
  try {
    return buildGroups(groups, resolver);
  } finally {
    aliasCounter = saved;
  }
}

function buildGroups(groups: readonly FilterGroup[], resolver: FieldResolver): Sql {
  if (groups.length === 0) throw new FilterSyntaxError("empty filter expression");
  const parts: Sql[] = [];
  for (const g of groups) {
    const expr = Array.isArray(g.item) ? buildGroups(g.item, resolver) : buildExpr(g.item as FilterExpr, resolver);
    if (parts.length > 0) parts.push(raw(g.join === "||" ? "OR" : "AND"));
    parts.push(expr);
  }
  return parts.length === 1 ? (parts[0] as Sql) : sql`(${join(parts, " ")})`;
}

function buildExpr(expr: FilterExpr, resolver: FieldResolver): Sql {
  const left = resolveOperand(expr.left, resolver, "left");
  const right = resolveOperand(expr.right, resolver, "right");
  return compare(left, expr.op, right, resolver);
}

function resolveOperand(token: Token, resolver: FieldResolver, side: string): ResolverResult {
  try {
    return resolveToken(token, resolver);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FilterError(`invalid ${side} operand ${JSON.stringify(token.literal)} - ${message}`);
  }
}

const normalizedIdentifiers: Record<string, ResolverResult> = {
  null: { sql: raw("NULL"), kind: "null" },
  true: { sql: raw("1"), kind: "bool" },
  false: { sql: raw("0"), kind: "bool" },
};

/** resolveToken resolves one operand: a macro, an identifier, quoted text, a number or a function call. */
export function resolveToken(token: Token, resolver: FieldResolver): ResolverResult {
  switch (token.type) {
    case "identifier": {
      const macro = identifierMacros[token.literal];
      if (macro) return paramResult(macro());
      let result: ResolverResult | null = null;
      let failure: unknown = null;
      try {
        result = resolver.resolve(token.literal);
      } catch (err) {
        failure = err;
      }
      if (result) return result;
      const normalized = normalizedIdentifiers[token.literal.toLowerCase()];
      if (normalized?.kind === "bool")
        return { ...normalized, sql: raw(resolver.dialect.boolLiteral(token.literal.toLowerCase() === "true")) };
      if (normalized) return { ...normalized };
      throw failure ?? new FilterError(`unknown field ${JSON.stringify(token.literal)}`);
    }
    case "text":
      return paramResult(token.literal);
    case "number":
      return paramResult(toFloat(token.literal));
    case "function": {
      const fn = tokenFunctions[token.literal];
      if (!fn) throw new FilterError(`unknown function ${JSON.stringify(token.literal)}`);
      return fn(token.args ?? [], (arg) => resolveToken(arg, resolver), resolver.dialect);
    }
    default:
      throw new FilterError(`unsupported token type ${JSON.stringify(token.type)}`);
  }
}

const isAnyOp = (op: SignOp) => op.startsWith("?");

/** compare builds `left op right`, adding the all-items check for multi-valued operands of plain operators. */
export function compare(left: ResolverResult, op: SignOp, right: ResolverResult, resolver: FieldResolver): Sql {
  let expr: Sql;
  switch (op) {
    case "=":
    case "?=":
      expr = equality(true, left, right, resolver.dialect);
      break;
    case "!=":
    case "?!=":
      expr = equality(false, left, right, resolver.dialect);
      break;
    case "~":
    case "?~":
      expr = like(false, left, right, resolver.dialect);
      break;
    case "!~":
    case "?!~":
      expr = like(true, left, right, resolver.dialect);
      break;
    default: {
      const sign = op.replace("?", "");
      expr = sql`${left.sql} ${raw(sign)} ${right.sql}`;
    }
  }
  if (!isAnyOp(op)) {
    if (left.multiMatch && right.multiMatch) expr = sql`(${expr} AND ${manyVsMany(left, op, right, resolver)})`;
    else if (left.multiMatch) expr = sql`(${expr} AND ${manyVsOne(left, op, right, false, resolver)})`;
    else if (right.multiMatch) expr = sql`(${expr} AND ${manyVsOne(right, op, left, true, resolver)})`;
  }
  if (left.afterBuild) expr = left.afterBuild(expr);
  if (right.afterBuild) expr = right.afterBuild(expr);
  return expr;
}

const negate = (e: Sql): Sql => sql`NOT (${e})`;
let aliasCounter = 0;
const nextAlias = (prefix: string) => `${prefix}${(++aliasCounter).toString(36)}`;

/** Every value of the multi-valued operand must satisfy the comparison: no value may fail it. */
function manyVsOne(
  multi: ResolverResult,
  op: SignOp,
  other: ResolverResult,
  inverse: boolean,
  resolver: FieldResolver,
): Sql {
  const alias = nextAlias("__sm");
  const value: ResolverResult = {
    sql: sql`${ident(alias)}.${ident("multiMatchValue")}`,
    nullFallback: multi.nullFallback ?? "auto",
    afterBuild: negate,
  };
  const plainOther: ResolverResult = { sql: other.sql, params: other.params, kind: other.kind };
  const cond = inverse ? compare(plainOther, op, value, resolver) : compare(value, op, plainOther, resolver);
  return sql`NOT EXISTS (SELECT 1 FROM (${buildMultiMatch(multi.multiMatch!)}) ${ident(alias)} WHERE ${cond})`;
}

function manyVsMany(left: ResolverResult, op: SignOp, right: ResolverResult, resolver: FieldResolver): Sql {
  const l = nextAlias("__ml");
  const r = nextAlias("__mr");
  const cond = compare(
    { sql: sql`${ident(l)}.${ident("multiMatchValue")}`, nullFallback: left.nullFallback ?? "auto" },
    op,
    {
      sql: sql`${ident(r)}.${ident("multiMatchValue")}`,
      nullFallback: right.nullFallback ?? "auto",
      afterBuild: negate,
    },
    resolver,
  );
  return sql`NOT EXISTS (SELECT 1 FROM (${buildMultiMatch(left.multiMatch!)}) ${ident(l)} LEFT JOIN (${buildMultiMatch(right.multiMatch!)}) ${ident(r)} ON TRUE WHERE ${cond})`;
}

const isEmptyParam = (v: SqlValue | undefined) => v === null || v === "";

function hasEmptyParam(r: ResolverResult): boolean {
  return (r.params ?? []).some(isEmptyParam);
}

function isEmptyIdentifier(r: ResolverResult): boolean {
  return r.kind === "null";
}

function isKnownNonEmpty(r: ResolverResult): boolean {
  if (r.nullFallback === "enforced") return false;
  if (r.kind === "bool") return true;
  return (r.params?.length ?? 0) > 0 && !hasEmptyParam(r) && !isEmptyIdentifier(r);
}

/**
 * equality builds `=`/`!=` so that NULL and "" compare alike: comparing with an empty value checks both,
 * comparing two columns uses COALESCE, and a known non-empty operand needs neither.
 */
function equality(equal: boolean, left: ResolverResult, right: ResolverResult, dialect: Dialect): Sql {
  // `!=` is NULL-safe (SQLite's IS NOT), `=` plain
  const eq = (a: Sql, b: Sql) => (equal ? sql`${a} = ${b}` : dialect.nullSafeEqual(a, b, false));
  const concat = raw(equal ? "OR" : "AND");
  const nullCheck = raw(equal ? "IS NULL" : "IS NOT NULL");
  if (left.nullFallback === "disabled" || right.nullFallback === "disabled")
    return dialect.nullSafeEqual(left.sql, right.sql, equal);
  const leftEmpty =
    isEmptyIdentifier(left) || (left.nullFallback !== "enforced" && left.params?.length === 1 && hasEmptyParam(left));
  const rightEmpty =
    isEmptyIdentifier(right) ||
    (right.nullFallback !== "enforced" && right.params?.length === 1 && hasEmptyParam(right));
  const empty = raw("''");
  if (leftEmpty && rightEmpty) return eq(empty, empty);
  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return eq(leftEmpty ? empty : left.sql, rightEmpty ? empty : right.sql);
  }
  if (leftEmpty) return sql`(${eq(empty, right.sql)} ${concat} ${right.sql} ${nullCheck})`;
  if (rightEmpty) return sql`(${eq(left.sql, empty)} ${concat} ${left.sql} ${nullCheck})`;
  return eq(sql`COALESCE(${left.sql}, '')`, sql`COALESCE(${right.sql}, '')`);
}

/**
 * like builds `~`/`!~`: a literal without an unescaped `%` is escaped and wrapped as `%value%`; a literal
 * with `%` keeps the user's wildcards; another column is wrapped with `'%' || col || '%'`.
 */
function like(not: boolean, left: ResolverResult, right: ResolverResult, dialect: Dialect): Sql {
  if ((right.params?.length ?? 0) === 0) return dialect.like(left.sql, sql`('%' || ${right.sql} || '%')`, not);
  const wrapped = mapParams(right.sql, (v) => {
    const s = castString(v);
    return containsUnescaped(s, "%") ? s : `%${escapeUnescaped(s, ["\\", "%", "_"])}%`;
  });
  return dialect.like(left.sql, wrapped, not);
}

/** escapeUnescaped puts a backslash before each of chars that isn't already escaped. */
export function escapeUnescaped(s: string, chars: readonly string[]): string {
  const rs = [...s];
  const out: string[] = [];
  let pending = false;
  for (let i = rs.length - 1; i >= 0; i--) {
    const c = rs[i] as string;
    if (pending) {
      if (c !== "\\") out.push("\\");
      pending = false;
    } else if (chars.includes(c)) pending = true;
    out.push(c);
    if (i === 0 && pending) out.push("\\");
  }
  return out.reverse().join("");
}

/** containsUnescaped reports whether ch appears without a backslash before it. */
export function containsUnescaped(s: string, ch: string): boolean {
  let prev = "";
  for (const c of s) {
    if (c === ch && prev !== "\\") return true;
    prev = c === "\\" && prev === "\\" ? "" : c;
  }
  return false;
}
