export interface SplitScript {
  /** Each statement's text, without its semicolon; statements of nothing but spaces and comments are left out. */
  statements: string[];
  /** Whether the script ends with its last statement: nothing (not even a space) follows its semicolon. */
  endsWithStatement: boolean;
}

/**
 * splitScript cuts a script into statements at the semicolons PostgreSQL's lexer would end them at: not
 * inside '...' (doubled quotes, and backslash escapes in E'...'), "...", $tag$...$tag$, a -- comment or a
 * (nested) block comment.
 */
export function splitScript(script: string): SplitScript {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let lastEnd = -1;
  let i = 0;
  const push = (end: number) => {
    if (hasCode) {
      statements.push(script.slice(start, end));
      lastEnd = end;
    }
    hasCode = false;
  };
  while (i < script.length) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === "-" && next === "-") {
      const eol = script.indexOf("\n", i);
      i = eol < 0 ? script.length : eol + 1;
    } else if (c === "/" && next === "*") {
      i = blockCommentEnd(script, i);
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1] as string) && !/\w/.test(script[i - 2] ?? "");
      i = quotedEnd(script, i, "'", escapes);
      hasCode = true;
    } else if (c === '"') {
      i = quotedEnd(script, i, '"', false);
      hasCode = true;
    } else if (c === "$" && !/\w/.test(script[i - 1] ?? "")) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const close = script.indexOf(tag, i + tag.length);
        i = close < 0 ? script.length : close + tag.length;
      } else i++;
      hasCode = true;
    } else if (c === ";") {
      push(i);
      i++;
      start = i;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  const trailingCode = hasCode;
  push(script.length);
  // the last statement ran to the end of the text, or its semicolon is the text's last character
  const endsWithStatement = trailingCode || lastEnd === script.length - 1;
  return { statements, endsWithStatement };
}

/** The index after a quoted string or identifier opening at `at` (the end of the text when it never closes). */
function quotedEnd(script: string, at: number, quote: string, backslashEscapes: boolean): number {
  let i = at + 1;
  while (i < script.length) {
    const c = script[i];
    if (backslashEscapes && c === "\\") i += 2;
    else if (c === quote && script[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return script.length;
}

/** The index after a block comment opening at `at`; PostgreSQL's block comments nest. */
function blockCommentEnd(script: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < script.length) {
    if (script[i] === "/" && script[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (script[i] === "*" && script[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return script.length;
}
