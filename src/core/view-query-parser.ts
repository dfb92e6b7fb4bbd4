import { splitTopLevel } from "../db/index-sql.ts";

/** A column or table of a SELECT as written (`original`) and the name it is known by (`alias`). */
export interface QueryIdentifier {
  original: string;
  alias: string;
}

export interface ParsedSelect {
  columns: QueryIdentifier[];
  /** FROM tables first, then joined tables. */
  tables: QueryIdentifier[];
}

const joinWords =
  /\s+(full\s+outer\s+join|left\s+outer\s+join|right\s+outer\s+join|full\s+join|cross\s+join|inner\s+join|outer\s+join|left\s+join|right\s+join|join)\s+?/gim;
const discardWords = /\s+(where|group\s+by|having|order|limit|with)\s+?/gim;
const comments = /(\/\*[\s\S]*?\*\/)|(--.+$)/gm;

/** splitStatements reports whether a query holds more than one statement. */
export function hasMultipleStatements(query: string): boolean {
  return splitTopLevel(query.trim().replace(/^;+|;+$/g, ""), ";").length > 1;
}

/**
 * parseSelect reads the column list and the tables of a view's SELECT, enough to infer field types:
 * it is not a full SQL parser (subqueries and expressions stay opaque text).
 */
export function parseSelect(query: string): ParsedSelect {
  let str = query.trim().replace(/^;+|;+$/g, "");
  str = str.replace(comments, " ").replace(joinWords, " __pb_join__ ").replace(discardWords, " __pb_discard__ ");
  let skip = false;
  let part = "";
  const buf: Record<string, string> = { select: "", from: "", join: "" };
  for (const token of tokens(str)) {
    const t = token.trim().toLowerCase();
    if (t === "select") {
      skip = false;
      part = "select";
    } else if (t === "distinct") {
      // irrelevant for identifiers
    } else if (t === "from") {
      skip = false;
      part = "from";
    } else if (t === "__pb_join__") {
      skip = false;
      if (part === "join") buf.join += ",";
      part = "join";
    } else if (t === "__pb_discard__") skip = true;
    else {
      if (part === "join" && t === "on") skip = true;
      if (!skip && part) buf[part] += ` ${token}`;
    }
  }
  return {
    columns: identifiers(buf.select ?? ""),
    tables: [...identifiers(buf.from ?? ""), ...identifiers(buf.join ?? "")],
  };
}

/** tokens splits on spaces and commas outside of quotes and parentheses, keeping commas as tokens. */
function tokens(str: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let cur = "";
  const flush = () => {
    if (cur.trim() !== "") out.push(cur);
    cur = "";
  };
  for (const ch of str) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = "";
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "[") quote = "]";
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    if (depth === 0 && (ch === " " || ch === "\n" || ch === "\t" || ch === "\r")) {
      flush();
      continue;
    }
    if (depth === 0 && ch === ",") {
      flush();
      out.push(",");
      continue;
    }
    cur += ch;
  }
  flush();
  return out;
}

function identifiers(raw: string): QueryIdentifier[] {
  return splitTopLevel(raw, ",").map((item) => {
    const parts = tokens(item).filter((p) => p !== ",");
    let original: string;
    let alias: string;
    if (parts.length === 3) {
      if ((parts[1] ?? "").toLowerCase() !== "as")
        throw new Error(`invalid identifier part - expected "as", got ${parts[1]}`);
      original = parts[0] ?? "";
      alias = parts[2] ?? "";
    } else if (parts.length === 2) {
      original = parts[0] ?? "";
      alias = parts[1] ?? "";
    } else if (parts.length === 1) {
      original = parts[0] ?? "";
      alias = original.split(".").pop() ?? "";
    } else throw new Error(`invalid identifier parts [${parts.join(" ")}]`);
    return { original: trimIdentifier(original, ""), alias: trimIdentifier(alias, "'") };
  });
}

function trimIdentifier(raw: string, extra: string): string {
  const chars = `\`"[];${extra}`;
  return raw
    .split(".")
    .map((p) => {
      let s = p;
      while (s.length > 0 && chars.includes(s[0] as string)) s = s.slice(1);
      while (s.length > 0 && chars.includes(s[s.length - 1] as string)) s = s.slice(0, -1);
      return s;
    })
    .join(".");
}
