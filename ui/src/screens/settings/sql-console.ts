/** Statements that change the schema or the data: the console asks before running a query holding one. */
const changingKeywords = ["ALTER", "REPLACE", "INSERT", "CREATE", "UPDATE", "DELETE", "DROP", "DETACH", "PRAGMA"];

/** needsConfirmation tells whether a query holds a keyword of a statement that changes something. */
export function needsConfirmation(query: string): boolean {
  const words = new Set(query.toUpperCase().split(/[^A-Z_]+/));
  return changingKeywords.some((k) => words.has(k));
}

export type SqlValue = string | null;

/** compareValues orders NULL first, numbers as numbers, and text as people read it. */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b, undefined, { numeric: true });
}

/** sortRows sorts a copy of the rows by one column. */
export function sortRows(rows: SqlValue[][], column: number, ascending: boolean): SqlValue[][] {
  const sign = ascending ? 1 : -1;
  return rows.toSorted((x, y) => sign * compareValues(x[column] ?? null, y[column] ?? null));
}

function csvCell(value: SqlValue): string {
  if (value === null) return "";
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

/** toCsv writes a result as RFC 4180 CSV (NULL as an empty cell), header first. */
export function toCsv(columns: string[], rows: SqlValue[][]): string {
  return [columns, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n");
}

/** How many queries the history keeps. */
export const historySize = 10;

/** withQuery puts a query at the top of the history (once: the same query differing in spaces counts once). */
export function withQuery(history: string[], query: string): string[] {
  const key = (q: string) =>
    q
      .replace(/[\s;]+/g, " ")
      .trim()
      .toUpperCase();
  const k = key(query);
  return [query, ...history.filter((q) => key(q) !== k)].slice(0, historySize);
}
