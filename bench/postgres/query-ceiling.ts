/**
 * The query bench's ceiling on PostgreSQL: a bare `Bun.serve` answering the bench's list request (three
 * conditions, sorted by the author's name then `-num`, with the total) from prepared statements through
 * postgres.js (the client Satchel's driver uses, with the same pool size), with the same status, JSON and
 * headers as Satchel, and nothing else. Its SQL is what a person who knows the data writes: no DISTINCT (one
 * author per post), a count that joins the authors only where the rule needs them, the page and the count
 * sent at once.
 *
 *   bun bench/postgres/query-ceiling.ts --dir=<satchel data dir> --db=postgres://...
 */
import postgres from "postgres";
import { ceilingArgs, corsHeaders, serveCeiling } from "../ceiling-server.ts";
import { openCollection, ruledCollection } from "../query/schema.ts";

const args = ceilingArgs("bench/postgres/query-ceiling.ts", true);
const sql = postgres(args.db, { max: 10, onnotice: () => {}, fetch_types: false });

interface PostRow {
  id: string;
  title: string;
  num: number;
  active: boolean;
  status: string;
  author: string;
  created: string;
  updated: string;
}

const filterPattern = /^active = true && status = "published" && num > (\d+)$/;
const expectedSort = "author.name,-num";
const perPage = 30;
const prepared = { prepare: true };

interface Endpoint {
  collectionId: string;
  collectionName: string;
  listSql: string;
  countSql: string;
}

async function endpoint(name: string, ruled: boolean): Promise<Endpoint> {
  const [row] = await sql<{ id: string }[]>`SELECT id FROM _collections WHERE name = ${name}`;
  if (!row) throw new Error(`no ${name} collection in ${args.db}`);
  const where = `p.active AND p.status = 'published' AND p.num > $1${ruled ? " AND a.verified" : ""}`;
  return {
    collectionId: row.id,
    collectionName: name,
    listSql:
      `SELECT p.* FROM ${name} p LEFT JOIN authors a ON a.id = p.author WHERE ${where} ` +
      `ORDER BY a.name ASC, p.num DESC LIMIT ${perPage} OFFSET $2`,
    countSql: ruled
      ? `SELECT COUNT(*)::int AS n FROM ${name} p JOIN authors a ON a.id = p.author WHERE ${where}`
      : `SELECT COUNT(*)::int AS n FROM ${name} p WHERE ${where}`,
  };
}

const endpoints = new Map<string, Endpoint>();
for (const e of [await endpoint(openCollection, false), await endpoint(ruledCollection, true)]) {
  endpoints.set(e.collectionName, e);
  endpoints.set(e.collectionId, e);
}

// the bench's requests carry an Origin
const headers = corsHeaders;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers });
const badRequest = () =>
  json(400, { data: {}, message: "Something went wrong while processing your request.", status: 400 });

async function list(e: Endpoint, params: URLSearchParams): Promise<Response> {
  const threshold = filterPattern.exec(params.get("filter") ?? "")?.[1];
  if (threshold === undefined || params.get("sort") !== expectedSort || params.get("perPage") !== String(perPage))
    return badRequest();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const num = Number(threshold);
  const [rows, count] = await Promise.all([
    sql.unsafe<PostRow[]>(e.listSql, [num, (page - 1) * perPage], prepared),
    sql.unsafe<{ n: number }[]>(e.countSql, [num], prepared),
  ]);
  const items = rows.map((row) => ({
    id: row.id,
    title: row.title,
    num: row.num,
    active: row.active,
    status: row.status,
    author: row.author,
    created: row.created,
    updated: row.updated,
    collectionId: e.collectionId,
    collectionName: e.collectionName,
  }));
  const totalItems = count[0]?.n ?? 0;
  return json(200, { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage), items });
}

const pathPattern = /^\/api\/collections\/([^/]+)\/records\/?$/;

serveCeiling(args.http, { close: () => sql.end({ timeout: 1 }) }, (req) => {
  const url = new URL(req.url);
  const e = endpoints.get(pathPattern.exec(url.pathname)?.[1] ?? "");
  if (!e || req.method !== "GET")
    return json(404, { data: {}, message: "The requested resource wasn't found.", status: 404 });
  return list(e, url.searchParams);
});
