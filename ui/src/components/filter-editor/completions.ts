import {
  type FilterSchema,
  type Member,
  macroDetails,
  modifierDetails,
  type PathNode,
  requestContextDetail,
} from "./schema.ts";
import { isClosedString, type Token, tokenize } from "./tokenize.ts";

/** A rule (`@request.*` and `@collection.*` are offered) or a records filter (they aren't). */
export type FilterEditorMode = "rule" | "filter";

export type SuggestionKind =
  | "field"
  | "relation"
  | "backRelation"
  | "namespace"
  | "macro"
  | "modifier"
  | "operator"
  | "literal"
  | "function"
  | "value";

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** The text that replaces the word being typed. */
  insert: string;
  /** What it is ("text", "relation to users", "any item equal"). */
  detail: string;
  kind: SuggestionKind;
  /** The caret goes this many characters before the end of the inserted text (inside a function's parentheses). */
  caretBack?: number;
  /** Show the suggestions again after inserting it (it ends with a `.` to continue). */
  reopen?: boolean;
}

/** The suggestions for the text at the caret, and the range of text a chosen one replaces. */
export interface Completion {
  from: number;
  to: number;
  items: Suggestion[];
}

export interface CompleteOptions {
  mode: FilterEditorMode;
  /** Asked for (Ctrl+Space): suggest even when nothing is typed yet. */
  explicit: boolean;
}

const maxSuggestions = 50;

const operators: ReadonlyArray<[string, string]> = [
  ["=", "equal"],
  ["!=", "not equal"],
  [">", "greater than"],
  [">=", "greater than or equal"],
  ["<", "less than"],
  ["<=", "less than or equal"],
  ["~", "contains, or like with % wildcards"],
  ["!~", "doesn't contain"],
  ["?=", "any item equal"],
  ["?!=", "any item not equal"],
  ["?>", "any item greater than"],
  ["?>=", "any item greater than or equal"],
  ["?<", "any item less than"],
  ["?<=", "any item less than or equal"],
  ["?~", "any item contains"],
  ["?!~", "any item doesn't contain"],
  ["&&", "and"],
  ["||", "or"],
];

const functions: readonly Suggestion[] = [
  {
    label: "geoDistance(lonA, latA, lonB, latB)",
    insert: "geoDistance()",
    caretBack: 1,
    detail: "kilometres between two points",
    kind: "function",
  },
  {
    label: "strftime(format, time, ...modifiers)",
    insert: "strftime()",
    caretBack: 1,
    detail: "a formatted date, as SQLite's strftime",
    kind: "function",
  },
];

const literals: readonly Suggestion[] = [
  { label: "true", insert: "true", detail: "bool", kind: "literal" },
  { label: "false", insert: "false", detail: "bool", kind: "literal" },
  { label: "null", insert: "null", detail: "no value", kind: "literal" },
];

const macros: readonly Suggestion[] = Object.entries(macroDetails).map(([name, detail]) => ({
  label: name,
  insert: name,
  detail,
  kind: "macro",
}));

/** Where the caret is in the grammar: where an operand starts, after one (an operator comes), or after an operator. */
type Position = "operand" | "afterOperand" | "value";

/**
 * complete tells what may be typed at the caret: field paths (through relations, back-relations,
 * `@request.*`, `@collection.*`), modifiers after `:`, macros, operators after an operand, and the known
 * values of the operand on an operator's left (a select's values, `@request.context`'s).
 */
