import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maxBackupUploadBytes } from "../../src/apis/backup-upload.ts";
import type { App } from "../../src/core/app.ts";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { extractZip } from "../../src/tools/archive/extract.ts";
import { runScenarios, type Scenario, send } from "../helpers/api-scenario.ts";
import { rawZip } from "../helpers/raw-zip.ts";
import type { TestApp } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";
import {
  addPost,
  backupFixture,
  type DataState,
  dataState,
  holdBackups,
  settled,
  storedFiles,
  userEmail,
} from "./backup-fixture.ts";

const user = { collection: "users", email: userEmail };
const busy = "Try again later - another backup/restore process has already been started";
const scratch = mkdtempSync(join(tmpdir(), "satchel-backups-api-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** keys lists the backups' keys. */
async function keys(app: App): Promise<string[]> {
  return app.backupsFilesystem().list("");
}

/** putBackup stores bytes among the backups as if uploaded. */
async function putBackup(app: App, name: string, bytes: Uint8Array): Promise<void> {
  await app.backupsFilesystem().upload(name, bytes, { contentType: "application/zip" });
}

/** unzipBackup extracts a stored backup into a fresh folder and returns it. */
async function unzipBackup(app: App, name: string): Promise<string> {
  const dest = mkdtempSync(join(scratch, "unzipped-"));
  const fs = app.backupsFilesystem();
  const zip = join(dest, "..", `${name}.copy`);
  await Bun.write(zip, (await fs.read(name)) ?? new Uint8Array());
  await extractZip(zip, dest, { maxBytes: 1 << 30, maxEntries: 10_000 });
  return dest;
}

/** backupPosts reads the titles of the posts in a backup's data.db. */
async function backupPosts(dir: string): Promise<string[]> {
  const db = new SqliteDriver(join(dir, "data.db"));
  try {
    return (await db.all<{ title: string }>("SELECT title FROM posts ORDER BY title")).map((r) => r.title);
  } finally {
    await db.close();
  }
}

/** uploadBody is a multipart body with one file part. */
function uploadBody(bytes: Uint8Array | string, filename: string, field = "file"): FormData {
  const form = new FormData();
  form.append(field, new File([bytes], filename, { type: "application/zip" }));
  return form;
}

/** A small zip, as far as an upload looks at it. */
const sampleZip = rawZip([{ name: "data.db", data: "not checked before a restore" }]);

/** A valid backup of the fixture, made once (by the app itself) and reused by the upload and restore tests. */
let fixtureBackup: Promise<Uint8Array> | null = null;
function validBackup(): Promise<Uint8Array> {
  fixtureBackup ??= (async () => {
    const t = await backupFixture.newApp();
    try {
      await t.app.createBackup("fixture.zip");
      return (await t.app.backupsFilesystem().read("fixture.zip")) ?? new Uint8Array();
    } finally {
      await t.cleanup();
    }
  })();
  return fixtureBackup;
}

/**
 * unchanged wraps a scenario that must lose nothing: the data is the same after it, and no scratch files
 * are left in the data directory.
 */
function unchanged(before?: (t: TestApp) => Promise<void> | void): Pick<Scenario, "beforeTest" | "afterTest"> {
  let state: DataState;
  return {
    beforeTest: async (t) => {
      await before?.(t);
      state = await dataState(t.app);
    },
    afterTest: async (t) => {
      await settled(t.app);
      expect(await dataState(t.app)).toEqual(state);
      const temp = join(t.dir, ".pb_temp_to_delete");
      expect(existsSync(temp) ? readdirSync(temp) : []).toEqual([]);
      expect(existsSync(join(scratch, "..", "evil.txt"))).toBe(false);
    },
  };
}

runScenarios("backups list", backupFixture, [
  { name: "a guest can't list", url: "/api/backups", expectedStatus: 401 },
  { name: "a user can't list", url: "/api/backups", auth: user, expectedStatus: 403 },
  {
    name: "none yet",
    url: "/api/backups",
    auth: "superuser",
    expectedStatus: 200,
    expectedEvents: { "*": 0 },
    afterTest: (_t, res) => expect(res.json).toEqual([]),
  },
  {
    name: "{modified, key, size} by key",
    url: "/api/backups",
    auth: "superuser",
    beforeTest: async (t) => {
      await putBackup(t.app, "b.zip", rawZip([{ name: "data.db", data: "bb" }]));
      await putBackup(t.app, "@auto_pb_backup_acme_20240101000000.zip", rawZip([{ name: "data.db" }]));
      await putBackup(t.app, "a.zip", rawZip([{ name: "data.db", data: "a" }]));
    },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      const list = res.json as { modified: string; key: string; size: number }[];
      expect(list.map((b) => b.key)).toEqual(["@auto_pb_backup_acme_20240101000000.zip", "a.zip", "b.zip"]);
      expect(Object.keys(list[0] ?? {})).toEqual(["modified", "key", "size"]);
      expect(list[1]?.size).toBe(rawZip([{ name: "data.db", data: "a" }]).length);
      for (const b of list) expect(b.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    },
  },
]);

runScenarios("backups create", backupFixture, [
  { name: "a guest can't create", method: "POST", url: "/api/backups", expectedStatus: 401 },
  { name: "a user can't create", method: "POST", url: "/api/backups", auth: user, expectedStatus: 403 },
  {
    name: "without a name: PocketBase's generated name, the data directory without backups/ or database side files",
    method: "POST",
    url: "/api/backups",
    auth: "superuser",
    beforeTest: (t) => putBackup(t.app, "old.zip", rawZip([{ name: "data.db" }])),
    expectedStatus: 204,
    expectedEvents: { onBackupCreate: 1 },
    afterTest: async (t) => {
      const made = (await keys(t.app)).filter((k) => k !== "old.zip");
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/^pb_backup_acme_\d{14}\.zip$/);
      const dir = await unzipBackup(t.app, made[0] as string);
      const entries = (readdirSync(dir, { recursive: true }) as string[]).filter((p) => !p.startsWith("storage/"));
      expect(entries.sort()).toEqual(["auxiliary.db", "data.db", "storage"]);
      expect(await backupPosts(dir)).toEqual(["post 1", "post 2", "post 3"]);
      expect(storedFiles(join(dir, "storage"))).toEqual(storedFiles(join(t.dir, "storage")));
      expect(Object.keys(storedFiles(join(dir, "storage")))).toHaveLength(3);
      expect(readdirSync(join(t.dir, ".pb_temp_to_delete"))).toEqual([]);
      expect((await t.app.backupsFilesystem().open(made[0] as string))?.contentType).toBe("application/zip");
    },
  },
  {
    name: "with a name",
    method: "POST",
    url: "/api/backups",
    body: { name: "my_backup-1.zip" },
    auth: "superuser",
    expectedStatus: 204,
    afterTest: async (t) => expect(await keys(t.app)).toEqual(["my_backup-1.zip"]),
  },
  {
    name: "a name out of [a-z0-9_-].zip",
    method: "POST",
    url: "/api/backups",
    body: { name: "Bad Name.zip" },
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      '"message":"An error occurred while validating the submitted data."',
      '"name":{"code":"validation_match_invalid","message":"Must be in a valid format."}',
    ],
    expectedEvents: { onBackupCreate: 0 },
    afterTest: async (t) => expect(await keys(t.app)).toEqual([]),
  },
  {
    name: "a name that climbs out",
    method: "POST",
    url: "/api/backups",
    body: { name: "../x.zip" },
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['"code":"validation_match_invalid"'],
  },
  {
    name: "a name over 150 characters",
    method: "POST",
    url: "/api/backups",
    body: { name: `${"a".repeat(150)}.zip` },
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      '"name":{"code":"validation_length_out_of_range","message":"The length must be between 1 and 150.","params":{"max":150,"min":1}}',
    ],
  },
  {
    name: "a name taken",
    method: "POST",
    url: "/api/backups",
    body: { name: "taken.zip" },
    auth: "superuser",
    beforeTest: (t) => putBackup(t.app, "taken.zip", rawZip([{ name: "data.db" }])),
    expectedStatus: 400,
    expectedContent: [
      '"name":{"code":"validation_backup_name_exists","message":"The backup file name is invalid or already exists."}',
    ],
  },
  {
    name: "a name that isn't a string",
    method: "POST",
    url: "/api/backups",
    body: { name: 5 },
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['{"data":{},"message":"An error occurred while loading the submitted data.","status":400}'],
  },
  (() => {
    let held: ReturnType<typeof holdBackups>;
    let running: Promise<void>;
    return {
      name: "while another backup runs",
      method: "POST",
      url: "/api/backups",
      auth: "superuser",
      beforeTest: async (t: TestApp) => {
        held = holdBackups(t.app);
        running = t.app.createBackup("first.zip");
        await held.started;
      },
      expectedStatus: 400,
      expectedContent: [`"message":"${busy}."`],
      afterTest: async (t: TestApp) => {
        held.release();
        await running;
        expect(await keys(t.app)).toEqual(["first.zip"]);
      },
    } satisfies Scenario;
  })(),
  {
    name: "a handler renames the backup and leaves storage out",
    method: "POST",
    url: "/api/backups",
    auth: "superuser",
    beforeTest: (t) => {
      t.app.onBackupCreate().bind({
        id: "rename",
        func: async (e) => {
          expect(e.exclude).toEqual([
            "backups",
            ".pb_temp_to_delete",
            ".notify",
            ".autocert_cache",
            "lost+found",
            ".cluster_bus",
          ]);
          e.name = "renamed.zip";
          e.exclude.push("storage");
          await e.next();
        },
      });
    },
    expectedStatus: 204,
    afterTest: async (t) => {
      expect(await keys(t.app)).toEqual(["renamed.zip"]);
      expect(readdirSync(await unzipBackup(t.app, "renamed.zip")).sort()).toEqual(["auxiliary.db", "data.db"]);
    },
  },
]);

