/**
 * JsonRaw is a JSON value kept as its text, as a json field stores it. JSON.stringify emits the parsed value,
 * so a record holding one serializes like any other; `null` text (or no text) is JSON null.
 */
export class JsonRaw {
  #parsed: unknown;
  #hasParsed = false;

  constructor(readonly text: string) {}

  /** from encodes a value as Go's json.Marshal would (see marshalGoJson). */
  static from(value: unknown): JsonRaw {
    return new JsonRaw(marshalGoJson(value));
  }

  get value(): unknown {
    if (!this.#hasParsed) {
      this.#hasParsed = true;
      try {
        this.#parsed = this.text === "" ? null : JSON.parse(this.text);
      } catch {
        // a malformed stored value (written by another tool) is exported as a plain string
        this.#parsed = this.text;
      }
    }
    return this.#parsed;
  }

  toJSON(): unknown {
    return this.value;
  }

  castString(): string {
    return this.text;
  }
}

/**
 * The deepest nesting of arrays and objects Go's encoding/json reads (PocketBase's): deeper JSON is invalid
 * there. Here too, and not only to match: JavaScriptCore's JSON.stringify recurses, and a value nested some
 * 40,000 deep, which JSON.parse takes, would fail every answer (a list) holding it.
 */
export const maxJsonDepth = 10_000;

/**
 * exceedsJsonDepth says whether JSON text nests arrays and objects deeper than maxJsonDepth. Each level costs
 * at least two characters, so a shorter text is answered without a scan.
 */
export function exceedsJsonDepth(text: string): boolean {
  if (text.length <= 2 * maxJsonDepth) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: to its closing quote, past escaped characters
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxJsonDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** isValidJson reports whether text parses as one JSON value, as Go's json.Valid does (depth included). */
export function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  return !exceedsJsonDepth(text);
}

const goEscapes: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * marshalGoJson encodes a value as Go's json.Marshal does, which is what PocketBase stores and counts
 * against a json field's maxSize: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. It walks the
 * value with a stack of its own, not by recursion: a body may nest 10,000 deep (maxJsonDepth), which a
 * recursive walk (two frames a level) overflowed.
 */
export function marshalGoJson(value: unknown): string {
  const out: string[] = [];
  // each open list or object: its items (an object's as sorted [key, value] pairs) and the next to write
  const open: { items: readonly unknown[]; keyed: boolean; next: number }[] = [];
  let v = value;
  for (;;) {
    while (v instanceof JsonRaw || (typeof v === "object" && v !== null && typeof (v as ToJson).toJSON === "function"))
      v = v instanceof JsonRaw ? v.value : (v as ToJson).toJSON();
    if (Array.isArray(v) || (typeof v === "object" && v !== null)) {
      const keyed = !Array.isArray(v);
      const items = keyed ? objectEntries(v as object) : (v as unknown[]);
      out.push(keyed ? "{" : "[");
      open.push({ items, keyed, next: 0 });
    } else out.push(scalarGoJson(v));
    // the next item to write, closing each list or object written to its end
    let top = open.at(-1);
    while (top && top.next === top.items.length) {
      out.push(top.keyed ? "}" : "]");
      open.pop();
      top = open.at(-1);
    }
    if (!top) return out.join("");
    if (top.next > 0) out.push(",");
    const item = top.items[top.next++];
    if (top.keyed) {
      const [k, itemValue] = item as [string, unknown];
      out.push(`${scalarGoJson(k)}:`);
      v = itemValue;
    } else v = item;
  }
}

type ToJson = { toJSON: () => unknown };

/** objectEntries are an object's keys and values as Go writes a map: sorted, without undefined or functions. */
function objectEntries(value: object): [string, unknown][] {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined && typeof v !== "function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** scalarGoJson writes a value that holds no other: a string, a number, a boolean, null (or what has no JSON). */
function scalarGoJson(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string")
    return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => goEscapes[c] as string);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : (JSON.stringify(value) ?? "null");
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return String(value);
  return "null";
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const quoteEscapes: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
};

/**
 * goQuote quotes a string as Go's strconv.Quote does. It is not always JSON: control characters come out
 * as `\a`, `\v` or `\x01`, which PocketBase then refuses as invalid JSON.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0) as number;
    // a lone surrogate never reaches Go: its JSON decoder has made it U+FFFD already
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    const c = String.fromCodePoint(cp);
    if (c === '"' || c === "\\") out += `\\${c}`;
    else if (printable.test(c)) out += c;
    else if (cp in quoteEscapes) out += quoteEscapes[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}
