/**
 * A view query's SQL as its editor needs it: tokens to highlight, and the words that may complete the one
 * at the caret (keywords, the collections' tables, their columns, through the aliases the query gives).
 */

export type SqlTokenKind = "space" | "comment" | "string" | "quoted" | "number" | "keyword" | "word" | "punct";

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  start: number;
  end: number;
}

/** The keywords the editor highlights and suggests (SQLite's common ones). */
export const sqlKeywords = [
  "SELECT",
  "DISTINCT",
  "FROM",
  "WHERE",
  "AS",
  "LEFT",
  "INNER",
  "CROSS",
  "OUTER",
  "JOIN",
  "ON",
  "USING",
  "GROUP",
  "BY",
  "HAVING",
  "ORDER",
  "ASC",
  "DESC",
  "LIMIT",
  "OFFSET",
  "WITH",
  "UNION",
  "ALL",
  "EXCEPT",
  "INTERSECT",
  "AND",
  "OR",
  "NOT",
  "IN",
  "IS",
  "NULL",
  "LIKE",
  "GLOB",
  "BETWEEN",
  "EXISTS",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "CAST",
  "TRUE",
  "FALSE",
  "INTEGER",
  "REAL",
  "NUMERIC",
  "TEXT",
  "BOOLEAN",
  "JSON",
  "OVER",
  "PARTITION",
  "ROW_NUMBER",
  "COUNT",
  "SUM",
  "AVG",
  "MIN",
  "MAX",
  "COALESCE",
  "IFNULL",
  "LOWER",
  "UPPER",
  "LENGTH",
  "SUBSTR",
  "DATE",
  "DATETIME",
  "STRFTIME",
  "JSON_EXTRACT",
  "JSON_EACH",
];
const keywordSet = new Set(sqlKeywords);

function scan(text: string, from: number, test: (ch: string) => boolean): number {
  let i = from;
  while (i < text.length && test(text[i] ?? "")) i++;
  return i;
}

function closing(text: string, from: number, close: string): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === close) {
      // quotes are escaped by doubling them
      if (close !== "]" && text[i + 1] === close) i++;
      else return i + 1;
    }
  }
  return text.length;
}

/** tokenizeSql splits SQL text into tokens covering all of it (unfinished strings and comments included). */
export function tokenizeSql(text: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, end: number) => {
    out.push({ kind, text: text.slice(i, end), start: i, end });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i] ?? "";
    const next = text[i + 1] ?? "";
    if (/\s/.test(ch))
      push(
        "space",
        scan(text, i, (c) => /\s/.test(c)),
      );
    else if (ch === "-" && next === "-") {
      const nl = text.indexOf("\n", i);
      push("comment", nl === -1 ? text.length : nl);
    } else if (ch === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      push("comment", end === -1 ? text.length : end + 2);
    } else if (ch === "'") push("string", closing(text, i, "'"));
    else if (ch === '"' || ch === "`") push("quoted", closing(text, i, ch));
    else if (ch === "[") push("quoted", closing(text, i, "]"));
    else if (/\d/.test(ch))
      push(
        "number",
        scan(text, i, (c) => /[\d.]/.test(c)),
      );
    else if (/[A-Za-z_]/.test(ch)) {
      const end = scan(text, i, (c) => /\w/.test(c));
      push(keywordSet.has(text.slice(i, end).toUpperCase()) ? "keyword" : "word", end);
    } else push("punct", i + 1);
  }
  return out;
}

/** A table the completion knows: a collection's name and its columns. */
export interface SqlTable {
  name: string;
  columns: string[];
}

export interface SqlSuggestion {
  label: string;
  insert: string;
  detail: string;
}

export interface SqlCompletion {
  from: number;
  to: number;
  items: SqlSuggestion[];
}

/** aliases maps the names the query gives tables (`FROM posts p`, `JOIN users AS u`) to the tables. */
function aliases(tokens: SqlToken[], tables: SqlTable[]): Map<string, SqlTable> {
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const out = new Map<string, SqlTable>();
  const words = tokens.filter((t) => t.kind !== "space" && t.kind !== "comment");
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w?.kind !== "keyword" || !["FROM", "JOIN"].includes(w.text.toUpperCase())) continue;
    const name = words[i + 1];
    const table = name ? byName.get(name.text.replace(/[`"[\]]/g, "").toLowerCase()) : undefined;
    if (!table || !name) continue;
    out.set(table.name.toLowerCase(), table);
    let alias = words[i + 2];
    if (alias?.kind === "keyword" && alias.text.toUpperCase() === "AS") alias = words[i + 3];
    if (alias?.kind === "word") out.set(alias.text.toLowerCase(), table);
  }
  return out;
}

/**
 * completeSql suggests what may complete the word at the caret: after `name.` the columns of that table
 * or alias; else keywords, tables and the columns of the tables the query reads.
 */
export function completeSql(text: string, caret: number, tables: SqlTable[], explicit: boolean): SqlCompletion | null {
  let from = caret;
  while (from > 0 && /[\w.]/.test(text[from - 1] ?? "")) from--;
  let to = caret;
  while (to < text.length && /\w/.test(text[to] ?? "")) to++;
  const word = text.slice(from, caret);
  if (word === "" && !explicit) return null;
  if (/^\d/.test(word)) return null;
  const tokens = tokenizeSql(text);
  const inside = tokens.find((t) => t.start < caret && caret <= t.end);
  if (inside && (inside.kind === "comment" || inside.kind === "string" || inside.kind === "quoted")) return null;
  const known = aliases(tokens, tables);
  const dot = word.lastIndexOf(".");
  let items: SqlSuggestion[];
  if (dot !== -1) {
    const table = known.get(word.slice(0, dot).toLowerCase()) ?? tables.find((t) => t.name === word.slice(0, dot));
    const prefix = word.slice(0, dot + 1);
    items = (table?.columns ?? []).map((c) => ({
      label: prefix + c,
      insert: prefix + c,
      detail: `column of ${table?.name}`,
    }));
    return filtered(items, word, from, to);
  }
  const columns = new Map<string, string>();
  for (const t of known.values()) for (const c of t.columns) if (!columns.has(c)) columns.set(c, t.name);
  items = [
    ...[...columns].map(([c, t]) => ({ label: c, insert: c, detail: `column of ${t}` })),
    ...tables.map((t) => ({ label: t.name, insert: t.name, detail: "table" })),
    ...sqlKeywords.map((k) => ({ label: k, insert: k, detail: "keyword" })),
  ];
  return filtered(items, word, from, to);
}

function filtered(items: SqlSuggestion[], word: string, from: number, to: number): SqlCompletion | null {
  const lower = word.toLowerCase();
  const kept = items.filter((s) => s.label.toLowerCase().startsWith(lower) && s.label.toLowerCase() !== lower);
  return kept.length > 0 ? { from, to, items: kept.slice(0, 40) } : null;
}
