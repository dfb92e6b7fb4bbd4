import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../src/core/app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { createZip } from "../../src/tools/archive/create.ts";
import { extractZip } from "../../src/tools/archive/extract.ts";
import { addPost, backupFixture, storedFiles } from "./backup-fixture.ts";

/** What a backup holds: a consistent snapshot of the databases and the files they refer to. */

const scratch = mkdtempSync(join(tmpdir(), "satchel-snapshot-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** unpack extracts a backup into a fresh folder. */
async function unpack(app: App, name: string): Promise<string> {
  const dir = mkdtempSync(join(scratch, "unpacked-"));
  const zip = `${dir}.zip`;
  await Bun.write(zip, (await app.backupsFilesystem().read(name)) ?? "");
  await extractZip(zip, dir, { maxBytes: 1 << 30, maxEntries: 100_000 });
  return dir;
}

/** postFiles reads the posts of a backup's data.db and the file each one names. */
async function postFiles(dir: string): Promise<{ id: string; files: string[] }[]> {
  const db = new SqliteDriver(join(dir, "data.db"));
  try {
    const rows = await db.all<{ id: string; doc: string }>("SELECT id, doc FROM posts ORDER BY id");
    return rows.map((r) => ({ id: r.id, files: JSON.parse(r.doc) as string[] }));
  } finally {
    await db.close();
  }
}

test("a backup taken while records with files are created and deleted holds every file its rows name", async () => {
  const t = await backupFixture.newApp();
  try {
    const posts = t.app.findCachedCollectionByNameOrId("posts");
    let writing = true;
    let made = 0;
    // each round adds a post with its file and deletes the one before (its file goes after the commit)
    const writer = (async () => {
      let previous = null;
      while (writing) {
        const post = await addPost(t.app, `concurrent ${made}`, `c${made}.txt`, `bytes ${made}`);
        if (previous) await t.app.delete(previous);
        previous = post;
        made++;
      }
    })();
    await Bun.sleep(20);
    await t.app.createBackup("busy.zip");
    writing = false;
    await writer;
    const dir = await unpack(t.app, "busy.zip");
    const rows = await postFiles(dir);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(5);
    const files = storedFiles(join(dir, "storage"));
    for (const row of rows) {
      for (const name of row.files) expect(files).toHaveProperty([`${posts?.id}/${row.id}/${name}`]);
    }
    expect(made).toBeGreaterThan(0);
  } finally {
    await t.cleanup();
  }
});

test("a storage folder that is a symbolic link to another place is backed up through the link", async () => {
  const t = await backupFixture.newApp();
  try {
    const elsewhere = join(scratch, "elsewhere");
    mkdirSync(elsewhere);
    renameSync(join(t.dir, "storage"), join(elsewhere, "storage"));
    symlinkSync(join(elsewhere, "storage"), join(t.dir, "storage"));
    await Bun.write(join(elsewhere, "note.txt"), "a note");
    symlinkSync(join(elsewhere, "note.txt"), join(t.dir, "note.txt"));
    await t.app.createBackup("linked.zip");
    const dir = await unpack(t.app, "linked.zip");
    expect(storedFiles(join(dir, "storage"))).toEqual(storedFiles(join(elsewhere, "storage")));
    expect(Object.keys(storedFiles(join(dir, "storage")))).toHaveLength(3);
    expect(await Bun.file(join(dir, "note.txt")).text()).toBe("a note");
  } finally {
    await t.cleanup();
  }
});

test("the running server's .cluster_bus file is neither backed up nor replaced by a restore", async () => {
  const t = await backupFixture.newApp();
  try {
    const own = JSON.stringify({ pid: process.pid, dir: t.dir, socket: "/tmp/own.sock" });
    await Bun.write(join(t.dir, ".cluster_bus"), own);
    await t.app.createBackup("bus.zip");
    const dir = await unpack(t.app, "bus.zip");
    expect(existsSync(join(dir, ".cluster_bus"))).toBe(false);
    expect(existsSync(join(dir, "data.db"))).toBe(true);
    // a backup made by an older version that holds one: the restore keeps the directory's own
    await Bun.write(join(dir, ".cluster_bus"), JSON.stringify({ pid: 1, dir: "/elsewhere", socket: "/tmp/x.sock" }));
    const zip = join(scratch, "with-bus.zip");
    await createZip(dir, zip);
    await t.app.backupsFilesystem().upload("with-bus.zip", await Bun.file(zip).bytes());
    await t.app.restoreBackup("with-bus.zip");
    expect(await Bun.file(join(t.dir, ".cluster_bus")).text()).toBe(own);
  } finally {
    await t.cleanup();
  }
});