describe("backups download", () => {
  test("takes a superuser's file token; serves the zip with PocketBase's headers, ranges included", async () => {
    const t = await backupFixture.newApp();
    try {
      await t.app.createBackup("dl.zip");
      const bytes = (await t.app.backupsFilesystem().read("dl.zip")) as Uint8Array;
      const { newFileToken, newAuthToken } = await import("../../src/core/record-tokens.ts");
      const root = await t.app.findAuthRecordByEmail("_superusers", "root@example.com");
      const member = await t.app.findAuthRecordByEmail("users", userEmail);
      if (!root || !member) throw new Error("fixture records missing");
      const token = await newFileToken(root);
      const forbidden = '{"data":{},"message":"Insufficient permissions to access the resource.","status":403}';

      const ok = await send(t.app, { url: `/api/backups/dl.zip?token=${token}` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-disposition")).toBe("attachment; filename=dl.zip");
      expect(ok.headers.get("content-type")).toBe("application/zip");
      expect(ok.headers.get("content-length")).toBe(String(bytes.length));
      expect(ok.headers.get("cache-control")).toBe("max-age=2592000, stale-while-revalidate=86400");
      expect(ok.headers.get("content-security-policy")).toContain("sandbox");
      const full = await newRouterFetch(t.app, `/api/backups/dl.zip?token=${token}`);
      expect(Buffer.from(await full.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

      const part = await newRouterFetch(t.app, `/api/backups/dl.zip?token=${token}`, { range: "bytes=0-3" });
      expect(part.status).toBe(206);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(0, 4));

      expect((await send(t.app, { url: `/api/backups/missing.zip?token=${token}` })).status).toBe(404);
      for (const url of [
        "/api/backups/dl.zip",
        "/api/backups/dl.zip?token=bad",
        `/api/backups/dl.zip?token=${await newFileToken(member)}`,
        `/api/backups/dl.zip?token=${await newAuthToken(root)}`,
      ]) {
        const res = await send(t.app, { url });
        expect({ url, status: res.status, text: res.text }).toEqual({ url, status: 403, text: forbidden });
      }
      // the auth header alone is not enough
      const header = await send(t.app, { url: "/api/backups/dl.zip", auth: "superuser" });
      expect(header.status).toBe(403);

      const s = cloneSettings(t.app.settings());
      s.superuserIPs = ["10.0.0.1"];
      await t.app.saveSettings(s);
      expect((await send(t.app, { url: `/api/backups/dl.zip?token=${token}` })).status).toBe(403);
    } finally {
      await t.cleanup();
    }
  });
});

/** newRouterFetch sends a GET through a fresh router and returns the raw response (for binary bodies). */
async function newRouterFetch(app: App, url: string, headers: Record<string, string> = {}): Promise<Response> {
  const { newRouter } = await import("../../src/apis/base.ts");
  const server = { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 0 }) };
  return newRouter(app).fetch(new Request(`http://127.0.0.1:8090${url}`, { headers }), { server });
}

runScenarios("backups delete", backupFixture, [
  { name: "a guest can't delete", method: "DELETE", url: "/api/backups/x.zip", expectedStatus: 401 },
  {
    name: "deletes a backup",
    method: "DELETE",
    url: "/api/backups/x.zip",
    auth: "superuser",
    beforeTest: async (t) => {
      await putBackup(t.app, "x.zip", rawZip([{ name: "data.db" }]));
      await putBackup(t.app, "y.zip", rawZip([{ name: "data.db" }]));
    },
    expectedStatus: 204,
    expectedEvents: { "*": 0 },
    afterTest: async (t) => {
      expect(await keys(t.app)).toEqual(["y.zip"]);
      expect(readdirSync(join(t.dir, "backups")).sort()).toEqual(["y.zip", "y.zip.attrs"]);
    },
  },
  {
    name: "a missing one",
    method: "DELETE",
    url: "/api/backups/x.zip",
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: [
      '"message":"Invalid or already deleted backup file. Raw error: \\n[key: x.zip] resource not found."',
    ],
  },
  {
    name: "a key that climbs out of the backups",
    method: "DELETE",
    url: "/api/backups/..%2Fdata.db",
    auth: "superuser",
    expectedStatus: 400,
    expectedContent: ['"message":"Invalid or already deleted backup file.'],
    // the file the key names is still there (on PostgreSQL, where the directory has no data.db: the storage)
    afterTest: (t) => expect(existsSync(join(t.dir, onPostgres() ? "storage" : "data.db"))).toBe(true),
  },
  (() => {
    let held: ReturnType<typeof holdBackups>;
    let running: Promise<void>;
    return {
      name: "the one being made",
      method: "DELETE",
      url: "/api/backups/busy.zip",
      auth: "superuser",
      beforeTest: async (t: TestApp) => {
        held = holdBackups(t.app);
        running = t.app.createBackup("busy.zip");
        await held.started;
      },
      expectedStatus: 400,
      expectedContent: ['"message":"The backup is currently being used and cannot be deleted."'],
      afterTest: async (t: TestApp) => {
        held.release();
        await running;
        expect(await keys(t.app)).toEqual(["busy.zip"]);
      },
    } satisfies Scenario;
  })(),
]);

runScenarios("backups upload", backupFixture, [
  { name: "a guest can't upload", method: "POST", url: "/api/backups/upload", expectedStatus: 401 },
  {
    name: "stores the zip under the name it came with",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: uploadBody(sampleZip, "uploaded.zip"),
    expectedStatus: 204,
    expectedEvents: { "*": 0 },
    afterTest: async (t) => {
      expect(await keys(t.app)).toEqual(["uploaded.zip"]);
      expect(await t.app.backupsFilesystem().read("uploaded.zip")).toEqual(sampleZip);
      expect(readdirSync(join(t.dir, ".pb_temp_to_delete"))).toEqual([]);
    },
  },
  {
    name: "a name taken",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: uploadBody(sampleZip, "uploaded.zip"),
    beforeTest: (t) => putBackup(t.app, "uploaded.zip", rawZip([{ name: "data.db" }])),
    expectedStatus: 400,
    expectedContent: [
      '"file":{"code":"validation_backup_name_exists","message":"Backup file with the specified name already exists."}',
    ],
  },
  {
    name: "not a zip",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: uploadBody("just some text", "notzip.zip"),
    expectedStatus: 400,
    expectedContent: [
      '"file":{"code":"validation_invalid_mime_type","message":"\\"notzip.zip\\" mime type must be one of: application/zip."}',
    ],
    afterTest: async (t) => {
      expect(await keys(t.app)).toEqual([]);
      expect(readdirSync(join(t.dir, ".pb_temp_to_delete"))).toEqual([]);
    },
  },
  {
    name: "no file part",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: uploadBody(rawZip([{ name: "data.db" }]), "x.zip", "other"),
    expectedStatus: 400,
    expectedContent: ['"file":{"code":"validation_required","message":"Cannot be blank."}'],
  },
  {
    name: "a JSON body",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: { file: "x.zip" },
    expectedStatus: 400,
    expectedContent: ['"file":{"code":"validation_required","message":"Cannot be blank."}'],
  },
  {
    name: "a file name with folders keeps only its last part",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    body: uploadBody(rawZip([{ name: "data.db" }]), "../../evil.zip"),
    expectedStatus: 204,
    afterTest: async (t) => {
      expect(await keys(t.app)).toEqual(["evil.zip"]);
      expect(existsSync(join(t.dir, "evil.zip"))).toBe(false);
    },
  },
  {
    name: "a body declared larger than the limit",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(maxBackupUploadBytes + 1) },
    body: "--x--",
    expectedStatus: 413,
  },
  {
    name: "a malformed multipart body",
    method: "POST",
    url: "/api/backups/upload",
    auth: "superuser",
    headers: { "content-type": "multipart/form-data" },
    body: "--x\r\nnot a part",
    expectedStatus: 400,
    afterTest: async (t) => expect(await keys(t.app)).toEqual([]),
  },
]);