export function complete(
  text: string,
  caret: number,
  schema: FilterSchema,
  options: CompleteOptions,
): Completion | null {
  const tokens = tokenize(text);
  const at = tokens.find((t) => t.start < caret && caret <= t.end && t.kind !== "space");
  if (at?.kind === "comment" || at?.kind === "number") return null;
  const before = significantBefore(tokens, at ? at.start : caret);
  const position = positionAfter(before);

  if (at?.kind === "string") {
    if (caret === at.end && isClosedString(at)) return null;
    const left = leftOperand(tokens, before);
    const typed = text.slice(at.start + 1, caret);
    const quote = at.text[0] ?? '"';
    const items = valueSuggestions(schema, left, options.mode)
      .filter((s) => matches(s.label, typed))
      .map((s) => ({ ...s, insert: `${quote}${s.label}${quote}` }));
    return items.length > 0 ? { from: at.start, to: at.end, items } : null;
  }

  if (at?.kind === "operator" || at?.kind === "join") {
    if (position !== "afterOperand" && at.kind === "operator") return null;
    const items = operatorSuggestions(text.slice(at.start, caret));
    return items.length > 0 ? { from: at.start, to: at.end, items } : null;
  }

  if (at?.kind === "identifier" || at?.kind === "function") {
    const word = text.slice(at.start, caret);
    const items = rank(operandSuggestions(schema, word, options.mode, position, leftOperand(tokens, before)), word);
    return items.length > 0 ? { from: at.start, to: at.end, items } : null;
  }

  if (!options.explicit) return null;
  if (position === "afterOperand") return { from: caret, to: caret, items: operatorSuggestions("") };
  const items = operandSuggestions(schema, "", options.mode, position, leftOperand(tokens, before));
  return items.length > 0 ? { from: caret, to: caret, items: items.slice(0, maxSuggestions) } : null;
}

/** The last token before an offset that isn't a space or a comment. */
function significantBefore(tokens: Token[], offset: number): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (!t || t.end > offset || t.kind === "space" || t.kind === "comment") continue;
    return t;
  }
  return undefined;
}

function positionAfter(token: Token | undefined): Position {
  if (!token) return "operand";
  switch (token.kind) {
    case "identifier":
    case "string":
    case "number":
      return "afterOperand";
    case "paren":
      return token.text === ")" ? "afterOperand" : "operand";
    case "operator":
      return "value";
    default:
      return "operand";
  }
}

/** The identifier on the left of the operator just before the caret (`status` in `status = "`). */
function leftOperand(tokens: Token[], operator: Token | undefined): string | undefined {
  if (operator?.kind !== "operator") return undefined;
  const left = significantBefore(tokens, operator.start);
  return left?.kind === "identifier" ? left.text : undefined;
}

function operatorSuggestions(typed: string): Suggestion[] {
  return operators
    .filter(([op]) => op.startsWith(typed) && op !== typed)
    .map(([op, detail]) => ({ label: op, insert: `${op} `, detail, kind: "operator" }));
}

/** matches: a case-insensitive match anywhere in the label. */
function matches(label: string, typed: string): boolean {
  return label.toLowerCase().includes(typed.toLowerCase());
}

/**
 * rank keeps the suggestions that start with the typed word, or have a part that does (after `.`, `_`,
 * `:`, `@`, or a camelCase hump), those starting with it first, in their given order.
 */
function rank(items: Suggestion[], word: string): Suggestion[] {
  const lower = word.toLowerCase();
  const scored: { s: Suggestion; score: number }[] = [];
  for (const s of items) {
    if (s.insert.toLowerCase() === lower && !s.reopen) continue;
    if (s.label.toLowerCase().startsWith(lower)) scored.push({ s, score: 0 });
    else if (partStartsWith(s.label, lower)) scored.push({ s, score: 1 });
  }
  scored.sort((a, b) => a.score - b.score);
  return scored.slice(0, maxSuggestions).map((x) => x.s);
}

function partStartsWith(label: string, lower: string): boolean {
  for (let i = 1; i < label.length; i++) {
    const prev = label[i - 1] ?? "";
    const ch = label[i] ?? "";
    const boundary = "._:@".includes(prev) || (ch >= "A" && ch <= "Z" && prev >= "a" && prev <= "z");
    if (boundary && label.slice(i).toLowerCase().startsWith(lower)) return true;
  }
  return false;
}

