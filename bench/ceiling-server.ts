/** What the ceiling servers share: their command line, the database settings and the server's life. */
import { Database } from "bun:sqlite";
import { parseArgs } from "node:util";
import { securityHeaders } from "../src/tools/router/answer-headers.ts";

/**
 * The headers Satchel's default middlewares give every JSON answer: `plainHeaders` to a request without an
 * Origin, `corsHeaders` to one with it (with `--origins=*` the allow-origin header answers any Origin, as
 * browsers send it). The ceilings answer with them, so that their answers equal Satchel's. Each is one
 * Headers, made once: Bun copies it into an answer in a third of the time it takes the same headers from a
 * plain object (as Satchel's JSON answers do, src/tools/router/answer-headers.ts).
 */
const plain: [string, string][] = [
  ["content-type", "application/json"],
  ...securityHeaders.map(([name, value]): [string, string] => [name, value]),
  ["vary", "Origin"],
];
export const plainHeaders = new Headers(plain);
export const corsHeaders = new Headers([...plain, ["access-control-allow-origin", "*"]]);

/**
 * ceilingArgs reads `--dir=<data dir> [--http=127.0.0.1:0] [--db=postgres://...]`, printing the usage and
 * exiting without a dir (or, when `needsDb`, without a database URL).
 */
export function ceilingArgs(script: string, needsDb = false): { dir: string; http: string; db: string } {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      http: { type: "string", default: "127.0.0.1:0" },
      db: { type: "string", default: "" },
    },
  });
  if (!values.dir || (needsDb && !values.db)) {
    const db = needsDb ? " --db=postgres://..." : "";
    process.stderr.write(`usage: bun ${script} --dir=<data dir>${db} [--http=127.0.0.1:0]\n`);
    process.exit(2);
  }
  return { dir: values.dir, http: values.http, db: values.db };
}

/**
 * openLikeSatchel opens a data directory's `data.db` with the settings Satchel's driver uses; synchronous
 * must be set explicitly (bun:sqlite leaves it FULL).
 */
export function openLikeSatchel(dir: string): Database {
  const db = new Database(`${dir}/data.db`, { readwrite: true });
  for (const pragma of [
    "PRAGMA busy_timeout = 10000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -32000",
  ]) {
    db.run(pragma);
  }
  return db;
}

/**
 * serveCeiling listens on `http` (host:port), prints `Ceiling listening at <url>` once ready (the benches
 * wait for it) and stops, closing the database, on SIGINT/SIGTERM.
 */
export function serveCeiling(
  http: string,
  db: { close(): unknown },
  fetch: (req: Request) => Response | Promise<Response>,
): void {
  const [hostname, port] = http.split(":");
  const server = Bun.serve({ hostname, port: Number(port), fetch });
  process.stdout.write(`Ceiling listening at http://${server.hostname}:${server.port}\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      await server.stop(false);
      await db.close();
      process.exit(0);
    });
  }
}
