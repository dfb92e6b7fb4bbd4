/**
 * The `CREATE INDEX` statements of a collection, read and written the way the index editor needs:
 * whether it is unique, its name, its table and its columns. Anything else (a WHERE clause, a COLLATE, an
 * expression) is kept as written.
 */
export interface IndexParts {
  unique: boolean;
  /** `IF NOT EXISTS`. */
  optional: boolean;
  name: string;
  table: string;
  /** The column list as written, one entry per column or expression. */
  columns: string[];
  /** What follows `WHERE`, without the keyword ("" when none). */
  where: string;
}

const pattern =
  /^\s*create\s+(unique\s+)?index\s+(if\s+not\s+exists\s+)?(\S+)\s+on\s+(\S+)\s*\(([\s\S]*)\)\s*(?:where\s+([\s\S]*))?$/i;

function unquote(name: string): string {
  return name.replace(/^[`"[']|[`"\]']$/g, "");
}

/** splitColumns splits a column list at its top-level commas (not those inside parentheses or quotes). */
function splitColumns(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let current = "";
  for (const ch of list) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}

/** parseIndex reads an index statement (null when it isn't one). */
export function parseIndex(sql: string): IndexParts | null {
  const m = pattern.exec(sql);
  if (!m) return null;
  const name = m[3] ?? "";
  return {
    unique: Boolean(m[1]),
    optional: Boolean(m[2]),
    // a schema-qualified name keeps its schema out of the editor's way
    name: unquote(name.includes(".") ? (name.split(".").pop() ?? name) : name),
    table: unquote(m[4] ?? ""),
    columns: splitColumns(m[5] ?? ""),
    where: (m[6] ?? "").trim(),
  };
}

/** columnName is the plain name of a column entry (`\`title\` COLLATE NOCASE` → `title`), or the entry itself. */
export function columnName(column: string): string {
  const m = /^[`"[]?(\w+)[`"\]]?(\s|$)/.exec(column);
  return m ? (m[1] ?? column) : column;
}

function quoteColumn(column: string): string {
  return /^\w+$/.test(column) ? `\`${column}\`` : column;
}

/** buildIndex writes an index statement from its parts, as PocketBase writes them. */
export function buildIndex(parts: IndexParts): string {
  const cols = parts.columns.map(quoteColumn);
  const list = cols.length > 1 ? `\n  ${cols.join(",\n  ")}\n` : cols.join("");
  return (
    `CREATE ${parts.unique ? "UNIQUE " : ""}INDEX ${parts.optional ? "IF NOT EXISTS " : ""}` +
    `\`${parts.name}\` ON \`${parts.table}\` (${list})${parts.where ? ` WHERE ${parts.where}` : ""}`
  );
}

/** randomIndexName is a fresh `idx_` name, as PocketBase's editor makes them. */
export function randomIndexName(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `idx_${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

/** renameIndexColumn points an index's entries for a renamed field at its new name. */
export function renameIndexColumn(sql: string, from: string, to: string): string {
  const parts = parseIndex(sql);
  if (!parts?.columns.some((c) => columnName(c) === from)) return sql;
  parts.columns = parts.columns.map((c) => (columnName(c) === from ? c.replace(from, to) : c));
  return buildIndex(parts);
}

/** setIndexTable points an index at a (renamed) collection's table, and renames a copied index. */
export function setIndexTable(sql: string, table: string, name?: string): string {
  const parts = parseIndex(sql);
  if (!parts) return sql;
  parts.table = table;
  if (name) parts.name = name;
  return buildIndex(parts);
}
