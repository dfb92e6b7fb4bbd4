/**
 * Character sets for the Go regexp syntax, as sorted, merged code point ranges: a flat list
 * `[lo0, hi0, lo1, hi1, ...]`. Unicode categories and scripts are read from the JavaScript engine's
 * tables (once per name), and case folding follows Unicode simple case folding.
 */

export type Ranges = number[];

export const maxRune = 0x10ffff;

/** normalizeRanges sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(r: Ranges): Ranges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** negateRanges returns every code point not in the (normalized) ranges. */
export function negateRanges(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number;
    if (lo > next) out.push(next, lo - 1);
    next = (r[i + 1] as number) + 1;
  }
  if (next <= maxRune) out.push(next, maxRune);
  return out;
}

/** inRanges reports whether a code point is in the (normalized) ranges, by binary search. */
export function inRanges(r: Ranges, cp: number): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < (r[2 * mid] as number)) hi = mid - 1;
    else if (cp > (r[2 * mid + 1] as number)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** rangesSize counts the code points in the ranges. */
export function rangesSize(r: Ranges): number {
  let n = 0;
  for (let i = 0; i < r.length; i += 2) n += (r[i + 1] as number) - (r[i] as number) + 1;
  return n;
}

// --- case folding ---------------------------------------------------------------------------------

/** The last code point that has a case mapping (Adlam); folding never looks beyond it. */
const lastCased = 0x1e943;
let foldOrbits: Map<number, number[]> | null = null;
let foldable: number[] = [];

/**
 * orbits groups code points that are equal under simple case folding (k, K and the Kelvin sign): two code
 * points belong together when one is the single-code-point upper or lower case of the other. The dotted
 * and dotless Turkish i only fold that way in Turkish, so they stay apart, as in Go.
 */
function orbits(): Map<number, number[]> {
  if (foldOrbits) return foldOrbits;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as number;
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (!parent.has(ra)) parent.set(ra, ra);
    if (!parent.has(rb)) parent.set(rb, rb);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp <= lastCased; cp++) {
    if (cp === 0x130 || cp === 0x131) continue;
    const s = String.fromCodePoint(cp);
    for (const mapped of [s.toLowerCase(), s.toUpperCase()]) {
      const m = mapped.codePointAt(0) as number;
      if (m !== cp && String.fromCodePoint(m) === mapped && m !== 0x130 && m !== 0x131) union(cp, m);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root) ?? [];
    g.push(cp);
    groups.set(root, g);
  }
  const byRune = new Map<number, number[]>();
  for (const g of groups.values()) {
    g.sort((a, b) => a - b);
    for (const cp of g) byRune.set(cp, g);
  }
  foldOrbits = byRune;
  foldable = [...byRune.keys()].sort((a, b) => a - b);
  return byRune;
}

/** foldOrbit returns the code points equal to cp under simple case folding (cp alone when it has no case). */
export function foldOrbit(cp: number): number[] {
  return orbits().get(cp) ?? [cp];
}

/** foldRanges adds to the ranges every code point that folds to one of theirs. */
export function foldRanges(r: Ranges): Ranges {
  orbits();
  const out = [...r];
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number;
    const hi = Math.min(r[i + 1] as number, lastCased);
    let k = lowerBound(foldable, lo);
    for (; k < foldable.length && (foldable[k] as number) <= hi; k++) {
      for (const cp of foldOrbit(foldable[k] as number)) out.push(cp, cp);
    }
  }
  return normalizeRanges(out);
}

