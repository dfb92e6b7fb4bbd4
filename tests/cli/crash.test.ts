import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { runInProcess, ServeProcess } from "./process.ts";

/**
 * Crash safety: `serve` killed with SIGKILL in the middle of a stream of record creates loses no record
 * it acknowledged (a 200 means committed), and leaves a database that opens, intact.
 */

setDefaultTimeout(60_000);

const email = "root@example.com";
const password = "S3cret-pass-123";
const rounds = 3;
const writers = 8;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-crash-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Stream {
  acknowledged: string[];
  /** Answers other than 200 (there must be none). */
  unexpected: string[];
  stop(): Promise<void>;
}

/** createStream keeps `writers` clients creating records until stopped or until the server is gone. */
function createStream(url: string, round: number, acknowledged: string[]): Stream {
  const unexpected: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      try {
        const res = await fetch(`${url}/api/collections/notes/records`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ body: `round ${round} writer ${w} #${i}` }),
        });
        const text = await res.text();
        if (res.status === 200) acknowledged.push((JSON.parse(text) as { id: string }).id);
        else unexpected.push(`${res.status} ${text}`);
      } catch {
        return; // the server is gone: whatever was not answered is not acknowledged
      }
    }
  });
  return {
    acknowledged,
    unexpected,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** The record ids in a copy of the crashed files (the copy is opened, so the original stays as it was). */
async function idsInCrashedCopy(dir: string, round: number): Promise<{ integrity: string; ids: Set<string> }> {
  const copy = join(tmp, `copy-${round}`);
  await mkdir(copy);
  for (const f of ["data.db", "data.db-wal"]) {
    if (existsSync(join(dir, f))) await copyFile(join(dir, f), join(copy, f));
  }
  const db = new Database(join(copy, "data.db"));
  try {
    const integrity = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check ?? "";
    const ids = new Set(
      db
        .query<{ id: string }, []>("SELECT id FROM notes")
        .all()
        .map((r) => r.id),
    );
    return { integrity, ids };
  } finally {
    db.close();
  }
}

async function listedIds(pb: PocketBase): Promise<Set<string>> {
  const all = await pb.collection("notes").getFullList({ fields: "id", batch: 500 });
  return new Set(all.map((r) => r.id));
}

test("SIGKILL during a stream of creates loses no acknowledged record, and the database opens intact", async () => {
  const dir = join(tmp, "data");
  expect((await runInProcess(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
  const acknowledged: string[] = [];

  for (let round = 0; round < rounds; round++) {
    const server = await ServeProcess.start(dir);
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    await pb.collection("_superusers").authWithPassword(email, password);
    if (round === 0) {
      await pb.collections.create({
        name: "notes",
        type: "base",
        createRule: "",
        fields: [{ name: "body", type: "text" }],
      });
    } else {
      const listed = await listedIds(pb);
      expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
    }

    const stream = createStream(server.url, round, acknowledged);
    // kill at a different point of each round, always with writes in flight
    const target = acknowledged.length + 40 + Math.floor(Math.random() * 120);
    while (acknowledged.length < target && server.running) await Bun.sleep(2);
    const atKill = acknowledged.length;
    await server.kill();
    await stream.stop();
    expect(stream.unexpected).toEqual([]);
    expect(atKill).toBeGreaterThanOrEqual(target);

    const crashed = await idsInCrashedCopy(dir, round);
    expect(crashed.integrity).toBe("ok");
    expect(acknowledged.filter((id) => !crashed.ids.has(id))).toEqual([]);
  }

  // a last restart on the crashed files: everything acknowledged is served, then a clean stop
  const server = await ServeProcess.start(dir);
  try {
    const pb = new PocketBase(server.url);
    await pb.collection("_superusers").authWithPassword(email, password);
    const listed = await listedIds(pb);
    expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(10_000)).toBe(0);
});
