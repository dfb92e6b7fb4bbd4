import type { CompareOp, Dialect, Operand } from "../../db/dialect.ts";
import { Identifier, ident, mapParams, raw, Sql, type SqlValue, sql } from "../../db/sql.ts";
import { castString, toFloat } from "../types/cast.ts";
import { someMultiMatchRow } from "./condition-placement.ts";
import { countExprs, type FilterExpr, type FilterGroup, parseFilter } from "./filter-parser.ts";
import { FilterSyntaxError, type SignOp, type Token } from "./filter-scanner.ts";
import type { FilterAtom, FilterTree } from "./filter-tree.ts";
import { renderFilterTree } from "./filter-tree.ts";
import { identifierMacros } from "./identifier-macros.ts";
import {
  buildMultiMatch,
  type FieldResolver,
  type MultiMatchSubquery,
  paramResult,
  type ResolverResult,
} from "./resolver-result.ts";
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
  return renderFilterTree(buildFilterTree(text, resolver, maxExprs));
}

/** buildFilterTree is buildFilter with the structure of the conditions kept. */
export function buildFilterTree(text: string, resolver: FieldResolver, maxExprs = defaultMaxFilterExprs): FilterTree {
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

function buildGroups(groups: readonly FilterGroup[], resolver: FieldResolver): FilterTree {
  if (groups.length === 0) throw new FilterSyntaxError("empty filter expression");
  // `a || b && c` is `a OR (b AND c)`: runs of `&&` between the `||`s
  const runs: FilterTree[][] = [];
  for (const g of groups) {
    const item = Array.isArray(g.item) ? buildGroups(g.item, resolver) : buildExpr(g.item as FilterExpr, resolver);
    if (runs.length === 0 || g.join === "||") runs.push([item]);
    else (runs[runs.length - 1] as FilterTree[]).push(item);
  }
  const ands = runs.map((r): FilterTree => (r.length === 1 ? (r[0] as FilterTree) : { kind: "and", items: r }));
  return ands.length === 1 ? (ands[0] as FilterTree) : { kind: "or", items: ands };
}

function buildExpr(expr: FilterExpr, resolver: FieldResolver): FilterTree {
  const left = resolveOperand(expr.left, resolver, "left");
  const right = resolveOperand(expr.right, resolver, "right");
  const rejects = nullRejects(left, expr.op, right);
  const pairwise = !isAnyOp(expr.op) && !!left.multiMatch && !!right.multiMatch;
  const atom = (sql: Sql): FilterAtom => ({
    kind: "atom",
    sql,
    ...(rejects.length > 0 ? { nullRejects: rejects } : {}),
    ...(pairwise ? { pairwise } : {}),
  });
  if (left.afterBuild || right.afterBuild) return atom(compare(left, expr.op, right, resolver));
  // the all-items check reads no join of the multi-valued path itself: kept apart, it can be placed apart
  const { plain, allItems } = comparison(left, expr.op, right, resolver);
  const compared = atom(plain);
  const equals = expr.op === "=" || expr.op === "?=" ? equalityShape(left, right, resolver.dialect) : null;
  if (equals) {
    compared.equals = equals;
    const literal = (r: ResolverResult) => (r.params?.length ?? 0) > 0 && r.kind !== "bool";
    if (!equals.coalesced && ((columnAlias(left) && literal(right)) || (columnAlias(right) && literal(left))))
      compared.selective = true;
  }
  const sign = expr.op.replace("?", "");
  const isBool = (r: ResolverResult) => r.kind === "bool";
  if (sign === "!=" || sign === "!~" || (sign === "=" && (isBool(left) || isBool(right)))) compared.broad = true;
  // a column containing a text: meant to narrow down, like an equality
  if ((expr.op === "~" || expr.op === "?~") && columnAlias(left) && (right.params?.length ?? 0) > 0)
    compared.selective = true;
  const precheck = itemsPrecheck(left, expr.op, right, allItems !== null, resolver.dialect);
  const first: FilterTree[] = precheck ? [{ kind: "atom", sql: precheck }] : [];
  if (!allItems) return first.length === 0 ? compared : { kind: "and", items: [...first, compared] };
  compared.checked = true;
  const checks: FilterAtom = { kind: "atom", sql: allItems, ...(pairwise ? { pairwise } : {}) };
  return { kind: "and", items: [...first, compared, checks] };
}

/**
 * itemsPrecheck is, for `:each` items equal to a text (`tags:each ?= 'a'`; with `=`, every item equal too),
 * a cheap condition on the JSON array the items come from that must hold for that (Dialect.jsonItemsMayEqual),
 * or null. Placed before the comparison, it settles most rows without listing their items; the filter
 * language has no negation, so a condition implied by the comparison leaves the answers as they were.
 */
function itemsPrecheck(
  left: ResolverResult,
  op: SignOp,
  right: ResolverResult,
  every: boolean,
  dialect: Dialect,
): Sql | null {
  if (op !== "=" && op !== "?=") return null;
  const [items, other] = left.itemsOf ? [left, right] : [right, left];
  if (!items.itemsOf || other.itemsOf || !equalityShape(left, right, dialect)) return null;
  const value = operandOf(other).constant?.value;
  if (typeof value !== "string" || other.kind !== undefined) return null;
  return dialect.jsonItemsMayEqual(items.itemsOf, value, op === "=" && every);
}

/** columnAlias is the table alias of an operand that is a plain column (or its LOWER()), else null. */
function columnAlias(r: ResolverResult): string | null {
  let parts = r.sql.parts;
  if (parts.length === 3 && parts[0] === "LOWER(" && parts[2] === ")" && parts[1] instanceof Sql)
    parts = parts[1].parts;
  const [alias, dot, column] = parts;
  return parts.length === 3 && alias instanceof Identifier && dot === "." && column instanceof Identifier
    ? alias.name
    : null;
}

/**
 * nullRejects lists the aliases of the column operands that make `left op right` NULL or false when they are
 * NULL, following the SQL compare() writes: plain `>`/`<`/LIKE comparisons, and `=` with a value known not
 * to be empty. `!=` (written with IS NOT) and `=` with an empty value hold for NULL, so they reject nothing.
 */
function nullRejects(left: ResolverResult, op: SignOp, right: ResolverResult): string[] {
  const sign = op.replace("?", "");
  const aliases = (...rs: ResolverResult[]) => rs.map(columnAlias).filter((a): a is string => a !== null);
  switch (sign) {
    case ">":
    case ">=":
    case "<":
    case "<=":
    case "~":
    case "!~":
      return aliases(left, right);
    case "=":
      if (left.nullFallback === "disabled" || right.nullFallback === "disabled") return [];
      if (isKnownNonEmpty(right) && !hasEmptyParam(right)) return aliases(left);
      if (isKnownNonEmpty(left) && !hasEmptyParam(left)) return aliases(right);
      return [];
    default:
      return [];
  }
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
  const { plain, allItems } = comparison(left, op, right, resolver);
  let expr = allItems ? sql`(${plain} AND ${allItems})` : plain;
  if (left.afterBuild) expr = left.afterBuild(expr);
  if (right.afterBuild) expr = right.afterBuild(expr);
  return expr;
}

/**
 * comparison is `left op right` in two parts: the comparison of the current values, and for a plain operator
 * on a multi-valued operand the check that every value satisfies it (null otherwise). The modifiers'
 * afterBuild is the caller's.
 */
function comparison(
  left: ResolverResult,
  op: SignOp,
  right: ResolverResult,
  resolver: FieldResolver,
): { plain: Sql; allItems: Sql | null } {
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
    default:
      expr = resolver.dialect.compare(operandOf(left), op.replace("?", "") as CompareOp, operandOf(right));
  }
  let allItems: Sql | null = null;
  if (!isAnyOp(op)) {
    if (left.multiMatch && right.multiMatch) allItems = manyVsMany(left, op, right, resolver);
    else if (left.multiMatch) allItems = manyVsOne(left, op, right, false, resolver);
    else if (right.multiMatch) allItems = manyVsOne(right, op, left, true, resolver);
  }
  return { plain: expr, allItems };
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
  const m = multi.multiMatch as MultiMatchSubquery;
  const value: ResolverResult = { ...typeOf(multi), sql: m.valueExpr, nullFallback: multi.nullFallback ?? "auto" };
  const negated: ResolverResult = { ...value, afterBuild: negate };
  const plainOther: ResolverResult = { ...typeOf(other), sql: other.sql, params: other.params, kind: other.kind };
  const failing: FilterAtom = {
    kind: "atom",
    sql: inverse ? compare(plainOther, op, negated, resolver) : compare(negated, op, plainOther, resolver),
  };
  // what makes the comparison NULL makes its negation NULL too
  const rejects = inverse ? nullRejects(plainOther, op, value) : nullRejects(value, op, plainOther);
  if (rejects.length > 0) failing.nullRejects = rejects;
  return sql`NOT ${someMultiMatchRow(m, failing)}`;
}

