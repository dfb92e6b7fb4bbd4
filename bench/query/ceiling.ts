/**
 * The query bench's ceiling: a bare `Bun.serve` answering the bench's list request (three conditions, sorted
 * by the author's name then `-num`, with the total) from prepared `bun:sqlite` statements, with the same
 * status, JSON and headers as Satchel, and nothing else. Its SQL is what a person who knows the data writes:
 * no DISTINCT (one author per post), and a count that joins the authors only where the rule needs them,
 * driven from the posts (see README.md).
 *
 *   bun bench/query/ceiling.ts --dir=<satchel data dir>
 */
import { ceilingArgs, corsHeaders, openLikeSatchel, serveCeiling } from "../ceiling-server.ts";
import { openCollection, ruledCollection } from "./schema.ts";

const args = ceilingArgs("bench/query/ceiling.ts");
const db = openLikeSatchel(args.dir);

interface PostRow {
  id: string;
  title: string;
  num: number;
  active: number;
  status: string;
  author: string;
  created: string;
  updated: string;
}

const filterPattern = /^active = true && status = "published" && num > (\d+)$/;
const expectedSort = "author.name,-num";
const perPage = 30;

interface Endpoint {
  collectionId: string;
  collectionName: string;
  list: ReturnType<typeof db.query<PostRow, [number, number]>>;
  count: ReturnType<typeof db.query<{ n: number }, [number]>>;
}

function endpoint(name: string, ruled: boolean): Endpoint {
  const row = db.query<{ id: string }, [string]>("SELECT id FROM _collections WHERE name = ?").get(name);
  if (!row) throw new Error(`no ${name} collection in ${args.dir}`);
  const where = `p.active = 1 AND p.status = 'published' AND p.num > ?1${ruled ? " AND a.verified = 1" : ""}`;
  return {
    collectionId: row.id,
    collectionName: name,
    list: db.query<PostRow, [number, number]>(
      `SELECT p.* FROM ${name} p LEFT JOIN authors a ON a.id = p.author WHERE ${where} ` +
        `ORDER BY a.name ASC, p.num DESC LIMIT ${perPage} OFFSET ?2`,
    ),
    // CROSS JOIN keeps the posts as the outer loop: SQLite would otherwise walk the authors and fetch
    // their posts through the author index, five times slower here
    count: db.query<{ n: number }, [number]>(
      ruled
        ? `SELECT COUNT(*) AS n FROM ${name} p CROSS JOIN authors a ON a.id = p.author WHERE ${where}`
        : `SELECT COUNT(*) AS n FROM ${name} p WHERE ${where}`,
    ),
  };
}

const endpoints = new Map<string, Endpoint>();
for (const e of [endpoint(openCollection, false), endpoint(ruledCollection, true)]) {
  endpoints.set(e.collectionName, e);
  endpoints.set(e.collectionId, e);
}

// the bench's requests carry an Origin
const headers = corsHeaders;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers });
const badRequest = () =>
  json(400, { data: {}, message: "Something went wrong while processing your request.", status: 400 });

function list(e: Endpoint, params: URLSearchParams): Response {
  const threshold = filterPattern.exec(params.get("filter") ?? "")?.[1];
  if (threshold === undefined || params.get("sort") !== expectedSort || params.get("perPage") !== String(perPage))
    return badRequest();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const num = Number(threshold);
  const items = e.list.all(num, (page - 1) * perPage).map((row) => ({
    id: row.id,
    title: row.title,
    num: row.num,
    active: row.active !== 0,
    status: row.status,
    author: row.author,
    created: row.created,
    updated: row.updated,
    collectionId: e.collectionId,
    collectionName: e.collectionName,
  }));
  const totalItems = e.count.get(num)?.n ?? 0;
  return json(200, { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage), items });
}

const pathPattern = /^\/api\/collections\/([^/]+)\/records\/?$/;

serveCeiling(args.http, db, (req) => {
  const url = new URL(req.url);
  const e = endpoints.get(pathPattern.exec(url.pathname)?.[1] ?? "");
  if (!e || req.method !== "GET")
    return json(404, { data: {}, message: "The requested resource wasn't found.", status: 404 });
  return list(e, url.searchParams);
});
