/**
 * The server side of the realtime bench: Satchel serving a prepared data directory, plus two bench-only
 * routes: the wall-clock time (sub-millisecond) each record committed (`/bench/commit/:id`) and a forced GC (`/bench/gc`).
 *
 *   bun bench/realtime/server.ts <dataDir> <port> [postgres://...]
 */
import { realtimeIdle } from "../../src/apis/realtime-record-events.ts";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { serve } from "../../src/cmd/serve.ts";
import { createApp } from "../../src/core/base-app.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

const [dataDir = "", port = "0", url = ""] = process.argv.slice(2);
const app = createApp({ dataDir, openDatabase: databaseOpener({ url }), migrations: systemMigrations });
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
  e.router.get("/bench/commit/{id}", (re) => {
    const id = re.params.id ?? "";
    return re.json(200, { commit: commits.get(id), fannedOut: fannedOut.get(id) });
  });
  e.router.post("/bench/gc", () => {
    Bun.gc(true);
    return new Response(String(process.memoryUsage().rss));
  });
  return e.next();
});
await serve(app, { http: `127.0.0.1:${port}`, origins: ["*"] });
console.log("ready");
