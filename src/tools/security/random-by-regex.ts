import { opNumbers, parseRegexp, type Regexp } from "../regexp/syntax.ts";
import { type Ranges, rangesSize } from "../regexp/unicode.ts";

/** How many times an open-ended repetition (`*`, `+`, `{n,}`) may repeat at most, as in PocketBase. */
const defaultMaxRepeat = 6;
const anyCharRanges: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a];

/** RegexpGenerateError is a valid pattern that holds something no string can be generated from (an anchor). */
export class RegexpGenerateError extends Error {}

/**
 * randomStringByRegex generates a random string matching a pattern in Go's syntax, the way PocketBase
 * autogenerates text field values, quirks included: `.` is a letter or digit, `?` and `{0,1}` produce
 * nothing, a range `{n,m}` repeats n to m-1 times and an open one at most 5 times; anchors and word
 * boundaries can't be generated. A pattern Go refuses throws its RegexpSyntaxError.
 */
export function randomStringByRegex(pattern: string): string {
  const out: string[] = [];
  write(parsed(pattern), out);
  return out.join("");
}

// every record id is generated from the same few patterns: parse each once
const parsedPatterns = new Map<string, Regexp>();

function parsed(pattern: string): Regexp {
  let re = parsedPatterns.get(pattern);
  if (!re) {
    re = parseRegexp(pattern);
    if (parsedPatterns.size >= 256) parsedPatterns.clear();
    parsedPatterns.set(pattern, re);
  }
  return re;
}

function write(re: Regexp, out: string[]): void {
  switch (re.op) {
    case "charClass": {
      const cp = randomRune(re.ranges);
      // a surrogate is no character: Go writes the replacement character for it
      out.push(String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp));
      return;
    }
    case "anyChar":
    case "anyCharNotNL":
      out.push(String.fromCodePoint(randomRune(anyCharRanges)));
      return;
    case "alternate":
      write(re.subs[randomInt(re.subs.length)] as Regexp, out);
      return;
    case "concat":
      for (const sub of re.subs) write(sub, out);
      return;
    case "capture":
      write(re.sub, out);
      return;
    case "literal":
      out.push(String.fromCodePoint(...re.runes));
      return;
    case "repeat":
      repeat(re.sub, re.min, re.max, out);
      return;
    case "quest":
      repeat(re.sub, 0, 1, out);
      return;
    case "plus":
      repeat(re.sub, 1, -1, out);
      return;
    case "star":
      repeat(re.sub, 0, -1, out);
      return;
    default:
      throw new RegexpGenerateError(`unsupported pattern operator ${opNumbers[re.op]}`);
  }
}

function repeat(sub: Regexp, min: number, max: number, out: string[]): void {
  let upper = max < 0 ? defaultMaxRepeat : max;
  if (upper < min) upper = min;
  // the upper bound is exclusive: PocketBase draws the count from [min, max)
  const n = upper === min ? min : min + randomInt(upper - min);
  for (let i = 0; i < n; i++) write(sub, out);
}

function randomRune(ranges: Ranges): number {
  let k = randomInt(rangesSize(ranges));
  for (let i = 0; i < ranges.length; i += 2) {
    const size = (ranges[i + 1] as number) - (ranges[i] as number) + 1;
    if (k < size) return (ranges[i] as number) + k;
    k -= size;
  }
  throw new RegexpGenerateError("no runes to choose from");
}

// random words drawn from the system's secure source 256 at a time (a record id takes 15): one call to the
// source per 17 ids instead of one per character, each word used once
const pool = new Uint32Array(256);
let pooled = 0;

function randomWord(): number {
  if (pooled === 0) {
    crypto.getRandomValues(pool);
    pooled = pool.length;
  }
  pooled--;
  return pool[pooled] as number;
}

/** randomInt returns a uniformly random integer in [0, n) from the system's secure random source. */
function randomInt(n: number): number {
  if (n <= 1) return 0;
  const limit = Math.floor(0x100000000 / n) * n;
  for (;;) {
    const word = randomWord();
    if (word < limit) return word % n;
  }
}
