/** The comparison operators of the filter language; the `?` forms mean "any item matches". */
export const signOps = [
  "=",
  "!=",
  "~",
  "!~",
  "<",
  "<=",
  ">",
  ">=",
  "?=",
  "?!=",
  "?~",
  "?!~",
  "?<",
  "?<=",
  "?>",
  "?>=",
] as const;
export type SignOp = (typeof signOps)[number];
export type JoinOp = "&&" | "||";

export type TokenType =
  | "identifier"
  | "function"
  | "number"
  | "text"
  | "group"
  | "sign"
  | "join"
  | "whitespace"
  | "comment"
  | "eof";

export interface Token {
  type: TokenType;
  literal: string;
  /** The arguments of a function token. */
  args?: Token[];
}

/** FilterSyntaxError is malformed filter text; its message names the problem. */
export class FilterSyntaxError extends Error {}

const maxFunctionDepth = 3;

const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
const isLetter = (ch: string) => (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z");
const isDigit = (ch: string) => ch >= "0" && ch <= "9";
const isTextStart = (ch: string) => ch === "'" || ch === '"';
const isNumberStart = (ch: string) => ch === "-" || isDigit(ch);
const isSignChar = (ch: string) => ch === "=" || ch === "?" || ch === "!" || ch === ">" || ch === "<" || ch === "~";
const isJoinChar = (ch: string) => ch === "&" || ch === "|";
const isSpecialIdentifierStart = (ch: string) => ch === "@" || ch === "_" || ch === "#";
const isIdentifierStart = (ch: string) => isLetter(ch) || isSpecialIdentifierStart(ch);
const isIdentifierCombine = (ch: string) => ch === "." || ch === ":";

function isValidIdentifier(literal: string): boolean {
  const last = literal[literal.length - 1] ?? "";
  return (
    literal.length > 0 && !isIdentifierCombine(last) && (literal.length !== 1 || !isSpecialIdentifierStart(literal))
  );
}

/**
 * FilterScanner splits filter text into tokens: identifiers (`title`, `rel.name`, `@request.auth.id`,
 * `tags:each`), function calls with their arguments, numbers, quoted text, parenthesized groups (kept as
 * raw text for the parser to recurse into), operators, `&&`/`||` and `//` comments.
 */
export class FilterScanner {
  #pos = 0;

  constructor(readonly src: string) {}

  #peek(): string {
    return this.src[this.#pos] ?? "";
  }

  #read(): string {
    const ch = this.src[this.#pos] ?? "";
    if (ch !== "") this.#pos++;
    return ch;
  }

  scan(): Token {
    const ch = this.#peek();
    if (ch === "") return { type: "eof", literal: "" };
    if (isWhitespace(ch)) return this.#whitespace();
    if (ch === "(") return this.#group();
    if (isIdentifierStart(ch)) return this.#identifier(maxFunctionDepth);
    if (isNumberStart(ch)) return this.#number();
    if (isTextStart(ch)) return this.#text(false);
    if (isSignChar(ch))
      return this.#operator(
        "sign",
        isSignChar,
        (l) => (signOps as readonly string[]).includes(l),
        "invalid sign operator",
      );
    if (isJoinChar(ch))
      return this.#operator("join", isJoinChar, (l) => l === "&&" || l === "||", "invalid join operator");
    if (ch === "/") return this.#comment();
    if (ch === ")") throw new FilterSyntaxError("unbalanced parentheses: unexpected ')'");
    throw new FilterSyntaxError(`unexpected character ${JSON.stringify(ch)}`);
  }

  #whitespace(): Token {
    let literal = "";
    while (isWhitespace(this.#peek())) literal += this.#read();
    return { type: "whitespace", literal };
  }

  #number(): Token {
    let literal = "";
    let hadDot = false;
    while (true) {
      const ch = this.#peek();
      if (ch === "" || !(isDigit(ch) || (ch === "-" && literal === "") || (ch === "." && !hadDot))) break;
      if (ch === ".") hadDot = true;
      literal += this.#read();
    }
    if (literal === "-" || literal.startsWith(".") || literal.endsWith("."))
      throw new FilterSyntaxError(`invalid number ${JSON.stringify(literal)}`);
    return { type: "number", literal };
  }

  /** #text reads quoted text; inside a group the quotes and escapes are kept for the later re-scan. */
  #text(keepRaw: boolean): Token {
    const quote = this.#read();
    let literal = keepRaw ? quote : "";
    let escaped = false;
    let closed = false;
    while (true) {
      const ch = this.#read();
      if (ch === "") break;
      if (escaped) {
        escaped = false;
        if (keepRaw) literal += ch;
        else if (ch === "n") literal += "\n";
        else if (ch === "t") literal += "\t";
        else if (ch === "r") literal += "\r";
        else if (ch === "\\" || ch === "'" || ch === '"') literal += ch;
        else literal += `\\${ch}`;
      } else if (ch === "\\") {
        escaped = true;
        if (keepRaw) literal += ch;
      } else if (ch === quote) {
        closed = true;
        if (keepRaw) literal += ch;
        break;
      } else literal += ch;
    }
    if (!closed)
      throw new FilterSyntaxError(`unterminated quoted text ${JSON.stringify((keepRaw ? "" : quote) + literal)}`);
    return { type: "text", literal };
  }

  #comment(): Token {
    if (this.#read() !== "/" || this.#read() !== "/")
      throw new FilterSyntaxError("invalid comment (comments start with //)");
    let literal = "";
    while (this.#peek() !== "" && this.#peek() !== "\n") literal += this.#read();
    return { type: "comment", literal: literal.trim() };
  }

  #operator(
    type: "sign" | "join",
    isChar: (ch: string) => boolean,
    valid: (l: string) => boolean,
    message: string,
  ): Token {
    let literal = "";
    while (isChar(this.#peek())) literal += this.#read();
    if (!valid(literal)) throw new FilterSyntaxError(`${message} ${JSON.stringify(literal)}`);
    return { type, literal };
  }

  #identifier(depth: number): Token {
    let literal = this.#read();
    while (true) {
      const ch = this.#peek();
      if (ch === "(") {
        if (depth <= 0) throw new FilterSyntaxError(`max nested function arguments reached (max: ${maxFunctionDepth})`);
        if (!isValidIdentifier(literal))
          throw new FilterSyntaxError(`invalid function name ${JSON.stringify(literal)}`);
        return this.#functionArgs(literal, depth);
      }
      if (ch === "" || !(isLetter(ch) || isDigit(ch) || isIdentifierCombine(ch) || ch === "_")) break;
      literal += this.#read();
    }
    if (!isValidIdentifier(literal)) throw new FilterSyntaxError(`invalid identifier ${JSON.stringify(literal)}`);
    return { type: "identifier", literal };
  }

  #functionArgs(name: string, depth: number): Token {
    this.#read();
    const args: Token[] = [];
    let expectComma = false;
    while (true) {
      const ch = this.#peek();
      if (ch === "")
        throw new FilterSyntaxError(`invalid or incomplete function ${JSON.stringify(name)} (expected ')')`);
      if (ch === ")") {
        this.#read();
        return { type: "function", literal: name, args };
      }
      if (isWhitespace(ch)) {
        this.#whitespace();
        continue;
      }
      if (ch === "/") {
        this.#comment();
        continue;
      }
      const isComma = ch === ",";
      if (expectComma && !isComma)
        throw new FilterSyntaxError(`expected comma after the last argument in function ${JSON.stringify(name)}`);
      if (!expectComma && isComma) throw new FilterSyntaxError(`unexpected comma in function ${JSON.stringify(name)}`);
      if (isComma) {
        this.#read();
        expectComma = false;
        continue;
      }
      if (isIdentifierStart(ch)) args.push(this.#identifier(depth - 1));
      else if (isNumberStart(ch)) args.push(this.#number());
      else if (isTextStart(ch)) args.push(this.#text(false));
      else
        throw new FilterSyntaxError(
          `unsupported argument character ${JSON.stringify(ch)} in function ${JSON.stringify(name)}`,
        );
      expectComma = true;
    }
  }

  /** #group reads a parenthesized part as raw text (quotes kept), to be parsed on its own. */
  #group(): Token {
    this.#read();
    let literal = "";
    let open = 1;
    while (true) {
      const ch = this.#peek();
      if (ch === "") break;
      if (isTextStart(ch)) {
        literal += this.#text(true).literal;
        continue;
      }
      this.#read();
      if (ch === "(") open++;
      else if (ch === ")") {
        open--;
        if (open === 0) break;
      }
      literal += ch;
    }
    if (open > 0) throw new FilterSyntaxError(`unbalanced parentheses: missing ${open} closing bracket(s)`);
    return { type: "group", literal };
  }
}
