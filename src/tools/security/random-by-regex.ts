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
  return generator(pattern)("");
}

/** A pattern made into a function appending one random match to the text given. */
type Generate = (text: string) => string;

// every record id is generated from the same few patterns: each is parsed and made into a generator once
const generators = new Map<string, Generate>();

function generator(pattern: string): Generate {
  let gen = generators.get(pattern);
  if (!gen) {
    gen = compile(parseRegexp(pattern));
    if (generators.size >= 256) generators.clear();
    generators.set(pattern, gen);
  }
  return gen;
}

/** The most characters a class may hold to be drawn from a table of its characters (an id's has 36). */
const maxTableSize = 256;

/**
 * compile makes a parsed pattern's generator: the tree walked once, each node's work (a class's size and
 * its characters) done ahead, so a record id's fifteen characters cost fifteen draws and string appends.
 */
function compile(re: Regexp): Generate {
  switch (re.op) {
    case "charClass":
      return classGenerator(re.ranges);
    case "anyChar":
    case "anyCharNotNL":
      return classGenerator(anyCharRanges);
    case "alternate": {
      const subs = re.subs.map(compile);
      return (text) => (subs[randomInt(subs.length)] as Generate)(text);
    }
    case "concat": {
      const subs = re.subs.map(compile);
      return (text) => {
        for (const sub of subs) text = sub(text);
        return text;
      };
    }
    case "capture":
      return compile(re.sub);
    case "literal": {
      const literal = String.fromCodePoint(...re.runes);
      return (text) => text + literal;
    }
    case "repeat":
      return repeat(compile(re.sub), re.min, re.max);
    case "quest":
      return repeat(compile(re.sub), 0, 1);
    case "plus":
      return repeat(compile(re.sub), 1, -1);
    case "star":
      return repeat(compile(re.sub), 0, -1);
    default: {
      const message = `unsupported pattern operator ${opNumbers[re.op]}`;
      // thrown when a string is generated, as before: a pattern is parsed and checked, then fails to generate
      return () => {
        throw new RegexpGenerateError(message);
      };
    }
  }
}

/** classGenerator draws one character of the ranges; a surrogate is no character: Go writes U+FFFD for it. */
function classGenerator(ranges: Ranges): Generate {
  const size = rangesSize(ranges);
  const char = (cp: number) => String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  if (size === 0 || size > maxTableSize) return (text) => text + char(randomRune(ranges, size));
  const table: string[] = [];
  for (let i = 0; i < ranges.length; i += 2)
    for (let cp = ranges[i] as number; cp <= (ranges[i + 1] as number); cp++) table.push(char(cp));
  return (text) => text + (table[randomInt(size)] as string);
}

function repeat(sub: Generate, min: number, max: number): Generate {
  let upper = max < 0 ? defaultMaxRepeat : max;
  if (upper < min) upper = min;
  return (text) => {
    // the upper bound is exclusive: PocketBase draws the count from [min, max)
    const n = upper === min ? min : min + randomInt(upper - min);
    for (let i = 0; i < n; i++) text = sub(text);
    return text;
  };
}

function randomRune(ranges: Ranges, size: number): number {
  let k = randomInt(size);
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
