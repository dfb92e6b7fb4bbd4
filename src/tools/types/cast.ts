/**
 * Loose conversions with the semantics of Go's spf13/cast as PocketBase uses it, so that request values
 * of the "wrong" JSON type are coerced the same way (e.g. `"12"` → 12 for a number field, `[1]` → "" for text).
 */

/** castString: strings as they are, numbers (never in exponent form) and booleans formatted, anything else "". */
export function castString(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return formatFloat(v);
    case "boolean":
    case "bigint":
      return String(v);
    default:
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      return "";
  }
}

/**
 * formatFloat writes a number the way Go's strconv.FormatFloat(f, 'f', -1, 64) does: the shortest digits
 * that read back as the same number, never in exponent form (1e21 is "1000000000000000000000").
 */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (Object.is(n, -0)) return "-0";
  const [mantissa = "", exp = "0"] = n.toExponential().split("e");
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  // the position of the decimal point counted from the first digit
  const point = Number(exp) + 1;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

// Go's float literal syntax: decimal with optional fraction and exponent, or hexadecimal with a
// mandatory p exponent; an underscore may only sit between two digits (or after a 0x prefix)
const goDecimal = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const goHex =
  /^([+-]?)0[xX]_?((?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?(?:\.(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?)[pP]([+-]?\d(?:_?\d)*)$/;

/**
 * parseGoFloat reads a string as Go's strconv.ParseFloat does: underscores between digits, hexadecimal
 * floats, "inf"/"infinity"/"nan" in any case (only the infinities take a sign). It returns null for text
 * Go refuses, including a value out of the float64 range.
 */
export function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity")
    return lower.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  let n: number;
  if (goDecimal.test(s)) n = Number(s.replaceAll("_", ""));
  else {
    const hex = goHex.exec(s);
    if (!hex) return null;
    const [, sign = "", mantissa = "", exp = "0"] = hex;
    const [whole = "", fraction = ""] = mantissa.replaceAll("_", "").split(".");
    if (whole === "" && fraction === "") return null;
    const value =
      Number.parseInt(`${whole}${fraction}` || "0", 16) * 2 ** (Number(exp.replaceAll("_", "")) - 4 * fraction.length);
    n = sign === "-" ? -value : value;
  }
  return Number.isFinite(n) ? n : null;
}

/** toFloat: numbers as they are, strings as Go's ParseFloat reads them (0 when it refuses), booleans 1/0, else 0. */
export function toFloat(v: unknown): number {
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string":
      return parseGoFloat(v) ?? 0;
    default:
      return 0;
  }
}

const trueStrings = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** toBool: booleans as they are, non-zero numbers true, Go's ParseBool spellings of true, else false. */
export function toBool(v: unknown): boolean {
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v !== 0 && !Number.isNaN(v);
    case "bigint":
      return v !== 0n;
    case "string":
      return trueStrings.has(v);
    default:
      return false;
  }
}

/**
 * toUniqueStringList: arrays (items converted with castString), a JSON array string, or a single non-empty
 * string; empty items and duplicates are dropped, order kept.
 */
export function toUniqueStringList(v: unknown): string[] {
  let list: string[] = [];
  if (v === null || v === undefined) list = [];
  else if (Array.isArray(v)) list = v.map(castString);
  else if (typeof v === "string") {
    if (v === "") list = [];
    else if (v.includes("[")) {
      try {
        const parsed: unknown = JSON.parse(v);
        list = Array.isArray(parsed) ? parsed.map(castString) : [v];
      } catch {
        list = [v];
      }
    } else list = [v];
  } else list = [castString(v)];
  return uniqueNonEmpty(list);
}

export function uniqueNonEmpty(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of list) {
    if (s === "" || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** subtract returns the items of base that are not in remove. */
export function subtract(base: readonly string[], remove: readonly string[]): string[] {
  const r = new Set(remove);
  return base.filter((s) => !r.has(s));
}
