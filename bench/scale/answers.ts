/**
 * The answers of the servers the scale bench runs, and how they are compared: Satchel's with the hand-written
 * SQL's (the same records and total), with PocketBase's (the same items, field for field, and total) and with
 * another Satchel's (--before: the same body).
 */
import { Database } from "bun:sqlite";
import { type HandSql, type Shape, shapePath, type Who } from "./shapes.ts";

export type ServerName = "before" | "satchel" | "hand" | "pocketbase";

export interface Answer {
  /** 0 when nothing came back in time. */
  status: number;
  body: unknown;
}

export interface Target {
  name: ServerName;
  url: string;
  tokens: Record<Who, string>;
}

/** request sends a shape's request and times it to the end of the body; past timeoutMs it counts as that. */
export async function request(t: Target, shape: Shape, timeoutMs: number): Promise<{ answer: Answer; ms: number }> {
  const token = t.tokens[shape.who];
  const url = t.name === "hand" ? `${t.url}/${shape.name}` : `${t.url}${shapePath(shape)}`;
  const started = performance.now();
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      ...(token ? { headers: { authorization: token } } : {}),
    });
    status = res.status;
    text = await res.text();
  } catch {
    return { answer: { status: 0, body: "nothing in time" }, ms: timeoutMs };
  }
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text: the comparison shows it
  }
  return { answer: { status, body }, ms };
}

/** openHandDb opens the data file read-only for the hand-written SQL, with the pragmas of Satchel's driver. */
export function openHandDb(file: string): Database {
  const db = new Database(file, { readonly: true });
  for (const p of ["busy_timeout = 10000", "temp_store = MEMORY", "cache_size = -32000"]) db.run(`PRAGMA ${p}`);
  return db;
}

/** handServer answers each shape with its hand-written SQL over HTTP, as the servers would (hand-server.ts). */
export function handServer(hand: HandSql, list: readonly Shape[]): { url: string; stop: () => void } {
  const byName = new Map(list.map((s) => [s.name, s]));
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const shape = byName.get(new URL(req.url).pathname.slice(1));
      if (!shape) return new Response("no such shape", { status: 404 });
      const a = shape.hand(hand, { limit: shape.perPage ?? 30, offset: 0 });
      if (shape.view) return Response.json(a.items[0] ?? null, { status: a.items[0] ? 200 : 404 });
      return Response.json({ totalItems: a.total, items: a.items });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const ids = (body: unknown): string[] => ((body as { items?: { id: string }[] }).items ?? []).map((r) => r.id);
const total = (body: unknown) => (body as { totalItems?: number }).totalItems;
const items = (body: unknown) => (body as { items?: unknown[] }).items;

/** check compares the answers to one shape and returns the differences (none: all agree). */
export function check(shape: Shape, hand: HandSql, answers: ReadonlyMap<ServerName, Answer>): string[] {
  const problems: string[] = [];
  for (const [name, a] of answers) {
    if (a.status !== 200) problems.push(`${name} answered ${a.status === 0 ? "nothing in time" : a.status}`);
  }
  if (problems.length > 0) return problems;
  const sa = (answers.get("satchel") as Answer).body;
  const hd = (answers.get("hand") as Answer).body;
  const pb = answers.get("pocketbase")?.body;
  const before = answers.get("before")?.body;
  if (shape.view) {
    if ((sa as { id: string }).id !== (hd as { id: string }).id) problems.push("not the hand SQL's record");
    if (pb !== undefined && !Bun.deepEquals(sa, pb)) problems.push("not PocketBase's record");
    if (before !== undefined && !Bun.deepEquals(sa, before)) problems.push("not the record of --before");
    return problems;
  }
  if (total(sa) !== total(hd)) problems.push(`total ${total(sa)}, hand SQL ${total(hd)}`);
  if (pb !== undefined && total(pb) !== total(sa)) problems.push(`total ${total(sa)}, PocketBase ${total(pb)}`);
  if (before !== undefined && total(before) !== total(sa))
    problems.push(`total ${total(sa)}, --before ${total(before)}`);
  if (shape.ordered) {
    if (ids(sa).join() !== ids(hd).join()) problems.push("items differ from the hand SQL's");
    if (pb !== undefined && !Bun.deepEquals(items(sa), items(pb))) problems.push("items differ from PocketBase's");
    if (before !== undefined && !Bun.deepEquals(items(sa), items(before))) problems.push("items differ from --before");
    return problems;
  }
  // no sort: any page of matches will do, so every server's items must be that many of all the matches
  const all = new Set(shape.hand(hand, { limit: -1, offset: 0 }).items.map((r) => r.id as string));
  const expected = Math.min(all.size, shape.perPage ?? 30);
  for (const [name, a] of answers) {
    const got = ids(a.body);
    if (got.length !== expected || got.some((id) => !all.has(id)))
      problems.push(`${name}'s items are not ${expected} of the ${all.size} matches`);
  }
  return problems;
}
