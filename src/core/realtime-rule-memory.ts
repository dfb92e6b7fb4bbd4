import { Identifier, type Sql, type SqlValue } from "../db/sql.ts";
import { countExprs, type FilterExpr, type FilterGroup } from "../tools/search/filter-parser.ts";
import type { SignOp } from "../tools/search/filter-scanner.ts";
import {
  containsUnescaped,
  defaultMaxFilterExprs,
  escapeUnescaped,
  parseFilterCached,
  resolveToken,
} from "../tools/search/filter-sql.ts";
import type { ResolverResult } from "../tools/search/resolver-result.ts";
import { castString } from "../tools/types/cast.ts";
import type { RecordFieldResolver } from "./record-field-resolver.ts";

/**
 * A rule or filter evaluated in memory against a record's stored values: true/false as SQLite would answer,
 * or undefined when a value isn't of the kind the predicate was compiled for (the caller asks the database).
 */
export type RowPredicate = (row: Readonly<Record<string, SqlValue>>) => boolean | undefined;

/** How SQLite converts an operand before comparing it (a column's declared type, or none for values). */
type Affinity = "text" | "numeric" | "none";

/** An operand: a column of the record, or a value fixed when the rule was compiled. */
type Operand =
  | { kind: "column"; name: string; affinity: Affinity; result: ResolverResult }
  | { kind: "value"; value: null | number | string; result: ResolverResult };

/** A comparison's outcome: SQL's NULL, true/false, or unknown (the database must decide). */
type Tri = boolean | null | undefined;

/**
 * compileRowPredicate turns filter text into an in-memory predicate when every comparison involves only the
 * collection's own scalar columns (text, number, bool) and values known up front (literals, `@request.*`
 * values, the auth record's own fields); anything else (relations, joins, JSON, functions, modifiers,
 * multi-valued fields) returns null and the caller evaluates it in SQL. The resolver must be fresh: the
 * joins it registers tell that the text needs SQL.
 */
export function compileRowPredicate(text: string, resolver: RecordFieldResolver): RowPredicate | null {
  try {
    const groups = parseFilterCached(text);
    if (countExprs(groups) > defaultMaxFilterExprs) return null;
    const compiled = compileGroups(groups, resolver);
    if (!compiled || resolver.joins.length > 0) return null;
    return compiled;
  } catch {
    return null;
  }
}

