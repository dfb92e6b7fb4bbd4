/**
 * A parser for Go's regular expression syntax (RE2, with Go's Perl flags), so that patterns saved in
 * field options are accepted, refused and reported exactly as PocketBase's `regexp.Compile` does it:
 * `(?i)`, `\z`, `[[:alpha:]]` and `\pL` work, lookarounds and backreferences are errors, and the error
 * text is Go's (`error parsing regexp: missing closing ): \`(\``).
 */
import {
  foldOrbit,
  foldRanges,
  inRanges,
  negateRanges,
  normalizeRanges,
  perlClasses,
  posixClasses,
  type Ranges,
  unicodeClass,
} from "./unicode.ts";

/** A parsed expression; `op` names follow Go's regexp/syntax operators. */
export type Regexp =
  | { op: "emptyMatch" }
  | { op: "literal"; runes: number[]; fold: boolean }
  | { op: "charClass"; ranges: Ranges }
  | { op: "anyCharNotNL" }
  | { op: "anyChar" }
  | { op: "beginLine" }
  | { op: "endLine" }
  | { op: "beginText" }
  | { op: "endText" }
  | { op: "wordBoundary" }
  | { op: "noWordBoundary" }
  | { op: "capture"; sub: Regexp }
  | { op: "star" | "plus" | "quest"; sub: Regexp }
  | { op: "repeat"; sub: Regexp; min: number; max: number }
  | { op: "concat"; subs: Regexp[] }
  | { op: "alternate"; subs: Regexp[] };

/** Go's numbering of the operators (its error messages name them by number). */
export const opNumbers: Readonly<Record<Regexp["op"], number>> = {
  emptyMatch: 2,
  literal: 3,
  charClass: 4,
  anyCharNotNL: 5,
  anyChar: 6,
  beginLine: 7,
  endLine: 8,
  beginText: 9,
  endText: 10,
  wordBoundary: 11,
  noWordBoundary: 12,
  capture: 13,
  star: 14,
  plus: 15,
  quest: 16,
  repeat: 17,
  concat: 18,
  alternate: 19,
};

/** RegexpSyntaxError is a pattern Go refuses; its message is Go's error text. */
export class RegexpSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

const maxRepeat = 1000;
const maxNesting = 1000;

interface Flags {
  fold: boolean;
  /** `^`/`$` match at line breaks too (`(?m)`). */
  multiLine: boolean;
  /** `.` matches `\n` too (`(?s)`). */
  dotNL: boolean;
}

/** parseRegexp parses a pattern with Go's syntax and flags, or throws a RegexpSyntaxError. */
export function parseRegexp(pattern: string): Regexp {
  return new Parser(pattern).parse();
}

class Parser {
  /** The pattern as code points, so that positions never split a surrogate pair. */
  readonly #src: string[];
  #pos = 0;
  #depth = 0;

  constructor(readonly whole: string) {
    this.#src = [...whole];
  }

  parse(): Regexp {
    const re = this.#alternation({ fold: false, multiLine: false, dotNL: false }, null);
    if (this.#pos < this.#src.length) throw new RegexpSyntaxError("unexpected )", this.whole);
    return re;
  }

  #rest(from = this.#pos): string {
    return this.#src.slice(from).join("");
  }

