import { randomString } from "./random.ts";

/** How many extra repetitions an open-ended quantifier (`*`, `+`, `{n,}`) may add. */
const maxOpenRepeat = 10;
const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const digits = "0123456789";
const word = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${digits}_`;
const space = " \t\n\r\f\v";

type Node =
  | { kind: "chars"; set: string }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; options: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number };

/** RegexPatternError is thrown for patterns the generator can't read. */
export class RegexPatternError extends Error {}

/**
 * randomStringByRegex generates a random string matching a simple regular expression (character classes,
 * groups, alternation and quantifiers), the way text fields autogenerate values from `autogeneratePattern`.
 */
export function randomStringByRegex(pattern: string): string {
  return generate(new Parser(pattern).parse());
}

function generate(node: Node): string {
  switch (node.kind) {
    case "chars":
      return node.set === "" ? "" : randomString(1, node.set);
    case "seq":
      return node.items.map(generate).join("");
    case "alt":
      return generate(node.options[randomIndex(node.options.length)] as Node);
    case "repeat": {
      const n = node.min + randomIndex(node.max - node.min + 1);
      let out = "";
      for (let i = 0; i < n; i++) out += generate(node.node);
      return out;
    }
  }
}

function randomIndex(n: number): number {
  if (n <= 1) return 0;
  return crypto.getRandomValues(new Uint32Array(1))[0]! % n;
}

class Parser {
  #pos = 0;
  constructor(readonly src: string) {}

  parse(): Node {
    const node = this.#alt();
    if (this.#pos < this.src.length) throw new RegexPatternError(`unexpected ")" at position ${this.#pos}`);
    return node;
  }

  #peek(): string | undefined {
    return this.src[this.#pos];
  }

  #alt(): Node {
    const options = [this.#seq()];
    while (this.#peek() === "|") {
      this.#pos++;
      options.push(this.#seq());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: "alt", options };
  }

  #seq(): Node {
    const items: Node[] = [];
    for (let c = this.#peek(); c !== undefined && c !== "|" && c !== ")"; c = this.#peek()) {
      const atom = this.#atom();
      if (atom) items.push(this.#quantified(atom));
    }
    return { kind: "seq", items };
  }

  #atom(): Node | null {
    const c = this.src[this.#pos++] as string;
    switch (c) {
      case "^":
      case "$":
        return null;
      case "(": {
        if (this.src.startsWith("?:", this.#pos)) this.#pos += 2;
        else if (this.src.startsWith("?P<", this.#pos) || this.src.startsWith("?<", this.#pos)) {
          const end = this.src.indexOf(">", this.#pos);
          if (end < 0) throw new RegexPatternError("unterminated group name");
          this.#pos = end + 1;
        }
        const inner = this.#alt();
        if (this.src[this.#pos++] !== ")") throw new RegexPatternError("missing closing )");
        return inner;
      }
      case "[":
        return { kind: "chars", set: this.#class() };
      case ".":
        return { kind: "chars", set: printable };
      case "\\":
        return { kind: "chars", set: this.#escape(false) };
      case "*":
      case "+":
      case "?":
      case "{":
        if (c === "{" && !/^\d+(,\d*)?\}/.test(this.src.slice(this.#pos))) return { kind: "chars", set: c };
        throw new RegexPatternError(`missing argument to repetition operator: ${c}`);
      default:
        return { kind: "chars", set: c };
    }
  }

  #escape(inClass: boolean): string {
    const c = this.src[this.#pos++];
    if (c === undefined) throw new RegexPatternError("trailing backslash at end of expression");
    switch (c) {
      case "d":
        return digits;
      case "w":
        return word;
      case "s":
        return space;
      case "D":
        return except(digits);
      case "W":
        return except(word);
      case "S":
        return except(space);
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      default:
        if (/[a-zA-Z0-9]/.test(c) && !inClass) throw new RegexPatternError(`invalid escape sequence: \\${c}`);
        return c;
    }
  }

  #class(): string {
    let negate = false;
    if (this.#peek() === "^") {
      negate = true;
      this.#pos++;
    }
    let set = "";
    let first = true;
    while (true) {
      const c = this.src[this.#pos++];
      if (c === undefined) throw new RegexPatternError("missing closing ]");
      if (c === "]" && !first) break;
      first = false;
      let from: string;
      if (c === "\\") {
        const esc = this.#escape(true);
        if (esc.length > 1) {
          set += esc;
          continue;
        }
        from = esc;
      } else from = c;
      if (this.#peek() === "-" && this.src[this.#pos + 1] !== "]" && this.src[this.#pos + 1] !== undefined) {
        this.#pos++;
        let to = this.src[this.#pos++] as string;
        if (to === "\\") to = this.#escape(true);
        const a = from.codePointAt(0) ?? 0;
        const b = to.codePointAt(0) ?? 0;
        if (b < a) throw new RegexPatternError(`invalid character class range: ${from}-${to}`);
        for (let cp = a; cp <= b; cp++) set += String.fromCodePoint(cp);
      } else set += from;
    }
    return negate ? except(set) : [...new Set(set)].join("");
  }

  #quantified(atom: Node): Node {
    let node = atom;
    while (true) {
      const c = this.#peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max] = [0, maxOpenRepeat];
      else if (c === "+") [min, max] = [1, 1 + maxOpenRepeat];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.#pos));
        if (!m) return node;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? min + maxOpenRepeat : Number(m[3]);
        if (max < min || max > 1000) throw new RegexPatternError(`invalid repeat count: ${m[0]}`);
        this.#pos += m[0].length - 1;
      } else return node;
      this.#pos++;
      // a lazy marker changes nothing for generation
      if (this.#peek() === "?") this.#pos++;
      node = { kind: "repeat", node, min, max };
    }
  }
}

function except(set: string): string {
  return [...printable].filter((ch) => !set.includes(ch)).join("");
}
