/**
 * The records bench's ceiling on PostgreSQL: the least a server can do to give the bench's answers from a
 * PostgreSQL database. A bare `Bun.serve` with prepared statements through postgres.js (the client Satchel's
 * driver uses, with the same pool size) on the same database Satchel is given, answering the three benchmark
 * requests with the same status, JSON and headers as Satchel (the bench checks this before measuring), and
 * nothing else: the list's page and count sent at once, a view in one statement, a create as one autocommitted
 * INSERT.
 *
 *   bun bench/postgres/ceiling.ts --dir=<satchel data dir> --db=postgres://...
 *
 * It prints `Ceiling listening at http://127.0.0.1:<port>` once it is ready and stops on SIGINT/SIGTERM.
 * `postgresCeiling` gives the same handler without the HTTP server (bench/postgres/inprocess.ts).
 */
import postgres from "postgres";
import { ceilingArgs, corsHeaders, plainHeaders, serveCeiling } from "../ceiling-server.ts";
import { collectionName, statusValues } from "../schema.ts";

const table = `"${collectionName}"`;

interface PostRow {
  id: string;
  title: string;
  num: number;
  active: boolean;
  published: string;
  status: string;
  created: string;
  updated: string;
}

const prepared = { prepare: true };
const byIdSql = `SELECT * FROM ${table} WHERE id = $1 LIMIT 1`;
const insertSql = `INSERT INTO ${table} (id, title, num, active, published, status, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/** The ORDER BY of each accepted `sort` value. */
const orderBySort = new Map<string, string>([["", ""]]);
for (const column of ["num", "created", "title"]) {
  orderBySort.set(column, ` ORDER BY ${column} ASC`);
  orderBySort.set(`-${column}`, ` ORDER BY ${column} DESC`);
}

function json(req: Request, status: number, body: unknown): Response {
  const headers = req.headers.has("origin") ? corsHeaders : plainHeaders;
  return new Response(JSON.stringify(body), { status, headers });
}

function error(req: Request, status: number, message: string, data: Record<string, unknown> = {}): Response {
  return json(req, status, { data, message, status });
}

function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const n = Number.parseInt(params.get(name) ?? "", 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let id = "";
  for (const b of bytes) id += idAlphabet[b % 36];
  return id;
}

/**
 * postgresCeiling connects to the database at `db` and returns the ceiling's handler and how to close it.
 * Its pool holds 10 connections, as Satchel's, or as many as the URL's `?pool=` says (as Satchel reads it).
 */
export async function postgresCeiling(
  db: string,
): Promise<{ fetch: (req: Request) => Promise<Response>; close: () => Promise<void> }> {
  const url = new URL(db);
  const pool = Number(url.searchParams.get("pool") ?? 10);
  url.searchParams.delete("pool");
  const sql = postgres(url.toString(), { max: pool, onnotice: () => {}, fetch_types: false });
  const [collection] = await sql<{ id: string }[]>`SELECT id FROM _collections WHERE name = ${collectionName}`;
  if (!collection) throw new Error(`no ${collectionName} collection in ${db}`);
  const collectionId = collection.id;
  const countAll = () => sql.unsafe<{ n: number }[]>(`SELECT COUNT(*)::int AS n FROM ${table}`, [], prepared);

  function toRecord(row: PostRow) {
    return {
      id: row.id,
      title: row.title,
      num: row.num,
      active: row.active,
      published: row.published,
      status: row.status,
      created: row.created,
      updated: row.updated,
      collectionId,
      collectionName,
    };
  }

  async function list(req: Request, url: URL): Promise<Response> {
    const page = intParam(url.searchParams, "page", 1);
    const perPage = Math.min(intParam(url.searchParams, "perPage", 30), 1000);
    const sort = url.searchParams.get("sort") ?? "";
    if (!orderBySort.has(sort)) return error(req, 400, "Something went wrong while processing your request.");
    const text = `SELECT * FROM ${table}${orderBySort.get(sort)} LIMIT ${perPage} OFFSET $1`;
    const [rows, count] = await Promise.all([
      sql.unsafe<PostRow[]>(text, [(page - 1) * perPage], prepared),
      countAll(),
    ]);
    const totalItems = count[0]?.n ?? 0;
    const items = rows.map(toRecord);
    return json(req, 200, { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage), items });
  }

  async function view(req: Request, id: string): Promise<Response> {
    const [row] = await sql.unsafe<PostRow[]>(byIdSql, [id], prepared);
    return row ? json(req, 200, toRecord(row)) : error(req, 404, "The requested resource wasn't found.");
  }

  async function create(req: Request): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      body = (await req.json()) as Record<string, unknown>;
    } catch {
      return error(req, 400, "Failed to load the submitted data due to invalid formatting.");
    }
    const title = typeof body.title === "string" ? body.title : "";
    const status = typeof body.status === "string" ? body.status : "";
    if (title.length > 200 || (status !== "" && !(statusValues as readonly string[]).includes(status)))
      return error(req, 400, "Failed to create record.");
    const now = new Date().toISOString().replace("T", " ");
    const row: PostRow = {
      id: newId(),
      title,
      num: typeof body.num === "number" ? body.num : 0,
      active: body.active === true,
      published: typeof body.published === "string" ? body.published : "",
      status,
      created: now,
      updated: now,
    };
    await sql.unsafe(
      insertSql,
      [row.id, row.title, row.num, row.active, row.published, row.status, row.created, row.updated],
      prepared,
    );
    return json(req, 200, toRecord(row));
  }

  const prefixes = [`/api/collections/${collectionName}/records`, `/api/collections/${collectionId}/records`];
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    for (const prefix of prefixes) {
      if (!url.pathname.startsWith(prefix)) continue;
      const rest = url.pathname.slice(prefix.length);
      if (rest === "" || rest === "/") {
        if (req.method === "GET") return list(req, url);
        if (req.method === "POST") return create(req);
      } else if (req.method === "GET" && rest.lastIndexOf("/") === 0) {
        return view(req, decodeURIComponent(rest.slice(1)));
      }
    }
    return error(req, 404, "The requested resource wasn't found.");
  };
  return { fetch, close: () => sql.end({ timeout: 1 }) };
}

if (import.meta.main) {
  const args = ceilingArgs("bench/postgres/ceiling.ts", true);
  const ceiling = await postgresCeiling(args.db);
  serveCeiling(args.http, ceiling, ceiling.fetch);
}
