/**
 * bun bench/layers.ts: what each layer a view crosses costs, in process on SQLite (no HTTP, no load
 * generator): the same view of the records bench's data answered by
 *   - `satchel`: Satchel's router (`newRouter`), as served;
 *   - `satchel-bare-route`: Satchel's router with a route answering as `bare` does (every route and the default
 *     middlewares, no records code);
 *   - `hono-middlewares`: a Hono with Satchel's default middlewares and that one route;
 *   - `hono`: a Hono with that one route;
 *   - `bare`: the route's handler alone (one prepared statement, the JSON, the headers).
 * Each takes its turn for `--batch` requests, one at a time, `--rounds` times, its request logs (`--logs=on`: the
 * sides with Satchel's middlewares log) written before its turn ends; it prints the process's CPU per request
 * (all threads, the log writer's included), medians of the rounds after the first quarter (the JIT's warm-up).
 *
 *   bun bench/layers.ts [--rounds=24] [--batch=3000] [--logs=off|on]
 */
import { Database } from "bun:sqlite";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Hono } from "hono";
import { newRouter } from "../src/apis/base.ts";
import { defaultMiddleware, type RouterEnv } from "../src/apis/middlewares.ts";
import { databaseOpener } from "../src/cmd/open-database.ts";
import { createApp } from "../src/core/base-app.ts";
import { systemMigrations } from "../src/migrations/index.ts";
import { corsHeaders } from "./ceiling-server.ts";
import { median } from "./harness.ts";
import { collectionName } from "./schema.ts";
import { copyWithLogsOff, seedDataDir } from "./seed.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "24" },
    batch: { type: "string", default: "3000" },
    logs: { type: "string", default: "off" },
  },
});
const rounds = Number(opts.rounds);
const batch = Number(opts.batch);

const work = mkdtempSync(join(tmpdir(), "satchel-layers-"));
const template = join(work, "template");
const ids = await seedDataDir(template);
const dir = join(work, "run");
if (opts.logs === "off") await copyWithLogsOff(template, dir);
else cpSync(template, dir, { recursive: true });
const app = createApp({ dataDir: dir, openDatabase: databaseOpener({ url: "" }), migrations: systemMigrations });
await app.bootstrap();

const db = new Database(join(dir, "data.db"), { readonly: true });
const byId = db.query<Record<string, unknown>, [string]>(`SELECT * FROM ${collectionName} WHERE id = ? LIMIT 1`);
const collectionId = (db.query("SELECT id FROM _collections WHERE name = ?").get(collectionName) as { id: string }).id;
function view(id: string): Response {
  const r = byId.get(id) as Record<string, unknown>;
  const record = {
    id: r.id,
    title: r.title,
    num: r.num,
    active: r.active !== 0,
    published: r.published,
    status: r.status,
    created: r.created,
    updated: r.updated,
    collectionId,
    collectionName,
  };
  return new Response(JSON.stringify(record), { status: 200, headers: corsHeaders });
}

const recordPath = `/api/collections/${collectionName}/records/`;
const barePath = "/bench/layers/";
const satchel = newRouter(app, {});
satchel.get(`${barePath}:id`, (c) => view(c.req.param("id")));
const withMiddlewares = new Hono<RouterEnv>();
withMiddlewares.use("*", defaultMiddleware(app, ["*"]));
withMiddlewares.get(`${barePath}:id`, (c) => view(c.req.param("id")));
const hono = new Hono();
hono.get(`${barePath}:id`, (c) => view(c.req.param("id")));

const env = { server: { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 1 }) } };
const viewIds = ids.filter((_, i) => i % 10 === 0);
type Side = { path: string; answer: (req: Request, id: string) => Response | Promise<Response> };
const sides: Record<string, Side> = {
  satchel: { path: recordPath, answer: (req) => satchel.fetch(req, env) },
  "satchel-bare-route": { path: barePath, answer: (req) => satchel.fetch(req, env) },
  "hono-middlewares": { path: barePath, answer: (req) => withMiddlewares.fetch(req, env) },
  hono: { path: barePath, answer: (req) => hono.fetch(req, env) },
  bare: { path: barePath, answer: (_req, id) => view(id) },
};

async function answer(side: Side, i: number): Promise<Response> {
  const id = viewIds[i % viewIds.length] as string;
  // every side is given the same request to make, a browser's (with an Origin)
  const req = new Request(`http://127.0.0.1:8090${side.path}${id}`, {
    headers: { origin: "http://app.test", "user-agent": "bench" },
  });
  return side.answer(req, id);
}

const first = await Promise.all(Object.values(sides).map((side) => answer(side, 0).then((r) => r.text())));
if (new Set(first).size !== 1) throw new Error(`the sides answer differently:\n${first.join("\n")}`);

const cpu = new Map<string, number[]>(Object.keys(sides).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = Object.entries(sides);
  if (round % 2 === 1) order.reverse();
  for (const [name, side] of order) {
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) {
      const res = await answer(side, i);
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
    }
    // the side's logs written in its own time (the loop gives the logger's timer no turn: without this, logs
    // past its 20,000 waiting would be dropped, and the writes would fall in the next side's time)
    await app.logger().flush();
    const used = process.cpuUsage(start);
    cpu.get(name)?.push((used.user + used.system) / batch);
  }
}
const settled = Math.floor(rounds / 4);
console.log(`view, in process on SQLite, request logs ${opts.logs}; ${rounds} rounds of ${batch}`);
for (const [name, us] of cpu) console.log(`${name.padEnd(20)} ${median(us.slice(settled)).toFixed(2)} µs a request`);
await app.terminate();
db.close();
rmSync(work, { recursive: true, force: true });
