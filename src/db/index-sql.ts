/** A parsed `CREATE [UNIQUE] INDEX` statement, as collections keep them in their `indexes` list. */
export interface IndexDef {
  schemaName: string;
  indexName: string;
  tableName: string;
  columns: IndexColumn[];
  where: string;
  unique: boolean;
  optional: boolean;
}

export interface IndexColumn {
  /** An identifier or an expression. */
  name: string;
  collate: string;
  sort: string;
}

const indexPattern =
  /create\s+(unique\s+)?\s*index\s*(if\s+not\s+exists\s+)?(\S*)\s+on\s+(\S*)\s*\(([\s\S]*)\)(?:\s*where\s+([\s\S]*))?/im;
const columnPattern = /^([\s\S]+?)(?:\s+collate\s+([\w]+))?(?:\s+(asc|desc))?$/im;
const trimChars = /^[`"'[\]\s]+|[`"'[\]\s]+$/g;

/** splitTopLevel splits on a separator outside of quotes and parentheses. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let current = "";
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "[") quote = "]";
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === separator && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim() !== "" || parts.length > 0) parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** parseIndex reads an index statement; an unparseable one yields an invalid (empty) definition. */
export function parseIndex(sql: string): IndexDef {
  const result: IndexDef = {
    schemaName: "",
    indexName: "",
    tableName: "",
    columns: [],
    where: "",
    unique: false,
    optional: false,
  };
  const m = indexPattern.exec(sql);
  if (!m) return result;
  result.unique = (m[1] ?? "").trim() !== "";
  result.optional = (m[2] ?? "").trim() !== "";
  const nameParts = splitTopLevel(m[3] ?? "", ".");
  if (nameParts.length === 2) {
    result.schemaName = (nameParts[0] ?? "").replace(trimChars, "");
    result.indexName = (nameParts[1] ?? "").replace(trimChars, "");
  } else result.indexName = (nameParts[0] ?? "").replace(trimChars, "");
  result.tableName = (m[4] ?? "").replace(trimChars, "");
  for (const raw of splitTopLevel(m[5] ?? "", ",")) {
    const cm = columnPattern.exec(raw);
    if (!cm) continue;
    const name = (cm[1] ?? "").replace(trimChars, "");
    if (name === "") continue;
    result.columns.push({ name, collate: (cm[2] ?? "").trim(), sort: (cm[3] ?? "").toUpperCase() });
  }
  result.where = (m[6] ?? "").trim();
  return result;
}

export function isValidIndex(idx: IndexDef): boolean {
  return idx.indexName !== "" && idx.tableName !== "" && idx.columns.length > 0;
}

/** buildIndex writes the normalized statement (backtick quoting, one column per line when several). */
export function buildIndex(idx: IndexDef): string {
  if (!isValidIndex(idx)) return "";
  let s = "CREATE ";
  if (idx.unique) s += "UNIQUE ";
  s += "INDEX ";
  if (idx.optional) s += "IF NOT EXISTS ";
  if (idx.schemaName) s += `\`${idx.schemaName}\`.`;
  s += `\`${idx.indexName}\` ON \`${idx.tableName}\` (`;
  const multi = idx.columns.length > 1;
  if (multi) s += "\n  ";
  s += idx.columns
    .filter((c) => c.name.trim() !== "")
    .map((c) => {
      const name = c.name.trim();
      let col = name.includes("(") || name.includes(" ") ? name : `\`${name}\``;
      if (c.collate) col += ` COLLATE ${c.collate}`;
      if (c.sort) col += ` ${c.sort.toUpperCase()}`;
      return col;
    })
    .join(",\n  ");
  if (multi) s += "\n";
  s += ")";
  if (idx.where) s += ` WHERE ${idx.where}`;
  return s;
}

/** findIndexLedBy returns an index whose first column is this one (usable to look rows up by it), if any. */
export function findIndexLedBy(indexes: readonly string[], column: string): IndexDef | null {
  for (const raw of indexes) {
    const idx = parseIndex(raw);
    if (idx.where === "" && idx.columns[0]?.name.toLowerCase() === column.toLowerCase()) return idx;
  }
  return null;
}

/** findSingleColumnUniqueIndex returns the unique index on exactly this column, if any. */
export function findSingleColumnUniqueIndex(indexes: readonly string[], column: string): IndexDef | null {
  for (const raw of indexes) {
    const idx = parseIndex(raw);
    if (idx.unique && idx.columns.length === 1 && idx.columns[0]?.name.toLowerCase() === column.toLowerCase())
      return idx;
  }
  return null;
}