function compileGroups(groups: readonly FilterGroup[], resolver: RecordFieldResolver): RowPredicate | null {
  if (groups.length === 0) return null;
  // SQL gives AND precedence over OR: the list is a disjunction of conjunctions
  const terms: RowPredicate[][] = [[]];
  for (const [i, g] of groups.entries()) {
    const item = Array.isArray(g.item) ? compileGroups(g.item, resolver) : compileExpr(g.item as FilterExpr, resolver);
    if (!item) return null;
    if (i > 0 && g.join === "||") terms.push([]);
    terms[terms.length - 1]?.push(item);
  }
  return (row) => {
    let unknown = false;
    for (const conj of terms) {
      let all: boolean | undefined = true;
      for (const p of conj) {
        const v = p(row);
        if (v === undefined) all = undefined;
        else if (!v) {
          all = false;
          break;
        }
      }
      if (all === true) return true;
      if (all === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  };
}

function compileExpr(expr: FilterExpr, resolver: RecordFieldResolver): RowPredicate | null {
  const left = operand(
    expr.left.type === "identifier" ? expr.left.literal : null,
    resolveToken(expr.left, resolver),
    resolver,
  );
  const right = operand(
    expr.right.type === "identifier" ? expr.right.literal : null,
    resolveToken(expr.right, resolver),
    resolver,
  );
  if (!left || !right) return null;
  const cmp = comparison(expr.op, left, right);
  if (!cmp) return null;
  return (row) => {
    const v = cmp(row);
    return v === undefined ? undefined : v === true;
  };
}

const simpleColumnKinds: Record<string, Affinity> = {
  text: "text",
  primaryKey: "text",
  number: "numeric",
  bool: "numeric",
};

/** operand classifies a resolved identifier or literal; null when it needs SQL. */
function operand(identifier: string | null, r: ResolverResult, resolver: RecordFieldResolver): Operand | null {
  if (r.multiMatch || r.afterBuild || (r.nullFallback !== undefined && r.nullFallback !== "auto")) return null;
  if (r.kind === "null") return { kind: "value", value: null, result: r };
  if (r.kind === "bool") {
    const text = sqlText(r.sql);
    if (text === "1" || text === "TRUE") return { kind: "value", value: 1, result: r };
    if (text === "0" || text === "FALSE") return { kind: "value", value: 0, result: r };
    return null;
  }
  const parts = r.sql.parts;
  if (r.params?.length === 1 && parts.length === 1) {
    const p = parts[0];
    if (p && typeof p === "object" && "value" in p) {
      const v = p.value;
      if (typeof v === "string" || typeof v === "number") return { kind: "value", value: v, result: r };
      if (v === null) return { kind: "value", value: null, result: r };
    }
    return null;
  }
  if (identifier === null || (r.params?.length ?? 0) > 0) return null;
  const field = resolver.base.fields.byName(identifier);
  if (!field || field.isMultiple()) return null;
  const affinity = simpleColumnKinds[field.columnKind()];
  if (!affinity) return null;
  const [a, dot, c] = parts;
  const isColumn =
    parts.length === 3 &&
    a instanceof Identifier &&
    a.name === resolver.baseAlias &&
    dot === "." &&
    c instanceof Identifier &&
    c.name === field.name;
  return isColumn ? { kind: "column", name: field.name, affinity, result: r } : null;
}

/** sqlText is the text of a fragment made only of raw text (null if it holds anything else). */
function sqlText(s: Sql): string | null {
  let out = "";
  for (const p of s.parts) {
    if (typeof p !== "string") return null;
    out += p;
  }
  return out;
}

type Value = { v: null | number | string; affinity: Affinity };
type ValueOf = (row: Readonly<Record<string, SqlValue>>) => Value | undefined;

function operandValue(o: Operand): ValueOf {
  if (o.kind === "value") {
    const fixed: Value = { v: o.value, affinity: "none" };
    return () => fixed;
  }
  const { name, affinity } = o;
  return (row) => {
    const v = row[name];
    if (v === null || v === undefined) return { v: null, affinity };
    if (typeof v === "string" || typeof v === "number") return { v, affinity };
    if (typeof v === "boolean") return { v: v ? 1 : 0, affinity };
    return undefined;
  };
}

const emptyText: Value = { v: "", affinity: "none" };

function isEmptyIdentifier(r: ResolverResult): boolean {
  return r.kind === "null";
}

function hasEmptyParam(r: ResolverResult): boolean {
  return (r.params ?? []).some((v) => v === null || v === "");
}

function isKnownNonEmpty(r: ResolverResult): boolean {
  if (r.nullFallback === "enforced") return false;
  if (r.kind === "bool") return true;
  return (r.params?.length ?? 0) > 0 && !hasEmptyParam(r) && !isEmptyIdentifier(r);
}

function isEmptySide(r: ResolverResult): boolean {
  return isEmptyIdentifier(r) || (r.nullFallback !== "enforced" && r.params?.length === 1 && hasEmptyParam(r));
}

type Comparison = (row: Readonly<Record<string, SqlValue>>) => Tri;

/** comparison mirrors the SQL that filter-sql.ts builds for `left op right`, evaluated on values. */
function comparison(op: SignOp, left: Operand, right: Operand): Comparison | null {
  switch (op) {
    case "=":
    case "?=":
      return equality(true, left, right);
    case "!=":
    case "?!=":
      return equality(false, left, right);
    case "~":
    case "?~":
      return like(false, left, right);
    case "!~":
    case "?!~":
      return like(true, left, right);
    default: {
      const sign = op.replace("?", "");
      const l = operandValue(left);
      const r = operandValue(right);
      return (row) => {
        const a = l(row);
        const b = r(row);
        if (!a || !b) return undefined;
        const c = compareValues(a, b);
        if (c === undefined || c === null) return c;
        if (sign === "<") return c < 0;
        if (sign === "<=") return c <= 0;
        if (sign === ">") return c > 0;
        if (sign === ">=") return c >= 0;
        return undefined;
      };
    }
  }
}

/** equality follows filter-sql's `=`/`!=` (NULL and "" alike, COALESCE between two non-literals). */
function equality(equal: boolean, left: Operand, right: Operand): Comparison {
  const l = operandValue(left);
  const r = operandValue(right);
  const leftEmpty = isEmptySide(left.result);
  const rightEmpty = isEmptySide(right.result);
  const eq = (a: Value, b: Value): Tri => {
    if (equal) {
      const c = compareValues(a, b);
      return c === undefined || c === null ? c : c === 0;
    }
    return isNot(a, b);
  };
  if (leftEmpty && rightEmpty) return () => equal;
  if (isKnownNonEmpty(left.result) || isKnownNonEmpty(right.result)) {
    return (row) => {
      const a = leftEmpty ? emptyText : l(row);
      const b = rightEmpty ? emptyText : r(row);
      return a && b ? eq(a, b) : undefined;
    };
  }
  const emptyOrNull =
    (side: ValueOf): Comparison =>
    (row) => {
      const x = side(row);
      if (!x) return undefined;
      if (equal) {
        const c = eq(emptyText, x);
        return c === undefined ? undefined : c === true || x.v === null;
      }
      const c = eq(emptyText, x);
      return c === undefined ? undefined : c === true && x.v !== null;
    };
  if (leftEmpty) return emptyOrNull(r);
  if (rightEmpty) return emptyOrNull(l);
  return (row) => {
    const a = l(row);
    const b = r(row);
    if (!a || !b) return undefined;
    // COALESCE(x, '') has no affinity
    const ca: Value = { v: a.v ?? "", affinity: "none" };
    const cb: Value = { v: b.v ?? "", affinity: "none" };
    return eq(ca, cb);
  };
}

/** isNot is SQL's `a IS NOT b` (NULL-safe). */
function isNot(a: Value, b: Value): boolean | undefined {
  if (a.v === null || b.v === null) return !(a.v === null && b.v === null);
  const c = compareValues(a, b);
  return c === undefined || c === null ? undefined : c !== 0;
}

function like(not: boolean, left: Operand, right: Operand): Comparison | null {
  if ((right.result.params?.length ?? 0) === 0 || right.kind !== "value") return null;
  const raw = castString(right.value);
  const pattern = containsUnescaped(raw, "%") ? raw : `%${escapeUnescaped(raw, ["\\", "%", "_"])}%`;
  const matcher = likeMatcher(pattern);
  if (!matcher) return null;
  const l = operandValue(left);
  return (row) => {
    const a = l(row);
    if (!a) return undefined;
    if (a.v === null) return null;
    if (typeof a.v !== "string") return undefined;
    const m = matcher(a.v);
    return not ? !m : m;
  };
}

/**
 * likeMatcher compiles a LIKE pattern with `\` as the escape character: `%` any run, `_` one character,
 * ASCII letters case-insensitive (SQLite's default). A pattern ending in a lone escape isn't compiled.
 */
function likeMatcher(pattern: string): ((s: string) => boolean) | null {
  let re = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i] as string;
    let literal = false;
    if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) return null;
      c = next;
      i++;
      literal = true;
    }
    if (!literal && c === "%") re += "[\\s\\S]*";
    else if (!literal && c === "_") re += "[\\s\\S]";
    else if (/^[a-zA-Z]$/.test(c)) re += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  const compiled = new RegExp(`^${re}$`, "u");
  return (s) => compiled.test(s);
}

/**
 * compareValues compares two values as SQLite does after applying affinities: -1/0/1, null when one is NULL,
 * undefined when a conversion would be needed that isn't reproduced here (text read as a number, a number
 * written as text).
 */
function compareValues(a: Value, b: Value): number | null | undefined {
  if (a.v === null || b.v === null) return null;
  const convA = converted(a, b.affinity);
  const convB = converted(b, a.affinity);
  if (convA === undefined || convB === undefined) return undefined;
  if (typeof convA === "number" && typeof convB === "number") return convA < convB ? -1 : convA > convB ? 1 : 0;
  if (typeof convA === "number") return -1;
  if (typeof convB === "number") return 1;
  return compareUtf8(convA, convB);
}

/** converted applies the affinity the other operand imposes on x, or undefined when that changes its type. */
function converted(x: Value, other: Affinity): number | string | undefined {
  const v = x.v as number | string;
  if (other === "numeric" && x.affinity !== "numeric" && typeof v === "string") return undefined;
  if (other === "text" && x.affinity === "none" && typeof v === "number") return undefined;
  return v;
}

/** compareUtf8 orders strings by code point, which is the byte order of their UTF-8 (SQLite's BINARY). */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