/** storeValidBackup puts the fixture's backup among the app's backups under name. */
async function storeValidBackup(t: TestApp, name: string): Promise<void> {
  await putBackup(t.app, name, await validBackup());
}

/** An empty SQLite database file: a database, but not an app's. */
async function emptyDatabase(): Promise<Uint8Array> {
  const path = join(scratch, `empty-${Math.random().toString(36).slice(2)}.db`);
  const db = new SqliteDriver(path);
  await db.exec("CREATE TABLE t (x)");
  await db.close();
  return new Uint8Array(await Bun.file(path).arrayBuffer());
}

/** A restore that must be refused with a 400 whose message holds `message`, losing nothing. */
function refusedRestore(name: string, entries: () => Promise<Uint8Array> | Uint8Array, message: string): Scenario {
  return {
    name,
    method: "POST",
    url: "/api/backups/bad.zip/restore",
    auth: "superuser",
    ...unchanged(async (t) => putBackup(t.app, "bad.zip", await entries())),
    expectedStatus: 400,
    expectedContent: [message],
    expectedEvents: { onTerminate: 0, onBootstrap: 0 },
  };
}

runScenarios("backups restore", backupFixture, [
  { name: "a guest can't restore", method: "POST", url: "/api/backups/x.zip/restore", expectedStatus: 401 },
  { name: "a user can't restore", method: "POST", url: "/api/backups/x.zip/restore", auth: user, expectedStatus: 403 },
  {
    name: "a missing backup",
    method: "POST",
    url: "/api/backups/missing.zip/restore",
    auth: "superuser",
    ...unchanged(),
    expectedStatus: 400,
    expectedContent: ['{"data":{},"message":"Missing or invalid backup file.","status":400}'],
    expectedEvents: { "*": 0 },
  },
  {
    name: "a key that climbs out of the backups",
    method: "POST",
    url: "/api/backups/..%2Fdata.db/restore",
    auth: "superuser",
    ...unchanged(),
    expectedStatus: 400,
    expectedContent: ['"message":"Missing or invalid backup file."'],
  },
  refusedRestore(
    "not a zip",
    () => new TextEncoder().encode("PK\u0003\u0004 and then garbage"),
    "not a valid zip archive",
  ),
  refusedRestore(
    "a zip with ../ entries",
    async () =>
      rawZip([
        { name: "data.db", data: await emptyDatabase() },
        { name: "../../evil.txt", data: "x" },
      ]),
    "invalid relative path",
  ),
  refusedRestore(
    "a zip with an absolute path",
    () => rawZip([{ name: "data.db" }, { name: "/tmp/evil.txt", data: "x" }]),
    "absolute path",
  ),
  refusedRestore(
    "a zip with a symbolic link",
    () => rawZip([{ name: "data.db" }, { name: "storage", unixMode: 0o120777, data: "/" }]),
    "symbolic link",
  ),
  refusedRestore(
    "a zip without data.db",
    () =>
      rawZip([
        { name: "auxiliary.db", data: "x" },
        { name: "storage/a/b/c.txt", data: "x" },
      ]),
    "Missing or invalid backup file. Raw error: \\nthe archive has no data.db.",
  ),
  refusedRestore(
    "a zip bomb",
    () => rawZip([{ name: "data.db", data: new Uint8Array(2 << 20), deflate: true, declaredSize: 10 }]),
    "too many bytes in the stream",
  ),
  refusedRestore(
    "a data.db that isn't a database",
    () => rawZip([{ name: "data.db", data: "hello, not a database".repeat(100) }]),
    "data.db can't be opened",
  ),
  refusedRestore(
    "a database that isn't an app's",
    async () => rawZip([{ name: "data.db", data: await emptyDatabase() }]),
    "data.db has no _collections table",
  ),
  (() => {
    let held: ReturnType<typeof holdBackups>;
    let running: Promise<void>;
    return {
      name: "while another backup runs",
      method: "POST",
      url: "/api/backups/good.zip/restore",
      auth: "superuser",
      beforeTest: async (t: TestApp) => {
        await storeValidBackup(t, "good.zip");
        held = holdBackups(t.app);
        running = t.app.createBackup("other.zip");
        await held.started;
      },
      expectedStatus: 400,
      expectedContent: [`{"data":{},"message":"${busy}.","status":400}`],
      afterTest: async (t: TestApp) => {
        held.release();
        await running;
        expect(await keys(t.app)).toEqual(["good.zip", "other.zip"]);
      },
    } satisfies Scenario;
  })(),
  (() => {
    let atBackup: DataState;
    return {
      name: "brings back the records and files of backup time, then serves on them",
      method: "POST",
      url: "/api/backups/snap.zip/restore",
      auth: "superuser",
      beforeTest: async (t: TestApp) => {
        await t.app.createBackup("snap.zip");
        atBackup = await dataState(t.app);
        // changes after the backup: a new post with its file, a post deleted with its file, new settings
        await addPost(t.app, "post 4", "doc4.txt", "content of post 4");
        await t.app.db.run("DELETE FROM posts WHERE title = 'post 2'");
        const s = cloneSettings(t.app.settings());
        s.meta.appName = "Changed";
        await t.app.saveSettings(s);
        expect(await dataState(t.app)).not.toEqual(atBackup);
        t.app.onBackupRestore().bind({
          id: "checkEvent",
          func: async (e) => {
            expect(e.name).toBe("snap.zip");
            expect(e.exclude).toEqual([
              "backups",
              ".pb_temp_to_delete",
              ".autocert_cache",
              "lost+found",
              ".cluster_bus",
            ]);
            await e.next();
          },
        });
      },
      expectedStatus: 204,
      expectedEvents: { onBackupRestore: 1 },
      afterTest: async (t: TestApp) => {
        await settled(t.app);
        expect(t.app.isBootstrapped()).toBe(true);
        expect(await dataState(t.app)).toEqual(atBackup);
        expect(t.app.settings().meta.appName).toBe("Acme");
        expect(t.calls.get("onTerminate")).toBe(1);
        expect(t.calls.get("onBootstrap")).toBe(1);
        expect(await keys(t.app)).toEqual(["snap.zip"]);
        const temp = join(t.dir, ".pb_temp_to_delete");
        expect(existsSync(temp) ? readdirSync(temp) : []).toEqual([]);
        // the restored app works: a new post and its file
        const res = await send(t.app, {
          method: "POST",
          url: "/api/collections/posts/records",
          body: { title: "new" },
        });
        expect(res.status).toBe(200);
        expect(((await dataState(t.app)).posts as unknown[]).length).toBe(atBackup.posts.length + 1);
      },
    } satisfies Scenario;
  })(),
  (() => {
    let before: DataState;
    return {
      name: "a restored directory that fails to start: the previous data is put back and serves again",
      method: "POST",
      url: "/api/backups/poison.zip/restore",
      auth: "superuser",
      beforeTest: async (t: TestApp) => {
        await t.app.createBackup("poison.zip");
        await addPost(t.app, "post 4", "doc4.txt", "content of post 4");
        before = await dataState(t.app);
        // the backup has 3 posts: starting on it fails
        t.app.onBootstrap().bind({
          id: "poison",
          func: async (e) => {
            await e.next();
            const n = await e.app.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM posts");
            if (n?.n === 3) throw new Error("refusing to start on three posts");
          },
        });
      },
      expectedStatus: 204,
      afterTest: async (t: TestApp) => {
        await settled(t.app);
        expect(t.app.isBootstrapped()).toBe(true);
        expect(await dataState(t.app)).toEqual(before);
        expect(t.calls.get("onBootstrap")).toBe(2);
        const res = await send(t.app, { url: "/api/collections/posts/records" });
        expect((res.json as { totalItems: number }).totalItems).toBe(4);
      },
    } satisfies Scenario;
  })(),
]);
