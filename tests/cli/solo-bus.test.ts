import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import PocketBase from "pocketbase";
import { Inbox, type RecordEvent } from "../realtime/helpers.ts";
import { runSatchel, ServeProcess } from "./process.ts";

/**
 * A plain `satchel serve` (one process, SQLite) runs the cluster bus's hub for the commands run beside it
 * on its data directory: what `superuser upsert` or `migrate up` change there reaches it at once, as with
 * `serve --workers` (workers.test.ts), instead of at its next restart.
 */

setDefaultTimeout(60_000);

const email = "root@example.com";
const password = "S3cret-pass-123";

let tmp: string;
let dir: string;
let server: ServeProcess;
let anonymous: PocketBase;
let staleSocketDir: string;

const busFile = () => join(dir, ".cluster_bus");

async function superuserToken(): Promise<string> {
  const res = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: email, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const refreshStatus = async (token: string) =>
  (
    await fetch(`${server.url}/api/collections/_superusers/auth-refresh`, {
      method: "POST",
      headers: { authorization: token },
    })
  ).status;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-solobus-"));
  dir = join(tmp, "data");
  expect((await runSatchel(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
  // a file left by a process killed earlier (its pid is no longer running) is ignored and replaced, and the
  // private folder of its socket removed
  staleSocketDir = mkdtempSync(join(tmpdir(), "satchel-cluster-"));
  writeFileSync(join(staleSocketDir, "bus.sock"), "");
  writeFileSync(
    busFile(),
    JSON.stringify({ pid: 2 ** 22 + 17, dir: realpathSync(dir), socket: join(staleSocketDir, "bus.sock") }),
  );
  server = await ServeProcess.start(dir);
  const admin = new PocketBase(server.url);
  anonymous = new PocketBase(server.url);
  await admin.collection("_superusers").authWithPassword(email, password);
  // anybody may create a note, only superusers see them
  await admin.collections.create({
    name: "notes",
    type: "base",
    createRule: "",
    fields: [{ name: "body", type: "text" }],
  });
});

afterAll(async () => {
  if (server?.running) {
    server.signal("SIGTERM");
    expect(await server.exit(20_000)).toBe(0);
    // the server took away the file telling other commands where its bus is
    expect(existsSync(busFile())).toBe(false);
  }
  await rm(tmp, { recursive: true, force: true });
});

describe("commands beside a plain serve", () => {
  test("the server names its bus in the data directory's .cluster_bus (its own pid), replacing a dead one's", () => {
    const file = JSON.parse(readFileSync(busFile(), "utf8")) as { pid: number; socket: string };
    expect(file.pid).toBe(server.proc.pid);
    expect(existsSync(file.socket)).toBe(true);
    expect(existsSync(staleSocketDir)).toBe(false);
  });

  test("`superuser upsert` with a new password makes the old token 401 and stops its private events at once", async () => {
    const token = await superuserToken();
    expect(await refreshStatus(token)).toBe(200);
    const pb = new PocketBase(server.url);
    pb.authStore.save(token);
    const inbox = new Inbox<RecordEvent>();
    const unsubscribe = await pb.collection("notes").subscribe("*", inbox.push);
    try {
      await anonymous.collection("notes").create({ body: "before" });
      await inbox.waitFor(1, 1000);
      const up = await runSatchel(["superuser", "upsert", email, "new-S3cret-456", `--dir=${dir}`]);
      expect(up.code).toBe(0);
      expect(await refreshStatus(token)).toBe(401);
      await anonymous.collection("notes").create({ body: "after" });
      await Bun.sleep(200);
      expect(inbox.items.map((e) => e.record.body)).toEqual(["before"]);
    } finally {
      await unsubscribe().catch(() => {});
      expect((await runSatchel(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
    }
  });

  test("`migrate up` serves the new collection at once, `migrate down` stops serving it", async () => {
    const migrations = join(tmp, "migrations");
    await mkdir(migrations, { recursive: true });
    await writeFile(
      join(migrations, "1700000001_from_cli.ts"),
      `import { Collection, migrate } from "satchel/migrate";
export default migrate(
  async (app) => {
    await app.saveCollection(Collection.fromJSON({ name: "from_cli", type: "base", listRule: "", fields: [{ name: "title", type: "text" }] }));
  },
  async (app) => {
    await app.deleteCollection(await app.findCollectionByNameOrId("from_cli"));
  },
);
`,
    );
    const list = async () => (await fetch(`${server.url}/api/collections/from_cli/records`)).status;
    expect(await list()).toBe(404);
    const up = await runSatchel(["migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`]);
    expect(up.code).toBe(0);
    expect(await list()).toBe(200);
    const down = await runSatchel(["migrate", "down", "1", `--dir=${dir}`, `--migrationsDir=${migrations}`], {
      stdin: "y\n",
    });
    expect(down.stdout).toContain("Reverted");
    expect(await list()).toBe(404);
  });

  test("a second serve on the same directory leaves the first's file alone and serves as before", async () => {
    const before = readFileSync(busFile(), "utf8");
    const second = await ServeProcess.start(dir);
    try {
      expect(readFileSync(busFile(), "utf8")).toBe(before);
      expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
    } finally {
      second.signal("SIGTERM");
      expect(await second.exit(20_000)).toBe(0);
    }
    expect(readFileSync(busFile(), "utf8")).toBe(before);
  });

  test("after the server is killed, commands run alone and the next server takes the file over", async () => {
    const left = readFileSync(busFile(), "utf8");
    await server.kill();
    expect(readFileSync(busFile(), "utf8")).toBe(left);
    expect((await runSatchel(["superuser", "upsert", email, password, `--dir=${dir}`])).code).toBe(0);
    server = await ServeProcess.start(dir);
    expect((JSON.parse(readFileSync(busFile(), "utf8")) as { pid: number }).pid).toBe(server.proc.pid);
    // the dead server's socket folder went with its file
    expect(existsSync(dirname((JSON.parse(left) as { socket: string }).socket))).toBe(false);
  });
});
