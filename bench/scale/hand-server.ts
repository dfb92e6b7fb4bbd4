/**
 * The hand-written SQL of every shape behind a bare Bun.serve, in a process of its own, so that the scale
 * bench times it as it times the servers: pinned to the same CPU, across the same loopback.
 *
 *   bun bench/scale/hand-server.ts <data.db>
 *
 * Prints `Server started at http://...` once it listens; stops on SIGTERM.
 */
import type { Database } from "bun:sqlite";
import { handServer, openHandDb } from "./answers.ts";
import { HandSql, shapes } from "./shapes.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: bun bench/scale/hand-server.ts <data.db>");
const db: Database = openHandDb(file);
const server = handServer(new HandSql(db), shapes());
console.log(`Server started at ${server.url}`);
process.on("SIGTERM", () => {
  server.stop();
  db.close();
  process.exit(0);
});
