import { PackedRowsWriter } from "./src/db/packed-rows.ts";
import { openPostgres } from "./src/db/postgres/driver.ts";
import { findPostgresBin, PostgresCluster } from "./tests/db/postgres-server.ts";

function rows(from: number, n: number) {
  const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: 1e9 });
  for (let i = from; i < from + n; i++) {
    w.text(`r${i}`);
    w.number(i);
    w.text("{}");
    w.endRow();
  }
  return w.take();
}
const c = PostgresCluster.create(findPostgresBin()!);
const d = await openPostgres(c.url(), { connectTimeoutSeconds: 2, schema: "x" });
await d.exec("CREATE TABLE bw_t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data JSON NOT NULL)");
await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(0, 60));
console.log("first ok");
c.stop("immediate");
console.log("stopped");
const t0 = Date.now();
await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(100, 60)).then(
  () => console.log("ok?"),
  (e) => console.log("rejected", e.constructor.name, e.message, Date.now() - t0),
);
c.start();
await d.insertRowsInBackground("bw_t", ["id", "n", "data"], rows(200, 60)).then(
  () => console.log("ok after"),
  (e) => console.log("rejected after", e.message),
);
await d.close();
c.destroy();