  #text(from: number, to = this.#pos): string {
    return this.#src.slice(from, to).join("");
  }

  #peek(offset = 0): string | undefined {
    return this.#src[this.#pos + offset];
  }

  /**
   * #alternation reads alternatives up to a `)` (left in place) or the end. `openedAt` is where the group
   * began (null at the top level): reaching the end inside a group is a missing `)`.
   */
  #alternation(outer: Flags, openedAt: number | null): Regexp {
    if (++this.#depth > maxNesting) throw new RegexpSyntaxError("expression nests too deeply", this.whole);
    const flags = { ...outer };
    const alternatives: Regexp[] = [];
    let items: Regexp[] = [];
    let lastRepeat = "";
    for (;;) {
      const c = this.#peek();
      if (c === undefined || c === ")") {
        if (c === undefined && openedAt !== null) throw new RegexpSyntaxError("missing closing )", this.whole);
        if (c === ")" && openedAt === null) throw new RegexpSyntaxError("unexpected )", this.whole);
        alternatives.push(concat(items));
        break;
      }
      const start = this.#pos;
      let repeat = "";
      switch (c) {
        case "|":
          this.#pos++;
          alternatives.push(concat(items));
          items = [];
          break;
        case "(": {
          const group = this.#group(flags);
          if (group) items.push(group);
          break;
        }
        case "^":
          this.#pos++;
          items.push({ op: flags.multiLine ? "beginLine" : "beginText" });
          break;
        case "$":
          this.#pos++;
          items.push({ op: flags.multiLine ? "endLine" : "endText" });
          break;
        case ".":
          this.#pos++;
          items.push({ op: flags.dotNL ? "anyChar" : "anyCharNotNL" });
          break;
        case "[":
          items.push(classNode(this.#class(flags)));
          break;
        case "*":
        case "+":
        case "?":
        case "{": {
          const parsed = this.#repeatOperator();
          if (!parsed) {
            this.#pos++;
            items.push(literalNode(c.codePointAt(0) as number, flags));
            break;
          }
          if (lastRepeat !== "")
            throw new RegexpSyntaxError("invalid nested repetition operator", lastRepeat + this.#text(start));
          this.#applyRepeat(items, parsed, start);
          repeat = this.#text(start);
          break;
        }
        case "\\": {
          const atom = this.#escapeAtom(flags);
          if (atom) items.push(atom);
          break;
        }
        default:
          this.#pos++;
          items.push(literalNode(c.codePointAt(0) as number, flags));
      }
      lastRepeat = repeat;
    }
    this.#depth--;
    return alternatives.length === 1 ? (alternatives[0] as Regexp) : { op: "alternate", subs: alternatives };
  }

  /**
   * #group reads `(...)`, `(?:...)`, `(?P<name>...)`, `(?<name>...)`, `(?flags:...)`, and `(?flags)`, which
   * changes the flags for the rest of the current group and yields no node.
   */
  #group(flags: Flags): Regexp | null {
    const start = this.#pos;
    if (this.#peek(1) !== "?") {
      this.#pos++;
      return this.#groupBody(flags, start, true);
    }
    const named = this.#peek(2) === "P" && this.#peek(3) === "<" ? 4 : this.#peek(2) === "<" ? 3 : 0;
    if (named > 0 && this.#src.length - start > named) {
      const end = this.#src.indexOf(">", start);
      if (end < 0) throw new RegexpSyntaxError("invalid named capture", this.#rest(start));
      const name = this.#text(start + named, end);
      if (!/^[A-Za-z0-9_]+$/.test(name))
        throw new RegexpSyntaxError("invalid named capture", this.#text(start, end + 1));
      this.#pos = end + 1;
      return this.#groupBody(flags, start, true);
    }
    this.#pos += 2;
    const next = { ...flags };
    let negated = false;
    let sawFlag = false;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) break;
      this.#pos++;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        if (c === "i") next.fold = !negated;
        else if (c === "m") next.multiLine = !negated;
        else if (c === "s") next.dotNL = !negated;
        sawFlag = true;
        continue;
      }
      if (c === "-" && !negated) {
        negated = true;
        sawFlag = false;
        continue;
      }
      if ((c === ":" || c === ")") && !(negated && !sawFlag)) {
        if (c === ")") {
          Object.assign(flags, next);
          return null;
        }
        return this.#groupBody(next, start, false);
      }
      break;
    }
    throw new RegexpSyntaxError("invalid or unsupported Perl syntax", this.#text(start));
  }

  #groupBody(flags: Flags, start: number, capture: boolean): Regexp {
    const sub = this.#alternation(flags, start);
    this.#pos++; // the ")"
    return capture ? { op: "capture", sub } : sub;
  }

  /** #repeatOperator reads `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` (a `{` that isn't one is a literal). */
  #repeatOperator(): { op: "star" | "plus" | "quest" | "repeat"; min: number; max: number } | null {
    const c = this.#peek();
    if (c === "*" || c === "+" || c === "?") {
      this.#pos++;
      if (this.#peek() === "?") this.#pos++;
      return { op: c === "*" ? "star" : c === "+" ? "plus" : "quest", min: 0, max: 0 };
    }
    const m = /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.exec(this.#rest());
    if (!m) return null;
    const start = this.#pos;
    const big = (s: string) => s.length > 9 || Number(s) > 1e9;
    let min = big(m[1] as string) ? -1 : Number(m[1]);
    let max = m[2] === undefined ? min : m[3] === undefined ? -1 : big(m[3]) ? -2 : Number(m[3]);
    if (max === -2) {
      min = -1;
      max = -1;
    }
    this.#pos += [...m[0]].length;
    if (min < 0 || min > maxRepeat || max > maxRepeat || (max >= 0 && min > max))
      throw new RegexpSyntaxError("invalid repeat count", this.#text(start));
    if (this.#peek() === "?") this.#pos++;
    return { op: "repeat", min, max };
  }

  #applyRepeat(
    items: Regexp[],
    r: { op: "star" | "plus" | "quest" | "repeat"; min: number; max: number },
    start: number,
  ): void {
    const sub = items[items.length - 1];
    if (sub === undefined) throw new RegexpSyntaxError("missing argument to repetition operator", this.#text(start));
    const node: Regexp = r.op === "repeat" ? { op: "repeat", sub, min: r.min, max: r.max } : { op: r.op, sub };
    if (r.op === "repeat" && (r.min >= 2 || r.max >= 2) && !repeatIsValid(node, maxRepeat))
      throw new RegexpSyntaxError("invalid repeat count", this.#text(start));
    items[items.length - 1] = node;
  }

  /** #escapeAtom reads a backslash outside a class: assertions, `\Q...\E`, classes or an escaped rune. */
  #escapeAtom(flags: Flags): Regexp | null {
    const start = this.#pos;
    const next = this.#peek(1);
    const simple: Record<string, Regexp["op"]> = {
      A: "beginText",
      b: "wordBoundary",
      B: "noWordBoundary",
      z: "endText",
    };
    if (next !== undefined && next in simple) {
      this.#pos += 2;
      return { op: simple[next] } as Regexp;
    }
    if (next === "C") throw new RegexpSyntaxError("invalid escape sequence", "\\C");
    if (next === "Q") {
      this.#pos += 2;
      const rest = this.#rest();
      const end = rest.indexOf("\\E");
      const text = end < 0 ? rest : rest.slice(0, end);
      this.#pos += [...text].length + (end < 0 ? 0 : 2);
      const runes = [...text].map((ch) =>
        flags.fold ? minFold(ch.codePointAt(0) as number) : (ch.codePointAt(0) as number),
      );
      if (runes.length === 0) return null;
      return { op: "literal", runes, fold: flags.fold && runes.some((r) => foldOrbit(r).length > 1) };
    }
    const cls = this.#unicodeClass(flags) ?? this.#perlClass(flags);
    if (cls) return classNode(cls);
    this.#pos = start;
    return literalNode(this.#escapedRune(), flags);
  }

  /** #unicodeClass reads `\pN`, `\p{Name}`, `\PN`, `\P{^Name}` at the position, or returns null. */
  #unicodeClass(flags: Flags): Ranges | null {
    if (this.#peek() !== "\\" || (this.#peek(1) !== "p" && this.#peek(1) !== "P")) return null;
    const start = this.#pos;
    let negate = this.#peek(1) === "P";
    let name: string;
    if (this.#peek(2) === "{") {
      const end = this.#src.indexOf("}", start);
      if (end < 0) throw new RegexpSyntaxError("invalid character class range", this.#rest(start));
      name = this.#text(start + 3, end);
      this.#pos = end + 1;
    } else {
      name = this.#peek(2) ?? "";
      this.#pos = Math.min(start + 3, this.#src.length);
    }
    const seq = this.#text(start);
    if (name.startsWith("^")) {
      negate = !negate;
      name = name.slice(1);
    }
    let ranges = unicodeClass(name);
    if (!ranges) throw new RegexpSyntaxError("invalid character class range", seq);
    if (flags.fold) ranges = foldRanges(ranges);
    return negate ? negateRanges(ranges) : ranges;
  }

  /** #perlClass reads `\d`, `\D`, `\s`, `\S`, `\w`, `\W` at the position, or returns null. */
  #perlClass(flags: Flags): Ranges | null {
    const c = this.#peek(1);
    if (this.#peek() !== "\\" || c === undefined) return null;
    const base = perlClasses[c.toLowerCase()];
    if (!base || !"dswDSW".includes(c)) return null;
    this.#pos += 2;
    const ranges = flags.fold ? foldRanges(base) : base;
    return c === c.toUpperCase() ? negateRanges(ranges) : ranges;
  }

  /** #escapedRune reads a single-rune escape (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`). */
  #escapedRune(): number {
    const start = this.#pos;
    this.#pos++;
    const c = this.#peek();
    if (c === undefined) throw new RegexpSyntaxError("trailing backslash at end of expression", "");
    this.#pos++;
    const invalid = () => new RegexpSyntaxError("invalid escape sequence", this.#text(start));
    const isOctal = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "7";
    if (c >= "1" && c <= "7" && !isOctal(this.#peek())) throw invalid();
    if (c >= "0" && c <= "7") {
      let r = Number(c);
      for (let i = 1; i < 3 && isOctal(this.#peek()); i++) r = r * 8 + Number(this.#src[this.#pos++]);
      return r;
    }
    if (c === "x") {
      if (this.#peek() === undefined) throw invalid();
      const first = this.#src[this.#pos++] as string;
      if (first === "{") {
        let r = 0;
        let digits = 0;
        for (;;) {
          const d = this.#src[this.#pos++];
          if (d === undefined) {
            this.#pos--;
            throw invalid();
          }
          if (d === "}") break;
          if (!/^[0-9a-fA-F]$/.test(d)) throw invalid();
          r = r * 16 + Number.parseInt(d, 16);
          if (r > 0x10ffff) throw invalid();
          digits++;
        }
        if (digits === 0) throw invalid();
        return r;
      }
      const second = this.#src[this.#pos++];
      if (second === undefined) this.#pos--;
      if (!/^[0-9a-fA-F]$/.test(first) || second === undefined || !/^[0-9a-fA-F]$/.test(second)) throw invalid();
      return Number.parseInt(first + second, 16);
    }
    const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in controls) return controls[c] as number;
    const cp = c.codePointAt(0) as number;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return cp;
    throw invalid();
  }

  /** #class reads a bracketed class `[...]` and returns its code points (folded and negated as flagged). */
  #class(flags: Flags): Ranges {
    const start = this.#pos;
    this.#pos++;
    let negate = false;
    if (this.#peek() === "^") {
      negate = true;
      this.#pos++;
    }
    let ranges: Ranges = [];
    const add = (r: Ranges) => {
      ranges = ranges.concat(r);
    };
    let first = true;
    while (first || this.#peek() !== "]") {
      if (this.#peek() === undefined) throw new RegexpSyntaxError("missing closing ]", this.#rest(start));
      first = false;
      const group = this.#posixClass(flags) ?? this.#unicodeClass(flags) ?? this.#perlClass(flags);
      if (group) {
        add(group);
        continue;
      }
      const rangeStart = this.#pos;
      const lo = this.#classChar(start);
      let hi = lo;
      if (this.#peek() === "-" && this.#peek(1) !== undefined && this.#peek(1) !== "]") {
        this.#pos++;
        hi = this.#classChar(start);
        if (hi < lo) throw new RegexpSyntaxError("invalid character class range", this.#text(rangeStart));
      }
      add(flags.fold ? foldRanges([lo, hi]) : [lo, hi]);
    }
    this.#pos++; // the "]"
    const normalized = normalizeRanges(ranges);
    return negate ? negateRanges(normalized) : normalized;
  }

  /** #posixClass reads `[:name:]` or `[:^name:]` inside a class, or returns null. */
  #posixClass(flags: Flags): Ranges | null {
    if (this.#peek() !== "[" || this.#peek(1) !== ":") return null;
    const rest = this.#rest();
    const end = rest.indexOf(":]", 2);
    if (end < 0) return null;
    const text = rest.slice(0, end + 2);
    const negate = text[2] === "^";
    const base = posixClasses[text.slice(negate ? 3 : 2, -2)];
    if (!base) throw new RegexpSyntaxError("invalid character class range", text);
    this.#pos += [...text].length;
    const ranges = flags.fold ? foldRanges(base) : base;
    return negate ? negateRanges(ranges) : ranges;
  }

  #classChar(classStart: number): number {
    const c = this.#peek();
    if (c === undefined) throw new RegexpSyntaxError("missing closing ]", this.#rest(classStart));
    if (c === "\\") return this.#escapedRune();
    this.#pos++;
    return c.codePointAt(0) as number;
  }
}

function concat(items: Regexp[]): Regexp {
  if (items.length === 0) return { op: "emptyMatch" };
  return items.length === 1 ? (items[0] as Regexp) : { op: "concat", subs: items };
}

/** minFold is the smallest code point that folds to cp (Go keeps case-insensitive literals that way). */
function minFold(cp: number): number {
  return Math.min(...foldOrbit(cp));
}

function literalNode(cp: number, flags: Flags): Regexp {
  if (flags.fold && foldOrbit(cp).length > 1) return { op: "literal", runes: [minFold(cp)], fold: true };
  return { op: "literal", runes: [cp], fold: false };
}

/**
 * classNode turns a class into Go's node: a single rune is a literal, and a pair of runes that fold to
 * each other (`[Aa]`) a case-insensitive literal.
 */
function classNode(ranges: Ranges): Regexp {
  if (ranges.length === 2 && ranges[0] === ranges[1])
    return { op: "literal", runes: [ranges[0] as number], fold: false };
  const runes = rangesRunes(ranges, 3);
  if (runes.length === 2) {
    const [a, b] = runes as [number, number];
    const orbit = foldOrbit(a);
    if (orbit.length === 2 && orbit.includes(b)) return { op: "literal", runes: [a], fold: true };
  }
  return { op: "charClass", ranges };
}

function rangesRunes(ranges: Ranges, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ranges.length && out.length <= limit; i += 2)
    for (let cp = ranges[i] as number; cp <= (ranges[i + 1] as number) && out.length <= limit; cp++) out.push(cp);
  return out;
}

/** repeatIsValid refuses nested counted repetitions whose product exceeds the limit, as Go does. */
function repeatIsValid(re: Regexp, n: number): boolean {
  let budget = n;
  if (re.op === "repeat") {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > budget) return false;
    if (m > 0) budget = Math.floor(budget / m);
  }
  switch (re.op) {
    case "capture":
    case "star":
    case "plus":
    case "quest":
    case "repeat":
      return repeatIsValid(re.sub, budget);
    case "concat":
    case "alternate":
      return re.subs.every((s) => repeatIsValid(s, budget));
    default:
      return true;
  }
}

/** matchesRune reports whether a one-rune node (literal, class, any) matches a code point. */
export function matchesRune(re: Regexp, cp: number): boolean {
  switch (re.op) {
    case "charClass":
      return inRanges(re.ranges, cp);
    case "anyChar":
      return true;
    case "anyCharNotNL":
      return cp !== 10;
    case "literal":
      return re.runes.length === 1 && (re.fold ? foldOrbit(re.runes[0] as number).includes(cp) : re.runes[0] === cp);
    default:
      return false;
  }
}
