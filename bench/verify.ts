/**
 * Before measuring, both servers must give the same answers: the benchmark takes a snapshot of each
 * server's responses to the three requests and refuses to run when they differ.
 */
import { benchOrigin, type LoadRequest } from "./load.ts";

export interface ResponseSnapshot {
  status: number;
  /** Response headers that the benchmark compares (lower-cased names; Date and length left out). */
  headers: Record<string, string>;
  body: string;
}

export interface ServerSnapshot {
  list: ResponseSnapshot;
  view: ResponseSnapshot;
  create: ResponseSnapshot;
}

const ignoredHeaders = new Set(["date", "content-length"]);

/** responseSnapshot sends one request as the load generator would (with its Origin) and keeps the answer. */
export async function responseSnapshot(base: string, r: LoadRequest): Promise<ResponseSnapshot> {
  const headers: Record<string, string> = { origin: benchOrigin };
  if (r.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${r.path}`, {
    method: r.method,
    headers,
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  const kept: Record<string, string> = {};
  for (const [k, v] of res.headers) if (!ignoredHeaders.has(k)) kept[k] = v;
  return { status: res.status, headers: Object.fromEntries(Object.entries(kept).sort()), body: await res.text() };
}

/** takeSnapshot sends one list, one view and one create request (in that order) to a server. */
export async function takeSnapshot(
  base: string,
  requests: { list: LoadRequest; view: LoadRequest; create: LoadRequest },
): Promise<ServerSnapshot> {
  return {
    list: await responseSnapshot(base, requests.list),
    view: await responseSnapshot(base, requests.view),
    create: await responseSnapshot(base, requests.create),
  };
}

/** A created record's values that differ from one create to the next. */
const perCreateKeys = ["id", "created", "updated"];

/** maskCreated replaces the id and timestamps of a created record by their shape, keeping the key order. */
function maskCreated(body: string): string {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  for (const k of perCreateKeys) {
    const v = parsed[k];
    if (typeof v !== "string") continue;
    if (k === "id") parsed[k] = /^[a-z0-9]{15}$/.test(v) ? "<id>" : v;
    else parsed[k] = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/.test(v) ? "<date>" : v;
  }
  return JSON.stringify(parsed);
}

/**
 * snapshotDifferences lists where two servers' answers differ: list and view bodies must be identical
 * byte for byte, the created record identical but for its id and timestamps, and statuses and headers equal.
 */
export function snapshotDifferences(a: ServerSnapshot, b: ServerSnapshot): string[] {
  const out: string[] = [];
  for (const name of ["list", "view", "create"] as const) {
    const x = a[name];
    const y = b[name];
    if (x.status !== y.status) out.push(`${name}: status ${x.status} vs ${y.status}`);
    const hx = JSON.stringify(x.headers);
    const hy = JSON.stringify(y.headers);
    if (hx !== hy) out.push(`${name}: headers ${hx} vs ${hy}`);
    const bx = name === "create" ? maskCreated(x.body) : x.body;
    const by = name === "create" ? maskCreated(y.body) : y.body;
    if (bx !== by) out.push(`${name}: body\n  ${bx.slice(0, 600)}\nvs\n  ${by.slice(0, 600)}`);
  }
  return out;
}