function memberSuggestion(prefix: string, member: Member): Suggestion {
  const opens = member.kind === "namespace";
  return {
    label: prefix + member.name + (opens ? "." : ""),
    insert: prefix + member.name + (opens ? "." : ""),
    detail: member.detail,
    kind: member.kind === "value" ? "field" : member.kind,
    reopen: opens,
  };
}

/**
 * operandSuggestions: what a path typed so far (`author.na`, `@request.auth.`, `tags:`) may become. The
 * part before the last `.` is resolved through the schema; the keys after it are offered.
 */
function operandSuggestions(
  schema: FilterSchema,
  word: string,
  mode: FilterEditorMode,
  position: Position,
  left: string | undefined,
): Suggestion[] {
  const dot = word.lastIndexOf(".");
  if (dot === -1) return topLevel(schema, word, mode, position, left);
  const keys = word.slice(0, dot).split(".");
  const partial = word.slice(dot + 1);
  const [first = ""] = keys;
  const root = schema.root(first);
  if (!root || (mode === "filter" && first.startsWith("@"))) return [];
  const parent = schema.resolve(root, first.startsWith("@") ? keys.slice(1) : keys);
  if (!parent) return [];
  const prefix = word.slice(0, dot + 1);
  const colon = partial.indexOf(":");
  if (colon !== -1) return modifierSuggestions(schema, parent, prefix, partial.slice(0, colon));
  return schema.members(parent).map((m) => memberSuggestion(prefix, m));
}

function modifierSuggestions(schema: FilterSchema, parent: PathNode, prefix: string, name: string): Suggestion[] {
  const member = schema.member(parent, name);
  if (!member) return [];
  return member.modifiers.map((m) => ({
    label: `${prefix}${name}:${m}`,
    insert: `${prefix}${name}:${m}`,
    detail: modifierDetails[m],
    kind: "modifier",
  }));
}

function topLevel(
  schema: FilterSchema,
  word: string,
  mode: FilterEditorMode,
  position: Position,
  left: string | undefined,
): Suggestion[] {
  const colon = word.indexOf(":");
  const target: PathNode | null = schema.target ? { kind: "record", collection: schema.target } : null;
  if (colon !== -1) return target ? modifierSuggestions(schema, target, "", word.slice(0, colon)) : [];
  const out: Suggestion[] = [];
  if (position === "value")
    out.push(...valueSuggestions(schema, left, mode).map((s) => ({ ...s, insert: `"${s.label}"` })));
  if (target) out.push(...schema.members(target).map((m) => memberSuggestion("", m)));
  if (mode === "rule") {
    out.push(
      {
        label: "@request.",
        insert: "@request.",
        detail: "the request: auth, body, query, headers...",
        kind: "namespace",
        reopen: true,
      },
      {
        label: "@collection.",
        insert: "@collection.",
        detail: "records of any collection",
        kind: "namespace",
        reopen: true,
      },
    );
  }
  out.push(...macros, ...literals, ...functions);
  return out;
}

/** valueSuggestions: the values a comparison with the left operand may use, unquoted in their labels. */
function valueSuggestions(schema: FilterSchema, left: string | undefined, mode: FilterEditorMode): Suggestion[] {
  if (!left || (mode === "filter" && left.startsWith("@"))) return [];
  const keys = left.split(":")[0]?.split(".") ?? [];
  const [first = ""] = keys;
  const root = schema.root(first);
  if (!root) return [];
  const path = first.startsWith("@") ? keys.slice(1) : keys;
  const last = path.pop();
  const parent = last === undefined ? null : schema.resolve(root, path);
  const member = parent && last !== undefined ? schema.member(parent, last) : undefined;
  if (!member?.values || member.field?.type === "bool") return [];
  return member.values.map((v) => ({
    label: v,
    insert: v,
    detail: (left === "@request.context" ? requestContextDetail(v) : undefined) ?? `a value of ${member.name}`,
    kind: "value",
  }));
}
