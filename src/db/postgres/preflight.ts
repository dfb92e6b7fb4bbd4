/**
 * The checks a PostgreSQL database passes before Satchel uses it, each failure worded so that whoever set up
 * the database knows what to change: the server's version, the schema (made when missing), the right to
 * create tables in it, and that a schema holding tables is one Satchel made (it never writes into someone
 * else's tables).
 */
import type postgres from "postgres";

/** The oldest server Satchel runs on: 15 (its MERGE, its NULLS NOT DISTINCT, the planner it was measured on). */
export const minimumServerVersion = 15;

/** PreflightError is a database Satchel can reach but can't use as it is; the message says why. */
export class PreflightError extends Error {}

type Conn = postgres.Sql<Record<string, never>>;

export interface PreflightOptions {
  /** The schema Satchel's tables live in (null: the connection's current schema). */
  schema: string | null;
  /**
   * A table whose presence marks the schema as Satchel's: a schema holding other tables but not this one
   * belongs to something else and is refused (null: no check).
   */
  ownerTable: string | null;
  /** The server and database, for the messages (never the password). */
  target: string;
}

/** versionProblem is why a server's version number (`server_version_num`) is too old, or null. */
export function versionProblem(versionNum: number, versionText: string): string | null {
  if (Math.floor(versionNum / 10000) >= minimumServerVersion) return null;
  return `PostgreSQL ${versionText} is too old: Satchel needs PostgreSQL ${minimumServerVersion} or newer`;
}

/**
 * preflight checks the database on one of the driver's connections, creating the schema when it is
 * missing, and throws a PreflightError naming what is wrong.
 */
export async function preflight(conn: Conn, options: PreflightOptions): Promise<void> {
  const where = `on ${options.target}`;
  const [server] = await conn.unsafe<{ num: string; text: string }[]>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const tooOld = versionProblem(Number(server?.num ?? 0), String(server?.text ?? "unknown"));
  if (tooOld) throw new PreflightError(`${tooOld} (${where})`);

  if (options.schema !== null) await ensureSchema(conn, options.schema, where);
  const [state] = await conn.unsafe<{ schema: string | null; can_create: boolean | number; user: string }[]>(
    `SELECT current_schema() AS schema, current_user AS user,
       COALESCE(has_schema_privilege(current_schema(), 'CREATE')
         AND has_schema_privilege(current_schema(), 'USAGE'), false) AS can_create`,
  );
  const user = String(state?.user ?? "");
  if (!state?.schema) {
    throw new PreflightError(
      `the database ${where} has no schema for Satchel's tables: the search_path of ${JSON.stringify(user)} names no schema that exists; create one, or name one with ?schema= in the URL`,
    );
  }
  const schema = state.schema;
  if (!truthy(state.can_create)) {
    throw new PreflightError(
      `the user ${JSON.stringify(user)} may not create tables in the schema ${JSON.stringify(schema)} ${where}: GRANT CREATE, USAGE ON SCHEMA ${quote(schema)} TO ${quote(user)} (or give Satchel a schema it owns)`,
    );
  }
  if (options.ownerTable !== null) await checkOwnership(conn, schema, options.ownerTable, where);
}

async function ensureSchema(conn: Conn, schema: string, where: string): Promise<void> {
  const [found] = await conn.unsafe<{ ok: boolean | number }[]>(
    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS ok",
    [schema],
  );
  if (truthy(found?.ok)) return;
  try {
    await conn.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PreflightError(
      `the schema ${JSON.stringify(schema)} doesn't exist ${where} and Satchel could not create it (${message}): create it, or GRANT CREATE ON DATABASE to Satchel's user`,
    );
  }
}

/** checkOwnership refuses a schema that holds tables but not Satchel's own. */
async function checkOwnership(conn: Conn, schema: string, ownerTable: string, where: string): Promise<void> {
  const [row] = await conn.unsafe<{ tables: number | string; ours: boolean | number; sample: string | null }[]>(
    `SELECT count(*) AS tables, bool_or(c.relname = $2) AS ours, min(c.relname) AS sample
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v')`,
    [schema, ownerTable],
  );
  const tables = Number(row?.tables ?? 0);
  if (tables === 0 || truthy(row?.ours)) return;
  throw new PreflightError(
    `the schema ${JSON.stringify(schema)} ${where} holds ${tables} table(s) that aren't Satchel's (no ${ownerTable}, e.g. ${JSON.stringify(row?.sample ?? "")}): give Satchel an empty database or a schema of its own (?schema= in the URL)`,
  );
}

// the driver reads booleans back as 1 and 0
function truthy(v: boolean | number | undefined | null): boolean {
  return v === true || v === 1;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
