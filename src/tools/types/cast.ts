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

/**
 * formatFloatG writes a number the way Go's strconv.FormatFloat(f, 'g', -1, 64) does: the shortest digits
 * that read back as the same number, in exponent form when the exponent is below -4 or at least 6
 * (123456, 1e+06, 1.234567e+06, 0.0001, 1e-05).
 */
export function formatFloatG(n: number): string {
  if (Number.isNaN(n) || !Number.isFinite(n)) return formatFloat(n);
  const [mantissa = "", exp = "0"] = n.toExponential().split("e");
  const e = Number(exp);
  if (e >= -4 && e < 6) return formatFloat(n);
  const sign = e < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
}

/**
 * bytesToGoString decodes bytes as Go's encoding/json writes a []byte converted to a string: valid UTF-8 as
 * it is, and each byte that doesn't start a valid sequence as U+FFFD (one per byte, where a WHATWG decoder
 * may write one for several).
 */
export function bytesToGoString(bytes: Uint8Array): string {
  let out = "";
  let start = 0;
  let i = 0;
  const continuation = (at: number, low = 0x80, high = 0xbf) => {
    const b = bytes[at];
    return b !== undefined && b >= low && b <= high;
  };
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let size = 0;
    if (b < 0x80) size = 1;
    else if (b >= 0xc2 && b <= 0xdf) size = continuation(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) {
      const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      size = continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [low, high] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      size = continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    }
    if (size > 0) {
      i += size;
      continue;
    }
    out += `${utf8.decode(bytes.subarray(start, i))}\uFFFD`;
    i++;
    start = i;
  }
  return out + utf8.decode(bytes.subarray(start));
}

const utf8 = new TextDecoder();

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
    // a plain value (a single select's, a relation's id): itself, without the dedupe's set and copies
    if (!v.includes("[")) return v === "" ? [] : [v];
    if (v === "[]") list = [];
    else {
      try {
        const parsed: unknown = JSON.parse(v);
        // the usual value read back from the database is already a list of distinct non-empty strings
        if (isUniqueStringList(parsed)) return parsed;
        list = Array.isArray(parsed) ? parsed.map(castString) : [v];
      } catch {
        list = [v];
      }
    }
  } else list = [castString(v)];
  return uniqueNonEmpty(list);
}

/** isUniqueStringList tells whether v is a short array of distinct non-empty strings (longer ones: not checked). */
function isUniqueStringList(v: unknown): v is string[] {
  if (!Array.isArray(v) || v.length > 16) return false;
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== "string" || s === "") return false;
    for (let j = 0; j < i; j++) if (v[j] === s) return false;
  }
  return true;
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
