import type { Database } from "bun:sqlite";
import type { ScriptOptions, ScriptResult, ScriptValue } from "../driver.ts";

export interface ScriptRequest extends ScriptOptions {
  sql: string;
  /** How exec mode opens, commits and rolls back its transaction (a savepoint inside a transaction). */
  transaction: readonly [begin: string, commit: string, rollback: string];
}

/** A script's result, or its failure: the message, and SQLite's extended result code when SQLite failed. */
export type ScriptReply = { ok: true; output: ScriptResult } | { ok: false; message: string; errno: number | null };

/**
 * executeScript runs the statements of a script one at a time on a connection. It calls lockWriter (once)
 * before the first statement that writes, so that the caller can keep other writers out until the end.
 * Parameters are never bound: a statement that has one fails, named as Go's database/sql names it.
 *
 * It is sent as source text to the process that runs scripts apart from the server (script-runner.ts), so
 * it must use nothing but its arguments and the language: no imports, no helpers from this module.
 */
export async function executeScript(
  db: Database,
  req: ScriptRequest,
  lockWriter: () => Promise<void>,
): Promise<ScriptReply> {
  const failure = (err: unknown): ScriptReply => {
    const errno = (err as { errno?: unknown } | null)?.errno;
    return {
      ok: false,
      message: err instanceof Error ? err.message : String(err),
      errno: typeof errno === "number" ? errno : null,
    };
  };
  // a script's parameters are never bound: the error names parameter 1 as Go's SQLite driver does (by
  // name when it has one; a bare ?, or a gap left by ?NNN, by index)
  const missingArgument = (text: string): string => {
    const tokens =
      /'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|([?:@$])(\w*)/g;
    const params = [...text.matchAll(tokens)].filter((m) => m[1] !== undefined);
    const first = params[0];
    const named = params.find((m) => m[1] === "?" && m[2] === "1") ?? (first?.[1] !== "?" ? first : undefined);
    return named ? `missing named argument "${named[2]}"` : "missing argument with index 1";
  };

  // every statement made is finalized at the end, which also stops a cursor left open
  const prepared: { finalize(): void }[] = [];
  const prepare = (text: string) => {
    const stmt = db.prepare(text);
    prepared.push(stmt);
    return stmt;
  };
  let rest = req.sql;
  /** next prepares the script's next statement (null at its end) and moves past its text. */
  const next = () => {
    let stmt: ReturnType<Database["prepare"]>;
    try {
      stmt = prepare(rest);
    } catch (err) {
      // what remains holds no statement: spaces, comments or lone semicolons
      if (err instanceof Error && err.name !== "SQLiteError" && err.message.startsWith("Invalid SQL statement")) {
        return null;
      }
      throw err;
    }
    if (stmt.paramsCount > 0) throw new Error(missingArgument(rest));
    // without parameters, the statement's text is exactly the part of the script it was made from
    const text = stmt.toString();
    if (!rest.startsWith(text)) throw new Error("the script could not be split into statements");
    rest = rest.slice(text.length);
    return { stmt, text };
  };

  try {
    return await (req.mode === "exec" ? exec() : query());
  } catch (err) {
    return failure(err);
  } finally {
    for (const stmt of prepared) stmt.finalize();
  }

  async function exec(): Promise<ScriptReply> {
    const [begin, commit, rollback] = req.transaction;
    await lockWriter();
    db.run(begin);
    try {
      for (let s = next(); s !== null; s = next()) s.stmt.run();
      const { n } = prepare("SELECT changes() AS n").get() as { n: number };
      db.run(commit);
      return { ok: true, output: { columns: [], rows: [], affectedRows: n } };
    } catch (err) {
      if (db.inTransaction) db.run(rollback);
      throw err;
    }
  }

  interface Kept {
    columns: ScriptResult["columns"];
    /** The names to read the row objects with (made distinct when the statement's aren't). */
    keys: string[];
    iterator: IterableIterator<Record<string, ScriptValue>>;
    first: Record<string, ScriptValue> | null;
  }
  async function query(): Promise<ScriptReply> {
    let kept: Kept | null = null;
    for (let s = next(); s !== null; s = next()) {
      const { stmt, text } = s;
      if (!stmt.readonly) await lockWriter();
      const names = stmt.columnNames;
      const columns = names.map((name, i) => ({ name, type: stmt.declaredTypes[i] ?? "" }));
      // rows come as objects keyed by column name: for a select with repeated names, the same select in a
      // subquery has distinct ones ("id", "id:1")
      let source = stmt;
      if (new Set(names).size < names.length && stmt.readonly && stmt.reader) {
        try {
          source = prepare(`SELECT * FROM (\n${text.replace(/;$/, "")}\n)`);
        } catch {
          source = stmt;
        }
      }
      source.safeIntegers(true);
      const iterator = source.iterate() as IterableIterator<Record<string, ScriptValue>>;
      const step = iterator.next();
      if (!step.done || kept === null || rest === "") {
        kept?.iterator.return?.();
        kept = { columns, keys: source.columnNames, iterator, first: step.done ? null : step.value };
      }
    }
    const rows: ScriptValue[][] = [];
    let bytes = 0;
    for (let row = kept?.first ?? null; row !== null && kept !== null; ) {
      const values = kept.keys.map((k) => (row as Record<string, ScriptValue>)[k] ?? null);
      for (const v of values) bytes += typeof v === "string" ? v.length : v instanceof Uint8Array ? v.byteLength : 8;
      if (bytes > req.maxBytes) {
        throw new Error(`the result is larger than ${req.maxBytes / 1048576} MiB: select fewer rows or columns`);
      }
      rows.push(values);
      if (rows.length >= req.maxRows) break;
      const step = kept.iterator.next();
      row = step.done ? null : step.value;
    }
    return { ok: true, output: { columns: kept?.columns ?? [], rows, affectedRows: 0 } };
  }
}
