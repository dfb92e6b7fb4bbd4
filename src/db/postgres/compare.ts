import type { CompareOp, Operand } from "../dialect.ts";
import { raw, type Sql, sql } from "../sql.ts";

/**
 * Filter comparisons on PostgreSQL with SQLite's answers. SQLite converts before comparing: a column with
 * NUMERIC affinity (number, bool, JSON list) turns a text that reads as a number into that number, a TEXT
 * column turns a number into its text; anything else compares by storage class, every number below every
 * text, texts byte by byte. The compiler knows most operands' types, so most comparisons are written
 * directly on PostgreSQL's types (an index still serves them); a number against a text is settled here; what
 * only the row can tell (a text column against a column that may convert it) compares `satchel_value`s, the
 * (class, number, text) triple of functions.ts that orders as SQLite does.
 */

type Affinity = "text" | "numeric" | "none";
/** SQLite's storage class of a value: number, text, or only known from the row. */
type Klass = "number" | "text" | null;

interface Shaped {
  klass: Klass;
  /** The value as PostgreSQL compares it: double precision for numbers, text for texts. */
  plain: Sql;
  /** The value as a satchel_value. */
  value: Sql;
  /** A boolean column or literal (plain is a boolean): compared with another as booleans. */
  bool?: Sql;
  /** A constant: never NULL unless it is the NULL literal. */
  constant?: string | number | null;
}

const affinity = (o: Operand): Affinity =>
  !o.column || o.constant ? "none" : o.type === "text" ? "text" : o.type === "any" ? "none" : "numeric";

/** A number as SQLite reads one from a text, after blanks. */
const numeral = String.raw`\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`;
// SQLite's test for a text that NUMERIC affinity turns into a number: a number literal, blanks around it
const numericText = new RegExp(`^${numeral}\\s*$`);
// SQLite's leading number of a text (none: 0), as its test of a value's truth reads it
const leadingNumber = new RegExp(`^${numeral}`);

/**
 * sqliteText writes a number as SQLite's CAST(x AS TEXT) does with it bound as Satchel binds it: a safe integer
 * as an INTEGER (its digits), any other number as a REAL (realText).
 */
export function sqliteText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  return realText(n);
}

/**
 * realText writes a REAL as SQLite (3.43 and later) does, `%!.17g`: 15 significant digits when they read
 * back as the same number, else 17 (a tie rounded up); an exponent below -4 or from 17 on written `1.0e+20`,
 * a fraction of at least one digit (`100.0`). SQLite only approximates the 17th digit, which may differ here
 * (1/3: 0.33333333333333332 there, ...31 here). db/postgres/functions.ts' satchel_real_text is the same in SQL.
 */
