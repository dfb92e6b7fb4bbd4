/**
 * The ceiling: the least a server can do to give the benchmark's answers. A bare `Bun.serve` with prepared
 * `bun:sqlite` statements on the same data directory, answering the three benchmark requests with the same
 * status, JSON and headers as Satchel (the benchmark checks this before measuring), and nothing else.
 *
 *   bun bench/ceiling.ts --dir=<satchel data dir>
 *
 * It prints `Ceiling listening at http://127.0.0.1:<port>` once it is ready and stops on SIGINT/SIGTERM.
 */
import { ceilingArgs, corsHeaders, openLikeSatchel, plainHeaders, serveCeiling } from "./ceiling-server.ts";
import { collectionName, statusValues } from "./schema.ts";

const args = ceilingArgs("bench/ceiling.ts");
const db = openLikeSatchel(args.dir);

const collection = db
  .query<{ id: string; name: string }, [string]>("SELECT id, name FROM _collections WHERE name = ?")
  .get(collectionName);
if (!collection) throw new Error(`no ${collectionName} collection in ${args.dir}`);
const collectionId = collection.id;
const table = `\`${collectionName}\``;

interface PostRow {
  id: string;
  title: string;
  num: number;
  active: number;
  published: string;
  status: string;
  created: string;
  updated: string;
}

const countAll = db.query<{ n: number }, []>(`SELECT COUNT(*) AS n FROM ${table}`);
const byId = db.query<PostRow, [string]>(`SELECT * FROM ${table} WHERE id = ? LIMIT 1`);
const insert = db.query(
  `INSERT INTO ${table} (id, title, num, active, published, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
/** The ORDER BY of each accepted `sort` value. */
const orderBySort = new Map<string, string>([["", ""]]);
for (const column of ["num", "created", "title"]) {
  orderBySort.set(column, ` ORDER BY ${column} ASC`);
  orderBySort.set(`-${column}`, ` ORDER BY ${column} DESC`);
}

/**
 * One prepared list statement per sort and page size. The limit is written into the SQL: with the SQLite
 * that Bun bundles (3.54), a bound LIMIT makes the statement re-prepare at every run (about 10 µs more).
 */
const listStatements = new Map<string, ReturnType<typeof db.query<PostRow, [number]>>>();

function listStatement(sort: string, perPage: number) {
  const key = `${sort} ${perPage}`;
  let stmt = listStatements.get(key);
  if (!stmt) {
    stmt = db.query<PostRow, [number]>(`SELECT * FROM ${table}${orderBySort.get(sort)} LIMIT ${perPage} OFFSET ?`);
    listStatements.set(key, stmt);
  }
  return stmt;
}

function json(req: Request, status: number, body: unknown): Response {
  const headers = req.headers.has("origin") ? corsHeaders : plainHeaders;
  return new Response(JSON.stringify(body), { status, headers });
}

function error(req: Request, status: number, message: string, data: Record<string, unknown> = {}): Response {
  return json(req, status, { data, message, status });
}

function toRecord(row: PostRow) {
  return {
    id: row.id,
    title: row.title,
    num: row.num,
    active: row.active !== 0,
    published: row.published,
    status: row.status,
    created: row.created,
    updated: row.updated,
    collectionId,
    collectionName,
  };
}

function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const n = Number.parseInt(params.get(name) ?? "", 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function list(req: Request, url: URL): Response {
  const page = intParam(url.searchParams, "page", 1);
  const perPage = Math.min(intParam(url.searchParams, "perPage", 30), 1000);
  const sort = url.searchParams.get("sort") ?? "";
  if (!orderBySort.has(sort)) return error(req, 400, "Something went wrong while processing your request.");
  const items = listStatement(sort, perPage)
    .all((page - 1) * perPage)
    .map(toRecord);
  const totalItems = countAll.get()?.n ?? 0;
  return json(req, 200, { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage), items });
}

function view(req: Request, id: string): Response {
  const row = byId.get(id);
  return row ? json(req, 200, toRecord(row)) : error(req, 404, "The requested resource wasn't found.");
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let id = "";
  for (const b of bytes) id += idAlphabet[b % 36];
  return id;
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
    active: body.active === true ? 1 : 0,
    published: typeof body.published === "string" ? body.published : "",
    status,
    created: now,
    updated: now,
  };
  insert.run(row.id, row.title, row.num, row.active, row.published, row.status, row.created, row.updated);
  return json(req, 200, toRecord(row));
}

const prefixes = [`/api/collections/${collectionName}/records`, `/api/collections/${collectionId}/records`];

serveCeiling(args.http, db, (req) => {
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
});
