/**
 * The servers of the files bench, one per process: Satchel on a prepared data directory, or the ceiling,
 * a bare Bun.serve doing the same I/O (read the multipart upload and write the file; send a file from disk).
 *
 *   bun bench/files/server.ts satchel <dataDir>
 *   bun bench/files/server.ts ceiling <dir>
 *
 * Prints `ready <url>` once listening.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { serve } from "../../src/cmd/serve.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

const [kind = "", dir = ""] = process.argv.slice(2);

if (kind === "satchel") {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  const server = await serve(app, { http: "127.0.0.1:0", origins: ["*"] });
  console.log(`ready ${server.url}`);
} else if (kind === "ceiling") {
  const files = join(dir, "files");
  await mkdir(files, { recursive: true });
  let next = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "POST" && url.pathname === "/upload") {
        const form = await req.formData();
        const file = form.get("file");
        if (!(file instanceof File)) return new Response("no file", { status: 400 });
        const name = `${++next}_${file.name}`;
        await Bun.write(join(files, name), file);
        return Response.json({ id: String(next), file: name });
      }
      if (req.method === "GET" && url.pathname.startsWith("/files/")) {
        const file = Bun.file(join(files, url.pathname.slice("/files/".length)));
        return new Response(file, { headers: { "content-type": "image/jpeg" } });
      }
      return new Response("not found", { status: 404 });
    },
  });
  console.log(`ready ${server.url.origin}`);
} else {
  throw new Error("usage: bun bench/files/server.ts satchel|ceiling <dir>");
}
