import { matchesRune, parseRegexp, type Regexp, RegexpSyntaxError } from "./syntax.ts";

/** The most instructions a compiled pattern may have (Go refuses such patterns as too large too). */
const maxProgramSize = 200_000;

type Assertion = "beginLine" | "endLine" | "beginText" | "endText" | "wordBoundary" | "noWordBoundary";

type Inst =
  | { k: "rune"; node: Regexp; next: number }
  | { k: "split"; x: number; y: number }
  | { k: "assert"; what: Assertion; next: number }
  | { k: "match" };

/**
 * GoRegexp is a pattern compiled with Go's syntax and matched with Go's semantics in linear time
 * (a Thompson-NFA simulation, so no input can make a pattern backtrack for ever).
 */
export class GoRegexp {
  readonly #prog: Inst[];
  readonly #start: number;
  readonly #run: WholeTextRun | null;

  private constructor(prog: Inst[], start: number, run: WholeTextRun | null) {
    this.#prog = prog;
    this.#start = start;
    this.#run = run;
  }

  /** compile parses a pattern, throwing a RegexpSyntaxError with Go's message when Go would refuse it. */
  static compile(pattern: string): GoRegexp {
    const re = parseRegexp(pattern);
    const c = new Compiler();
    const start = c.compile(re, c.emit({ k: "match" }));
    return new GoRegexp(c.prog, start, wholeTextRun(re));
  }

  /** test reports whether the pattern matches anywhere in the text (Go's MatchString). */
  test(text: string): boolean {
    if (this.#run) return matchesWholeTextRun(this.#run, text);
    const runes = [...text].map((ch) => ch.codePointAt(0) as number);
    const prog = this.#prog;
    // seen[pc] holds the step at which pc was last added, so each state enters a step's list once
    const seen = new Int32Array(prog.length).fill(-1);
    const stack: number[] = [];
    /** follows the empty transitions from pc at position i; true when they reach a match */
    const add = (list: number[], pc: number, i: number): boolean => {
      stack.push(pc);
      while (stack.length > 0) {
        const p = stack.pop() as number;
        if (seen[p] === i) continue;
        seen[p] = i;
        const inst = prog[p] as Inst;
        if (inst.k === "match") return true;
        if (inst.k === "split") stack.push(inst.y, inst.x);
        else if (inst.k === "assert") {
          if (assertionHolds(inst.what, runes, i)) stack.push(inst.next);
        } else if (inst.k === "rune") list.push(p);
      }
      return false;
    };
    let current: number[] = [];
    for (let i = 0; ; i++) {
      // an unanchored search starts a new thread at every position
      if (add(current, this.#start, i)) return true;
      if (i === runes.length) return false;
      const cp = runes[i] as number;
      const next: number[] = [];
      for (const pc of current) {
        const inst = prog[pc] as Extract<Inst, { k: "rune" }>;
        if (matchesRune(inst.node, cp) && add(next, inst.next, i + 1)) return true;
      }
      current = next;
    }
  }
}

/**
 * A pattern that is one single-rune item repeated over the whole text, like an id's `^[a-z0-9]+$`: matched
 * rune by rune, without the NFA (the most common field pattern, checked on every record save).
 */
interface WholeTextRun {
  item: Regexp;
  min: number;
  /** -1: unbounded */
  max: number;
  /** Per ASCII code point, 1 when the item matches it: most texts checked are ASCII, looked up without matchesRune. */
  ascii: Uint8Array;
}

function uncaptured(re: Regexp): Regexp {
  return re.op === "capture" ? uncaptured(re.sub) : re;
}

function wholeTextRun(re: Regexp): WholeTextRun | null {
  if (re.op !== "concat" || re.subs.length !== 3) return null;
  const [first, middle, last] = re.subs as [Regexp, Regexp, Regexp];
  if (first.op !== "beginText" || last.op !== "endText") return null;
  const repeat = uncaptured(middle);
  let bounds: [number, number];
  if (repeat.op === "star") bounds = [0, -1];
  else if (repeat.op === "plus") bounds = [1, -1];
  else if (repeat.op === "repeat") bounds = [repeat.min, repeat.max];
  else return null;
  const item = uncaptured(repeat.sub);
  const singleRune =
    item.op === "charClass" ||
    item.op === "anyChar" ||
    item.op === "anyCharNotNL" ||
    (item.op === "literal" && item.runes.length === 1);
  if (!singleRune) return null;
  const ascii = new Uint8Array(128);
  for (let cp = 0; cp < 128; cp++) ascii[cp] = matchesRune(item, cp) ? 1 : 0;
  return { item, min: bounds[0], max: bounds[1], ascii };
}

function matchesWholeTextRun(run: WholeTextRun, text: string): boolean {
  const { ascii, max } = run;
  let count = 0;
  // code point by code point, as a string's iterator goes (a lone surrogate is one), without its objects
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    count++;
    if (max >= 0 && count > max) return false;
    if (cp < 128 ? ascii[cp] === 0 : !matchesRune(run.item, cp)) return false;
  }
  return count >= run.min;
}

function isWordRune(cp: number | undefined): boolean {
  return (
    cp !== undefined &&
    ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f)
  );
}

function assertionHolds(what: Assertion, runes: number[], i: number): boolean {
  const before = runes[i - 1];
  const after = runes[i];
  switch (what) {
    case "beginText":
      return i === 0;
    case "endText":
      return i === runes.length;
    case "beginLine":
      return i === 0 || before === 10;
    case "endLine":
      return i === runes.length || after === 10;
    case "wordBoundary":
      return isWordRune(before) !== isWordRune(after);
    case "noWordBoundary":
      return isWordRune(before) === isWordRune(after);
  }
}

class Compiler {
  readonly prog: Inst[] = [];

