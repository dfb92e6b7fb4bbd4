/**
 * The filter language's tokens as the editor needs them: for highlighting, and to tell what the caret is
 * in the middle of. Unlike the server's scanner it never fails: half-typed text (an unclosed quote, a lone
 * `&`) still gives tokens, since the editor highlights text while it is being written.
 */

export type TokenKind =
  | "space"
  | "comment"
  | "string"
  | "number"
  | "identifier"
  | "function"
  | "operator"
  | "join"
  | "paren"
  | "comma"
  | "other";

export interface Token {
  kind: TokenKind;
  text: string;
  /** The offset of the token's first character in the text. */
  start: number;
  /** The offset just after its last character. */
  end: number;
}

const identifierStart = /[A-Za-z_@#]/;
const identifierChar = /[\w@#.:]/;
const operatorChar = /[=!<>~?]/;
const space = /\s/;

/** tokenize splits filter text into tokens that cover it from its first to its last character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: text.slice(i, end), start: i, end });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i] ?? "";
    const next = text[i + 1] ?? "";
    if (space.test(ch))
      push(
        "space",
        scanWhile(text, i, (c) => space.test(c)),
      );
    else if (ch === "/" && next === "/") push("comment", lineEnd(text, i));
    else if (ch === '"' || ch === "'") push("string", stringEnd(text, i));
    else if (/\d/.test(ch) || (ch === "-" && /\d/.test(next)))
      push(
        "number",
        scanWhile(text, i + 1, (c) => /[\d.]/.test(c)),
      );
    else if (identifierStart.test(ch)) {
      const end = scanWhile(text, i + 1, (c) => identifierChar.test(c));
      push(text[end] === "(" ? "function" : "identifier", end);
    } else if ((ch === "&" && next === "&") || (ch === "|" && next === "|")) push("join", i + 2);
    else if (operatorChar.test(ch) || ch === "&" || ch === "|")
      push(
        "operator",
        scanWhile(text, i + 1, (c) => operatorChar.test(c)),
      );
    else if (ch === "(" || ch === ")") push("paren", i + 1);
    else if (ch === ",") push("comma", i + 1);
    else push("other", i + 1);
  }
  return tokens;
}

function scanWhile(text: string, from: number, test: (ch: string) => boolean): number {
  let i = from;
  while (i < text.length && test(text[i] ?? "")) i++;
  return i;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf("\n", from);
  return nl === -1 ? text.length : nl;
}

/** stringEnd is the offset after a quoted text's closing quote (its end when it has none yet). */
function stringEnd(text: string, from: number): number {
  const quote = text[from];
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** isClosedString tells whether a string token has its closing quote. */
export function isClosedString(token: Token): boolean {
  const quote = token.text[0];
  return token.text.length >= 2 && token.text.endsWith(quote ?? "") && token.text[token.text.length - 2] !== "\\";
}

/** The parts of an identifier the editor colours differently. */
export type IdentifierPartKind = "path" | "request" | "collection" | "macro" | "literal" | "via" | "modifier";

export interface IdentifierPart {
  kind: IdentifierPartKind;
  text: string;
}

const literals = new Set(["true", "false", "null"]);

/**
 * identifierParts splits an identifier for highlighting: its root (`@request`, `@collection`, a macro, a
 * literal), the `_via_` of back-relations and the `:modifier` at its end.
 */
export function identifierParts(identifier: string): IdentifierPart[] {
  if (literals.has(identifier.toLowerCase())) return [{ kind: "literal", text: identifier }];
  const parts: IdentifierPart[] = [];
  let rest = identifier;
  const root = /^@(request|collection)\b/.exec(rest) ?? (rest.startsWith("@") ? /^@\w*/.exec(rest) : null);
  if (root) {
    const kind = root[1] === "request" ? "request" : root[1] === "collection" ? "collection" : "macro";
    parts.push({ kind, text: root[0] });
    rest = rest.slice(root[0].length);
  }
  for (const piece of rest.split(/(_via_|:\w*)/)) {
    if (piece === "") continue;
    const kind = piece === "_via_" ? "via" : piece.startsWith(":") ? "modifier" : "path";
    parts.push({ kind, text: piece });
  }
  return parts;
}