export function realText(n: number): string {
  if (Number.isNaN(n)) return "";
  if (!Number.isFinite(n)) return n > 0 ? "Inf" : "-Inf";
  const abs = Math.abs(n);
  let written = abs.toExponential(14);
  if (Number(written) !== abs) written = abs.toExponential(16);
  const [mantissa = "", exponent = "0"] = written.split("e");
  const e = Number(exponent);
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  let text: string;
  if (e < -4 || e >= 17) {
    text = `${digits[0]}.${digits.slice(1) || "0"}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  } else if (e < 0) text = `0.${"0".repeat(-e - 1)}${digits}`;
  else text = `${digits.slice(0, e + 1).padEnd(e + 1, "0")}.${digits.slice(e + 1) || "0"}`;
  return n < 0 ? `-${text}` : text;
}

const textParam = (v: string): Sql => sql`CAST(${v} AS TEXT)`;
const numberParam = (v: number): Sql => sql`CAST(${v} AS DOUBLE PRECISION)`;

function constantShape(v: string | number | null, apply: Affinity, isBool: boolean): Shaped {
  if (v === null) return { klass: null, plain: raw("NULL"), value: raw("NULL::satchel_value"), constant: null };
  // SQLite reads the text up to a NUL character
  const head = typeof v === "string" ? (v.split("\u0000", 1)[0] ?? "") : "";
  if (typeof v === "string" && apply === "numeric" && numericText.test(head)) v = Number(head.trim());
  else if (typeof v === "number" && apply === "text") v = sqliteText(v);
  if (typeof v === "string") {
    const plain = v === "" ? raw("''") : textParam(v);
    return { klass: "text", plain, value: sql`satchel_sv(${plain})`, constant: v };
  }
  const plain = isBool ? raw(String(v)) : numberParam(v);
  const shaped: Shaped = { klass: "number", plain, value: sql`satchel_sv(${plain})`, constant: v };
  if (v === 0 || v === 1) shaped.bool = raw(v === 1 ? "TRUE" : "FALSE");
  return shaped;
}

/**
 * Each JSON path read's value typed as SQLite's json_extract gives it (a satchel_value, NULL for a JSON
 * null or nothing there), by the read (jsonExtract's text, which loses the type: the string "10" and the
 * number 10 read alike). Set by the dialect's jsonExtract.
 */
export const typedJsonValues = new WeakMap<Sql, Sql>();

/** The operands emptyIfNull made: already satchel_values. */
const values = new WeakSet<Sql>();

function shape(o: Operand, apply: Affinity): Shaped {
  if (values.has(o.sql)) return { klass: null, plain: o.sql, value: o.sql };
  if (o.constant) return constantShape(o.constant.value, apply, o.type === "bool");
  const x = o.sql;
  switch (o.type) {
    case "text":
      if (apply === "numeric") return { klass: null, plain: x, value: sql`satchel_sv_num(${x})` };
      return { klass: "text", plain: x, value: sql`satchel_sv(${x})` };
    case "number":
    case "bool": {
      if (apply === "text") {
        const text = sql`satchel_text(${x})`;
        return { klass: "text", plain: text, value: sql`satchel_sv(${text})` };
      }
      const shaped: Shaped = {
        klass: "number",
        plain: o.type === "bool" ? sql`(${x})::int` : x,
        value: sql`satchel_sv(${x})`,
      };
      if (o.type === "bool") shaped.bool = x;
      return shaped;
    }
    case "json": {
      const text = sql`satchel_text(${x})`;
      return { klass: "text", plain: text, value: sql`satchel_sv(${text})` };
    }
    case "jsonValue":
      // json_extract's value has no affinity: it takes the other operand's (a text's, a number's), else it
      // compares as the JSON typed it (the string "10" is not the number 10)
      if (apply === "text") return { klass: "text", plain: x, value: sql`satchel_sv(${x})` };
      return {
        klass: null,
        plain: x,
        value: (apply === "none" && typedJsonValues.get(x)) || sql`satchel_sv_num(${x})`,
      };
    default:
      return { klass: null, plain: x, value: sql`satchel_sv(${x})` };
  }
}

const isAny = (o: Operand) => o.type === "any" && !values.has(o.sql);

const pgOps: Record<CompareOp, string> = {
  "=": "=",
  is: "IS NOT DISTINCT FROM",
  isNot: "IS DISTINCT FROM",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

const ordering = (op: CompareOp) => op !== "=" && op !== "is" && op !== "isNot";

/** The operands' shapes once SQLite's affinity rules have converted them. */
function shapes(left: Operand, right: Operand): [Shaped, Shaped] {
  const la = affinity(left);
  const ra = affinity(right);
  let lApply: Affinity = "none";
  let rApply: Affinity = "none";
  if (la === "numeric" && ra !== "numeric") rApply = "numeric";
  else if (ra === "numeric" && la !== "numeric") lApply = "numeric";
  else if (la === "text" && ra === "none") rApply = "text";
  else if (ra === "text" && la === "none") lApply = "text";
  return [shape(left, lApply), shape(right, rApply)];
}

/** comparesPlainly: both operands are compared as they are written (the same class, no conversion). */
export function comparesPlainly(left: Operand, right: Operand): boolean {
  if (isAny(left) || isAny(right)) return true;
  const [l, r] = shapes(left, right);
  // a constant is as written when no conversion changed it, anything else when its text is its own
  const asWritten = (s: Shaped, o: Operand) => (o.constant ? s.constant === o.constant.value : s.plain === o.sql);
  return l.klass !== null && l.klass === r.klass && asWritten(l, left) && asWritten(r, right);
}

/** The comparison's answer when the classes differ (a number is below any text), NULL where an operand is. */
function acrossClasses(l: Shaped, op: CompareOp, r: Shaped): Sql {
  const nulls = [l, r].filter((s) => s.constant === undefined).map((s) => sql`${s.plain} IS NULL`);
  // IS and IS NOT take NULL as a value of its own: the same only when both are NULL (a constant here never is)
  const both = nulls.length === 2 ? sql`(${nulls[0] as Sql} AND ${nulls[1] as Sql})` : null;
  if (op === "is") return both ?? raw("FALSE");
  if (op === "isNot") return both ? sql`NOT ${both}` : raw("TRUE");
  const below = l.klass === "number";
  const answer = op === "=" ? false : op === "<" || op === "<=" ? below : !below;
  if (nulls.length === 0) return raw(answer ? "TRUE" : "FALSE");
  const anyNull = nulls.length === 2 ? sql`${nulls[0] as Sql} OR ${nulls[1] as Sql}` : (nulls[0] as Sql);
  return sql`(CASE WHEN ${anyNull} THEN NULL ELSE ${raw(answer ? "TRUE" : "FALSE")} END)`;
}

/**
 * A text constant with a NUL character, which no PostgreSQL text holds: equal to nothing, and ordered as
 * the text before the NUL followed by more (`x < 'a\0b'` is `x <= 'a'`). null when there is none.
 */
function withNul(l: Shaped, op: CompareOp, r: Shaped): Sql | null {
  const [other, c, flipped] =
    typeof r.constant === "string" && r.constant.includes("\u0000")
      ? [l, r.constant, false]
      : typeof l.constant === "string" && l.constant.includes("\u0000")
        ? [r, l.constant, true]
        : [null, "", false];
  if (!other) return null;
  const prefix = textParam(c.slice(0, c.indexOf("\u0000")));
  const o = flipped ? (({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as Record<string, CompareOp>)[op] ?? op) : op;
  const x = other.plain;
  switch (o) {
    case "=":
      return sql`(CASE WHEN ${x} IS NULL THEN NULL ELSE FALSE END)`;
    case "is":
      return raw("FALSE");
    case "isNot":
      return raw("TRUE");
    case "<":
    case "<=":
      return sql`${x} COLLATE "C" <= ${prefix}`;
    default:
      return sql`${x} COLLATE "C" > ${prefix}`;
  }
}

/**
 * truthTest is SQLite's `x IS [NOT] TRUE|FALSE` (the keyword an Operand.truth): whether x is a value (not NULL)
 * whose number (a text's leading one, else 0) is not 0 (TRUE) or is 0 (FALSE), negated for IS NOT.
 */
function truthTest(x: Operand, op: "is" | "isNot", keyword: number): Sql {
  let holds: Sql;
  if (x.constant) {
    const v = x.constant.value;
    const n = v === null ? null : typeof v === "number" ? v : Number(leadingNumber.exec(v)?.[0] ?? 0);
    holds = raw(n !== null && (n !== 0) === (keyword !== 0) ? "TRUE" : "FALSE");
  } else {
    const number =
      x.type === "bool"
        ? sql`(${x.sql})::int`
        : sql`satchel_float(${x.type === "any" ? sql`(${x.sql})::text` : x.sql})`;
    holds = sql`(${x.sql} IS NOT NULL AND ${number} ${raw(keyword !== 0 ? "<>" : "=")} 0)`;
  }
  return op === "is" ? holds : sql`NOT ${holds}`;
}

/** compare writes `left op right` with SQLite's answer (see the top of this file). */
export function compare(left: Operand, op: CompareOp, right: Operand): Sql {
  // (the keyword on the left is a value compared as any other: FALSE IS NOT '' is 0 IS NOT '')
  if ((op === "is" || op === "isNot") && right.truth) return truthTest(left, op, Number(right.constant?.value ?? 0));
  const o = raw(pgOps[op]);
  // nothing known of an operand (a resolver that says no type): compared as written
  if (isAny(left) || isAny(right)) return sql`${left.sql} ${o} ${right.sql}`;
  const [l, r] = shapes(left, right);
  if (l.constant === null || r.constant === null) {
    if (op === "is" || op === "isNot") {
      const other = l.constant === null ? r : l;
      if (other.constant === null) return raw(op === "is" ? "TRUE" : "FALSE");
      return sql`${other.plain} ${raw(op === "is" ? "IS NULL" : "IS NOT NULL")}`;
    }
    return raw("NULL");
  }
  if (l.klass === "text" && r.klass === "text") {
    const nul = withNul(l, op, r);
    if (nul) return nul;
    // texts order byte by byte, as SQLite's BINARY collation
    return ordering(op) ? sql`${l.plain} COLLATE "C" ${o} ${r.plain}` : sql`${l.plain} ${o} ${r.plain}`;
  }
  if (l.klass === "number" && r.klass === "number") {
    if (l.bool && r.bool) return sql`${l.bool} ${o} ${r.bool}`;
    return sql`${l.plain} ${o} ${r.plain}`;
  }
  if (l.klass !== null && r.klass !== null) return acrossClasses(l, op, r);
  return sql`${l.value} ${o} ${r.value}`;
}

/** emptyIfNull is COALESCE(x, ''): a text stays a text, anything else becomes a satchel_value. */
export function emptyIfNull(o: Operand): Operand {
  if (o.type === "text" && !o.constant) return { sql: sql`COALESCE(${o.sql}, '')`, type: "text" };
  if (o.type === "json") return { sql: sql`COALESCE(satchel_text(${o.sql}), '')`, type: "text" };
  if (o.type === "any") return { sql: sql`COALESCE(${o.sql}, '')`, type: "any" };
  const value = sql`COALESCE(${shape(o, "none").value}, satchel_sv(''::text))`;
  values.add(value);
  return { sql: value, type: "number" };
}

/** text is the operand's value as SQLite writes it as text. */
export function text(o: Operand): Sql {
  if (o.constant) {
    const v = o.constant.value;
    return v === null ? raw("NULL::text") : textParam(typeof v === "number" ? sqliteText(v) : v);
  }
  return o.type === "text" ? sql`(${o.sql})::text` : sql`satchel_text(${o.sql})`;
}