function manyVsMany(left: ResolverResult, op: SignOp, right: ResolverResult, resolver: FieldResolver): Sql {
  const l = nextAlias("__ml");
  const r = nextAlias("__mr");
  const cond = compare(
    { ...typeOf(left), sql: sql`${ident(l)}.${ident("multiMatchValue")}`, nullFallback: left.nullFallback ?? "auto" },
    op,
    {
      ...typeOf(right),
      sql: sql`${ident(r)}.${ident("multiMatchValue")}`,
      nullFallback: right.nullFallback ?? "auto",
      afterBuild: negate,
    },
    resolver,
  );
  return sql`NOT EXISTS (SELECT 1 FROM (${buildMultiMatch(left.multiMatch!)}) ${ident(l)} LEFT JOIN (${buildMultiMatch(right.multiMatch!)}) ${ident(r)} ON TRUE WHERE ${cond})`;
}

/** typeOf is what an operand says of its values' type, to carry over to its multi-match values. */
function typeOf(r: ResolverResult): Pick<ResolverResult, "type" | "column"> {
  const out: Pick<ResolverResult, "type" | "column"> = {};
  if (r.type !== undefined) out.type = r.type;
  if (r.column !== undefined) out.column = r.column;
  return out;
}

/** operandOf is a resolved operand as Dialect.compare takes it: a literal's value tells its type. */
export function operandOf(r: ResolverResult): Operand {
  if (r.kind === "null") return { sql: r.sql, type: "text", constant: { value: null } };
  if (r.kind === "bool") {
    const text = r.sql.parts.length === 1 ? r.sql.parts[0] : null;
    const truth = r.truth === true ? { truth: true } : {};
    if (text === "1" || text === "TRUE") return { sql: r.sql, type: "bool", constant: { value: 1 }, ...truth };
    if (text === "0" || text === "FALSE") return { sql: r.sql, type: "bool", constant: { value: 0 }, ...truth };
  }
  const only = r.sql.parts.length === 1 ? r.sql.parts[0] : null;
  if (r.params?.length === 1 && only !== null && typeof only === "object" && "value" in only) {
    const v = only.value;
    if (typeof v === "string") return { sql: r.sql, type: "text", constant: { value: v } };
    if (typeof v === "number") return { sql: r.sql, type: "number", constant: { value: v } };
    if (v === null) return { sql: r.sql, type: "text", constant: { value: null } };
  }
  const o: Operand = { sql: r.sql, type: r.type ?? "any" };
  if (r.column) o.column = true;
  return o;
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

/** An operand `=` compares as the empty value: NULL, or a single empty literal. */
function isEmptyOperand(r: ResolverResult): boolean {
  return isEmptyIdentifier(r) || (r.nullFallback !== "enforced" && r.params?.length === 1 && hasEmptyParam(r));
}

/**
 * equalityShape is what equality() writes for `=` when it compares the operands themselves (as they are, or
 * with NULL as "" when coalesced), else null.
 */
function equalityShape(left: ResolverResult, right: ResolverResult, dialect: Dialect): FilterAtom["equals"] | null {
  if (left.nullFallback === "disabled" || right.nullFallback === "disabled") return null;
  if (isEmptyOperand(left) || isEmptyOperand(right)) return null;
  const coalesced = !isKnownNonEmpty(left) && !isKnownNonEmpty(right);
  const [l, r] = [operandOf(left), operandOf(right)];
  // the placement may split the sides (an IN subquery), and writes COALESCE(x, '') itself when coalesced
  const plain =
    dialect.comparesPlainly(l, r) &&
    (!coalesced || dialect.comparesPlainly(dialect.emptyIfNull(l), dialect.emptyIfNull(r)));
  return plain ? { left: left.sql, right: right.sql, coalesced } : null;
}

/**
 * equality builds `=`/`!=` so that NULL and "" compare alike: comparing with an empty value checks both,
 * comparing two columns uses COALESCE, and a known non-empty operand needs neither.
 */
function equality(equal: boolean, left: ResolverResult, right: ResolverResult, dialect: Dialect): Sql {
  // `!=` is NULL-safe (SQLite's IS NOT), `=` plain
  const eq = (a: Operand, b: Operand) => dialect.compare(a, equal ? "=" : "isNot", b);
  const concat = raw(equal ? "OR" : "AND");
  const nullCheck = raw(equal ? "IS NULL" : "IS NOT NULL");
  const [l, r] = [operandOf(left), operandOf(right)];
  if (left.nullFallback === "disabled" || right.nullFallback === "disabled")
    return dialect.compare(l, equal ? "is" : "isNot", r);
  const leftEmpty = isEmptyOperand(left);
  const rightEmpty = isEmptyOperand(right);
  const empty: Operand = { sql: raw("''"), type: "text", constant: { value: "" } };
  if (leftEmpty && rightEmpty) return eq(empty, empty);
  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return eq(leftEmpty ? empty : l, rightEmpty ? empty : r);
  }
  if (leftEmpty) return sql`(${eq(empty, r)} ${concat} ${right.sql} ${nullCheck})`;
  if (rightEmpty) return sql`(${eq(l, empty)} ${concat} ${left.sql} ${nullCheck})`;
  return eq(dialect.emptyIfNull(l), dialect.emptyIfNull(r));
}

/**
 * like builds `~`/`!~`: a literal without an unescaped `%` is escaped and wrapped as `%value%`; a literal
 * with `%` keeps the user's wildcards; another column is wrapped with `'%' || col || '%'`.
 */
function like(not: boolean, left: ResolverResult, right: ResolverResult, dialect: Dialect): Sql {
  const l = operandOf(left);
  if ((right.params?.length ?? 0) === 0)
    return dialect.like(l, sql`('%' || ${dialect.text(operandOf(right))} || '%')`, not);
  const wrapped = mapParams(right.sql, (v) => {
    const s = castString(v);
    return containsUnescaped(s, "%") ? s : `%${escapeUnescaped(s, ["\\", "%", "_"])}%`;
  });
  // a function's arguments are wrapped so too (as PocketBase does); its result is then read as text
  const r = operandOf(right);
  return dialect.like(l, r.constant ? wrapped : dialect.text({ ...r, sql: wrapped }), not);
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
