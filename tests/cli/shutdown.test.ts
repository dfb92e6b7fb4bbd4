import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { runInProcess, ServeProcess } from "./process.ts";
import { SlowRequest } from "./slow-request.ts";

/** `satchel serve` stopped by a signal: in-flight requests finish, the database closes cleanly, exit 0. */

setDefaultTimeout(30_000);

const email = "root@example.com";
const password = "S3cret-pass-123";
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-shutdown-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A data directory with a superuser, served, with a `notes` collection anyone may create records in. */
async function serveWithNotes(dir: string): Promise<ServeProcess> {
  const upsert = await runInProcess(["superuser", "upsert", email, password, `--dir=${dir}`]);
  expect(upsert.code).toBe(0);
  const server = await ServeProcess.start(dir);
  const pb = new PocketBase(server.url);
  await pb.collection("_superusers").authWithPassword(email, password);
  await pb.collections.create({
    name: "notes",
    type: "base",
    createRule: "",
    fields: [{ name: "body", type: "text" }],
  });
  return server;
}

/** The database after the process is gone: no write-ahead log left, intact, and the notes' bodies. */
function closedDatabase(dir: string): { walLeft: boolean; integrity: string; bodies: string[] } {
  const walLeft = existsSync(join(dir, "data.db-wal"));
  const db = new Database(join(dir, "data.db"));
  try {
    const integrity = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check ?? "";
    const bodies = db
      .query<{ body: string }, []>("SELECT body FROM notes ORDER BY body")
      .all()
      .map((r) => r.body);
    return { walLeft, integrity, bodies };
  } finally {
    db.close();
  }
}

describe("a stop signal", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal}: refuses new connections, lets every in-flight request finish, closes the database, exits 0`, async () => {
      const dir = join(tmp, signal);
      const server = await serveWithNotes(dir);
      const inFlight = 8;
      const bodies = Array.from({ length: inFlight }, (_, i) => `in flight ${i}`);
      let slow: SlowRequest[] = [];
      try {
        slow = await Promise.all(
          bodies.map((body) =>
            SlowRequest.open(server.url, "/api/collections/notes/records", JSON.stringify({ body })),
          ),
        );
        // let the server read the headers: every handler is now running, waiting for its body
        await Bun.sleep(100);
        server.signal(signal);
        await server.stdout.waitFor(new RegExp(`Received ${signal}, shutting down`), 5000);

        expect(await fetch(`${server.url}/api/health`).catch((err: Error) => err)).toBeInstanceOf(Error);
        await Bun.sleep(200);
        expect(server.running).toBe(true);
      } finally {
        for (const s of slow) s.finish();
      }

      const responses = await Promise.all(slow.map((s) => s.response));
      for (const [i, res] of responses.entries()) {
        expect(res?.status).toBe(200);
        expect(JSON.parse(res?.body ?? "{}")).toMatchObject({ collectionName: "notes", body: bodies[i] });
      }
      expect(await server.exit(10_000)).toBe(0);
      expect(server.stdout.text).toContain("Server stopped.");
      expect(server.stderr.text).toBe("");
      expect(closedDatabase(dir)).toEqual({ walLeft: false, integrity: "ok", bodies });
    });
  }

  test("a second signal stops waiting for a request that never completes", async () => {
    const dir = join(tmp, "stuck");
    const server = await serveWithNotes(dir);
    const stuck = await SlowRequest.open(
      server.url,
      "/api/collections/notes/records",
      JSON.stringify({ body: "never" }),
    );
    try {
      await Bun.sleep(100);
      server.signal("SIGTERM");
      await server.stdout.waitFor(/Received SIGTERM/, 5000);
      await Bun.sleep(300);
      expect(server.running).toBe(true);

      const started = performance.now();
      server.signal("SIGTERM");
      expect(await server.exit(5000)).toBe(0);
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      stuck.abandon();
    }
    expect(await stuck.response).toBeNull();
    expect(server.stderr.text).toBe("Closed the connections of 1 unfinished request(s).\n");
    expect(closedDatabase(dir)).toEqual({ walLeft: false, integrity: "ok", bodies: [] });
  });
});