  emit(inst: Inst): number {
    if (this.prog.length >= maxProgramSize) throw new RegexpSyntaxError("expression too large", "");
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  /** compile emits the instructions of a node that continue at `next` and returns its entry. */
  compile(re: Regexp, next: number): number {
    switch (re.op) {
      case "emptyMatch":
        return next;
      case "literal": {
        let pc = next;
        for (let i = re.runes.length - 1; i >= 0; i--) {
          pc = this.emit({
            k: "rune",
            node: { op: "literal", runes: [re.runes[i] as number], fold: re.fold },
            next: pc,
          });
        }
        return pc;
      }
      case "charClass":
      case "anyChar":
      case "anyCharNotNL":
        return this.emit({ k: "rune", node: re, next });
      case "beginLine":
      case "endLine":
      case "beginText":
      case "endText":
      case "wordBoundary":
      case "noWordBoundary":
        return this.emit({ k: "assert", what: re.op, next });
      case "capture":
        return this.compile(re.sub, next);
      case "concat": {
        let pc = next;
        for (let i = re.subs.length - 1; i >= 0; i--) pc = this.compile(re.subs[i] as Regexp, pc);
        return pc;
      }
      case "alternate": {
        const entries = re.subs.map((s) => this.compile(s, next));
        let pc = entries[entries.length - 1] as number;
        for (let i = entries.length - 2; i >= 0; i--) pc = this.emit({ k: "split", x: entries[i] as number, y: pc });
        return pc;
      }
      case "quest": {
        const body = this.compile(re.sub, next);
        return this.emit({ k: "split", x: body, y: next });
      }
      case "star":
        return this.#loop(re.sub, next, false);
      case "plus":
        return this.#loop(re.sub, next, true);
      case "repeat":
        return this.#repeat(re.sub, re.min, re.max, next);
    }
  }

  /** #loop emits `sub*` (or `sub+`): a split that either enters the body, which jumps back, or leaves. */
  #loop(sub: Regexp, next: number, atLeastOnce: boolean): number {
    const split = this.emit({ k: "split", x: -1, y: next });
    const body = this.compile(sub, split);
    (this.prog[split] as Extract<Inst, { k: "split" }>).x = body;
    return atLeastOnce ? body : split;
  }

  /** #repeat emits `sub{min,max}` as min copies followed by max-min optional ones (or a star when unbounded). */
  #repeat(sub: Regexp, min: number, max: number, next: number): number {
    let pc = next;
    if (max < 0) pc = this.#loop(sub, next, false);
    else {
      for (let i = 0; i < max - min; i++) {
        const body = this.compile(sub, pc);
        pc = this.emit({ k: "split", x: body, y: next });
      }
    }
    for (let i = 0; i < min; i++) pc = this.compile(sub, pc);
    return pc;
  }
}
