/**
 * Loose conversions with the semantics of Go's spf13/cast as PocketBase uses it, so that request values
 * of the "wrong" JSON type are coerced the same way (e.g. `"12"` → 12 for a number field, `[1]` → "" for text).
 */

/** castString: strings as they are, numbers and booleans formatted, anything else "". */
export function castString(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return Number.isFinite(v) ? String(v) : "";
    case "boolean":
    case "bigint":
      return String(v);
    default:
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      return "";
  }
}

const floatPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** toFloat: numbers as they are, numeric strings parsed (no surrounding spaces), booleans 1/0, else 0. */
export function toFloat(v: unknown): number {
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      if (floatPattern.test(v)) return Number(v);
      const lower = v.toLowerCase();
      if (lower === "nan") return Number.NaN;
      if (lower === "inf" || lower === "+inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
      if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
      return 0;
    }
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
