/**
 * The server side of the realtime bench: Satchel serving a prepared data directory, plus two bench-only
 * routes: the wall-clock time (sub-millisecond) each record committed (`/bench/commit/:id`) and a forced GC (`/bench/gc`).
 *
 *   bun bench/realtime/server.ts <dataDir> <port>
 */
import type { Hono } from "hono";
import { realtimeIdle } from "../../src/apis/realtime-record-events.ts";
import { serve } from "../../src/cmd/serve.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

const [dataDir = "", port = "0"] = process.argv.slice(2);
const app = createApp({ dataDir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
await app.bootstrap();

const commits = new Map<string, number>();
/** When the fan-out of each record's event had handed the last message to its transport. */
const fannedOut = new Map<string, number>();
// the first after-success handler: it runs right after the commit, before the realtime one queues the event
app.onRecordAfterCreateSuccess().bind({
  priority: -1_000_000,
  func: async (e) => {
    const id = e.record.id;
    commits.set(id, performance.timeOrigin + performance.now());
    await e.next();
    await realtimeIdle(app);
    fannedOut.set(id, performance.timeOrigin + performance.now());
  },
});
app.onServe().bindFunc((e) => {
  const router = e.router as Hono;
  router.get("/bench/commit/:id", (c) => {
    const id = c.req.param("id");
    return c.json({ commit: commits.get(id), fannedOut: fannedOut.get(id) });
  });
  router.post("/bench/gc", (c) => {
    Bun.gc(true);
    return c.text(String(process.memoryUsage().rss));
  });
  return e.next();
});
await serve(app, { http: `127.0.0.1:${port}`, origins: ["*"] });
console.log("ready");
