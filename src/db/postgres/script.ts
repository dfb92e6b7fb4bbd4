import type postgres from "postgres";
import type { ScriptOptions, ScriptResult, ScriptValue } from "../driver.ts";
import type { CancellableQuery } from "./cancel.ts";

type Conn = postgres.Sql<Record<string, never>> | postgres.ReservedSql<Record<string, never>>;

/** A column as PostgreSQL describes a statement: its name and type. */
interface Column {
  name: string;
  type: number;
}

/** A script's state the time limit acts on: no statement starts once stopped, and the running one is cancelled. */
export interface RunningQuery {
  current: CancellableQuery | null;
  stopped: boolean;
  /** Its statements are over: the time limit has nothing left to stop. */
  finished?: boolean;
  /** The cancel request sent at the time limit, settled once the server has acted on it. */
  cancelling?: Promise<unknown>;
}

// type OIDs whose text the result gives as SQLite's driver would: integers, reals, booleans as 1 and 0, bytes
const integerTypes = new Set([20, 21, 23, 26]);
const realTypes = new Set([700, 701]);
const boolType = 16;
const byteaType = 17;
const batchRows = 100;

/** value reads one value of a row, sent in PostgreSQL's text format, as the type of its column. */
function value(raw: Uint8Array | null, type: number): ScriptValue {
  if (raw === null) return null;
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8");
  if (integerTypes.has(type)) return BigInt(text);
  if (realTypes.has(type)) return Number(text);
  if (type === boolType) return text === "t" ? 1n : 0n;
  if (type === byteaType) return new Uint8Array(Buffer.from(text.slice(2), "hex"));
  return text;
}

/** typeNames names column types as PostgreSQL writes them (`INTEGER`, `TIMESTAMP WITH TIME ZONE`). */
async function typeNames(conn: Conn, columns: readonly Column[]): Promise<Map<number, string>> {
  const oids = [...new Set(columns.map((c) => c.type).filter((t) => t > 0))];
  if (oids.length === 0) return new Map();
  const rows = await conn.unsafe(
    `SELECT oid::int AS oid, upper(format_type(oid, NULL)) AS name FROM pg_type WHERE oid IN (${oids.join(",")})`,
  );
  return new Map(rows.map((r) => [Number(r.oid), String(r.name)]));
}

const writeCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/** leadingKeyword is a statement's first word, after spaces and comments, upper-cased. */
function leadingKeyword(text: string): string {
  const rest = text.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, "");
  return (/^[A-Za-z]+/.exec(rest)?.[0] ?? "").toUpperCase();
}

/**
 * runStatements runs a script's statements one after the other on a connection, with runScript's semantics
 * (see ScriptOptions): in "query" mode the rows of the last statement that returned some, or of the last
 * statement when the script ends with it; in "exec" mode (the caller holds the transaction) the rows the last
 * write changed, its RETURNING rows read to the end and dropped. Each statement is described first (its
 * columns, even when it returns no row), then read through a cursor: never more than maxRows rows are held.
 */
export async function runStatements(
  conn: Conn,
  statements: readonly string[],
  endsWithStatement: boolean,
  options: ScriptOptions,
  running: RunningQuery,
): Promise<ScriptResult> {
  let kept: { columns: Column[]; rows: (Uint8Array | null)[][] } | null = null;
  let affectedRows = 0;
  for (const [index, text] of statements.entries()) {
    if (running.stopped) throw new Error("stopped");
    const described = await conn.unsafe(text).describe();
    const columns: Column[] = described.columns.map((c) => ({ name: c.name, type: c.type }));
    const query = conn.unsafe(text).raw();
    running.current = query;
    const rows: (Uint8Array | null)[][] = [];
    if (columns.length === 0) {
      // no rows to read: the command tag tells how many rows it changed
      const result = await query;
      if (writeCommands.has(result.command)) affectedRows = result.count ?? 0;
    } else if (options.mode === "exec") {
      let returned = 0;
      for await (const batch of query.cursor(batchRows)) returned += batch.length;
      if (writeCommands.has(leadingKeyword(text))) affectedRows = returned;
    } else {
      let bytes = 0;
      for await (const batch of query.cursor(Math.min(batchRows, options.maxRows))) {
        for (const row of batch as unknown as (Uint8Array | null)[][]) {
          for (const v of row) bytes += v?.byteLength ?? 0;
          if (bytes > options.maxBytes) {
            throw new Error(
              `the result is larger than ${options.maxBytes / 1048576} MiB: select fewer rows or columns`,
            );
          }
          if (rows.length < options.maxRows) rows.push(row);
        }
        if (rows.length >= options.maxRows) break;
      }
    }
    const isLast = index === statements.length - 1;
    if (options.mode === "query" && (rows.length > 0 || kept === null || (isLast && endsWithStatement))) {
      kept = { columns, rows };
    }
  }
  running.current = null;
  if (options.mode === "exec") return { columns: [], rows: [], affectedRows };
  if (kept === null) return { columns: [], rows: [], affectedRows: 0 };
  const { columns, rows } = kept;
  const names = await typeNames(conn, columns);
  return {
    columns: columns.map((c) => ({ name: c.name, type: names.get(c.type) ?? "" })),
    rows: rows.map((raw) => columns.map((c, i) => value(raw[i] ?? null, c.type))),
    affectedRows: 0,
  };
}
