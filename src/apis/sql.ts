import type { Hono } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import { ScriptError, type ScriptResult, type ScriptValue } from "../db/driver.ts";
import { badRequest } from "../tools/router/api-error.ts";
import { bytesToGoString, formatFloatG } from "../tools/types/cast.ts";
import { formatRfc3339Nano, parseGoTime } from "../tools/types/datetime.ts";
import { errRequired, ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { readForm, validationFailedMessage } from "./record-auth-helpers.ts";
import { route } from "./route.ts";

/** bindSqlApi registers the superuser-only SQL console. */
export function bindSqlApi(router: Hono<RouterEnv>): void {
  router.post("/api/sql", requireSuperuser, route(runSql));
}

const maxQueryBytes = 5000;
const maxRows = 1000;
// not PocketBase's: one answer may not hold more than this in values, whatever the rows are made of
const maxResultBytes = 64 * 1024 * 1024;

// PocketBase's loose test for a statement that changes something: such a query runs in one transaction and
// answers only how many rows it changed; anything else answers rows
const writePrefixes = ["INSERT", "CREATE", "UPDATE", "DELETE", "DROP", "DETACH", "ALTER", "REPLACE"];

/** The answer of `POST /api/sql`: the dashboard's SQL console reads this type. */
export interface SqlResult {
  execTime: number;
  affectedRows: number;
  columns: { name: string; type: string; nullable: boolean }[];
  rows: (string | null)[][];
}

/**
 * runSql is PocketBase v0.39's `POST /api/sql {query}`: the database's answer in PocketBase's shape (every
 * value as Go's SQL layer writes it into a string), at most 1000 rows; a refused or failed query is a 400
 * with the database's message. The script runs apart from the server and is stopped at its time limit
 * (Queryable.runScript).
 */
async function runSql(e: RequestEvent): Promise<Response> {
  const form = await readForm(e, { query: "string" });
  const invalid = queryError(form.query);
  if (invalid) throw badRequest(validationFailedMessage, new ValidationErrors({ query: invalid }));
  const query = form.query.trim();
  if (query === "") throw badRequest("Failed to execute query. Raw error:\nempty query");
  const upper = query.toUpperCase();
  const isWrite = !upper.startsWith("SELECT") && writePrefixes.some((p) => upper.startsWith(p));

  const started = performance.now();
  let result: ScriptResult;
  try {
    result = await e.app.db.runScript(query, {
      mode: isWrite ? "exec" : "query",
      maxRows,
      maxBytes: maxResultBytes,
    });
  } catch (err) {
    if (err instanceof ScriptError) throw badRequest(`Failed to execute query. Raw error:\n${err.message}`, err);
    throw err;
  }
  const types = result.columns.map((c) => c.type.toUpperCase());
  const body: SqlResult = {
    execTime: Math.floor(performance.now() - started),
    affectedRows: result.affectedRows,
    // Go's SQLite driver says every column may be null
    columns: result.columns.map((c, i) => ({ name: c.name, type: types[i] as string, nullable: true })),
    rows: result.rows.map((row) => row.map((v, i) => goText(v, types[i] as string))),
  };
  return e.json(200, body);
}

/** queryError checks the query as PocketBase does: required, at most 5000 bytes. */
function queryError(query: string): ValidationError | null {
  if (query === "") return errRequired();
  if (Buffer.byteLength(query) > maxQueryBytes) {
    return new ValidationError("validation_length_too_long", "the length must be no more than {{.max}}", {
      max: maxQueryBytes,
      min: 0,
    });
  }
  return null;
}

// the layouts Go's SQLite driver tries on the text of a DATE, DATETIME or TIMESTAMP column, after Go's
// time.String() layout and with a final "Z" removed
const timeLayouts = [
  "2006-01-02 15:04:05.999999999-07:00",
  "2006-01-02T15:04:05.999999999-07:00",
  "2006-01-02 15:04:05.999999999",
  "2006-01-02T15:04:05.999999999",
  "2006-01-02 15:04",
  "2006-01-02T15:04",
  "2006-01-02",
];
const timeColumnTypes = new Set(["DATE", "DATETIME", "TIMESTAMP"]);

/**
 * goText writes a value as PocketBase's console scans it into a Go string: integers in decimal, reals as
 * FormatFloat's 'g', blobs as their bytes, and the text of a DATE, DATETIME or TIMESTAMP column that reads
 * as a time as Go's RFC3339Nano (the driver turns it into a time first).
 */
function goText(value: ScriptValue, declaredType: string): string | null {
  if (value === null) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return formatFloatG(value);
  if (value instanceof Uint8Array) return bytesToGoString(value);
  if (!timeColumnTypes.has(declaredType)) return value;
  // Go's time.String() output, with or without its monotonic clock reading ("m=+0.5")
  const m = value.indexOf("m=");
  const goString = parseGoTime("2006-01-02 15:04:05.999999999 -0700 MST", (m > 0 ? value.slice(0, m) : value).trim());
  if (goString) return formatRfc3339Nano(goString);
  const text = value.endsWith("Z") ? value.slice(0, -1) : value;
  for (const layout of timeLayouts) {
    const parsed = parseGoTime(layout, text);
    if (parsed) return formatRfc3339Nano(parsed);
  }
  return value;
}