function lowerBound(list: number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// --- named classes --------------------------------------------------------------------------------

/** The Perl classes `\d`, `\s`, `\w` (ASCII only, as in Go). */
export const perlClasses: Readonly<Record<string, Ranges>> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/** The POSIX classes of `[[:name:]]`. */
export const posixClasses: Readonly<Record<string, Ranges>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const categories = new Set(
  "C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

// Go writes the long category names with underscores; its lookup compares them without
const categoryAliases: Readonly<Record<string, string>> = {
  Casedletter: "LC",
  Closepunctuation: "Pe",
  Combiningmark: "M",
  Connectorpunctuation: "Pc",
  Control: "Cc",
  Currencysymbol: "Sc",
  Dashpunctuation: "Pd",
  Decimalnumber: "Nd",
  Enclosingmark: "Me",
  Finalpunctuation: "Pf",
  Format: "Cf",
  Initialpunctuation: "Pi",
  Letter: "L",
  Letternumber: "Nl",
  Lineseparator: "Zl",
  Lowercaseletter: "Ll",
  Mark: "M",
  Mathsymbol: "Sm",
  Modifierletter: "Lm",
  Modifiersymbol: "Sk",
  Nonspacingmark: "Mn",
  Number: "N",
  Openpunctuation: "Ps",
  Other: "C",
  Otherletter: "Lo",
  Othernumber: "No",
  Otherpunctuation: "Po",
  Othersymbol: "So",
  Paragraphseparator: "Zp",
  Privateuse: "Co",
  Punctuation: "P",
  Separator: "Z",
  Spaceseparator: "Zs",
  Spacingmark: "Mc",
  Surrogate: "Cs",
  Symbol: "S",
  Titlecaseletter: "Lt",
  Unassigned: "Cn",
  Uppercaseletter: "Lu",
  Cntrl: "Cc",
  Digit: "Nd",
  Punct: "P",
};

// Go's scripts whose names its lookup can reach: the one-word names (it drops underscores and
// lowercases all but the first letter before comparing, so "Old_Italic" never matches)
const scripts = new Set(
  (
    "Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese " +
    "Buhid Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dogra " +
    "Duployan Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gurmukhi Han Hangul Hanunoo " +
    "Hatran Hebrew Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi Kharoshthi Khmer Khojki Khudawadi Lao " +
    "Latin Lepcha Limbu Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Medefaidrin Miao " +
    "Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari Newa Nko Nushu Ogham Oriya Osage Osmanya Palmyrene " +
    "Phoenician Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham Sinhala Sogdian Soyombo Sundanese Syriac " +
    "Tagalog Tagbanwa Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai " +
    "Vithkuqi Wancho Yezidi Yi"
  ).split(" "),
);

/** canonicalName is how Go compares Unicode class names: first letter upper, the rest lower, no `_`, `-` or space. */
function canonicalName(name: string): string {
  const letters = name.replace(/[-_ ]/g, "");
  const first = letters.slice(0, 1);
  return (
    (first >= "a" && first <= "z" ? first.toUpperCase() : first) +
    letters.slice(1).replace(/[A-Z]/g, (c) => c.toLowerCase())
  );
}

const propertyCache = new Map<string, Ranges>();

/**
 * unicodeClass returns the code points of a `\p{name}` class, or null when Go doesn't know the name:
 * Any, Assigned, ASCII, the general categories (short or long names) and the one-word scripts.
 */
export function unicodeClass(name: string): Ranges | null {
  const canon = canonicalName(name);
  if (canon === "Any") return [0, maxRune];
  if (canon === "Ascii") return [0, 0x7f];
  if (canon === "Assigned") return negateRanges(propertyRanges("General_Category=Cn"));
  if (canon === "Lc") return propertyRanges("General_Category=LC");
  if (categories.has(canon)) return propertyRanges(`General_Category=${canon}`);
  if (scripts.has(canon)) return propertyRanges(`Script=${canon}`);
  const alias = categoryAliases[canon];
  return alias ? propertyRanges(`General_Category=${alias}`) : null;
}

let allRunes: string | null = null;

/**
 * The text of every code point but the surrogates, in order, so that a property's ranges come from one
 * native regex scan instead of a million single tests.
 */
function allRunesText(): string {
  if (allRunes !== null) return allRunes;
  const units = new Uint16Array(0xf800 + (maxRune - 0xffff) * 2);
  let i = 0;
  for (let cp = 0; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) units[i++] = cp;
  for (let cp = 0x10000; cp <= maxRune; cp++) {
    const v = cp - 0x10000;
    units[i++] = 0xd800 + (v >> 10);
    units[i++] = 0xdc00 + (v & 0x3ff);
  }
  allRunes = new TextDecoder("utf-16le").decode(units);
  return allRunes;
}

function runeAt(index: number): number {
  if (index < 0xd800) return index;
  if (index < 0xf800) return index + 0x800;
  return 0x10000 + ((index - 0xf800) >> 1);
}

function propertyRanges(property: string): Ranges {
  const cached = propertyCache.get(property);
  if (cached) return cached;
  const re = new RegExp(`\\p{${property}}+`, "gu");
  const out: Ranges = [];
  for (const m of allRunesText().matchAll(re)) {
    const start = runeAt(m.index);
    const last = runeAt(m.index + m[0].length - 1);
    out.push(start, last);
  }
  if (property === "General_Category=Cs" || property === "General_Category=C") out.push(0xd800, 0xdfff);
  const ranges = normalizeRanges(out);
  propertyCache.set(property, ranges);
  return ranges;
}
