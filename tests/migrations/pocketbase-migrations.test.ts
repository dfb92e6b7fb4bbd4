import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { defaultAuthAlertTemplate } from "../../src/core/collection-auth-templates.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RelationField } from "../../src/core/field-relation.ts";
import { TextField } from "../../src/core/field-text.ts";
import { crc32Checksum } from "../../src/core/fields-list.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

/** PocketBase v0.39's system migrations, as a directory it made records them (the settings tests' fixture). */
const pocketbaseNames = [
  ...readFileSync(join(import.meta.dir, "../settings/fixtures/pocketbase-data.sql"), "utf8").matchAll(
    /^INSERT INTO _migrations VALUES\('([^']+)'/gm,
  ),
].map((m) => m[1] ?? "");

/** The login alert body PocketBase's defaults had before v0.33. */
const previousAlertBody =
  "<p>Hello,</p>\n<p>We noticed a login to your {APP_NAME} account from a new location.</p>\n<p>If this was you, you may disregard this email.</p>\n<p><strong>If this wasn't you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong></p>\n<p>\n  Thanks,<br/>\n  {APP_NAME} team\n</p>";

let dirs: string[] = [];
let apps: (BaseApp & App)[] = [];
afterEach(async () => {
  for (const app of apps) if (app.isBootstrapped()) await app.terminate();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  dirs = [];
  apps = [];
});

async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-migrations-"));
  dirs.push(dir);
  return dir;
}

async function open(dir: string): Promise<BaseApp & App> {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  apps.push(app);
  await app.bootstrap();
  return app;
}

/** withDb changes a closed data directory's data.db directly, as another program (or an older version) would. */
function withDb<T>(dir: string, fn: (db: Database) => T): T {
  const db = new Database(join(dir, "data.db"));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const migrationFiles = (dir: string) =>
  withDb(dir, (db) => db.query<{ file: string }, []>("SELECT file FROM _migrations ORDER BY file").all()).map(
    (r) => r.file,
  );

const tableIndexes = (dir: string, table: string) =>
  withDb(dir, (db) =>
    db
      .query<{ name: string }, [string]>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
      )
      .all(table),
  ).map((r) => r.name);

/** editCollection rewrites a stored collection's JSON columns. */
function editCollection(dir: string, name: string, edit: (row: Record<string, unknown>) => void): void {
  withDb(dir, (db) => {
    const row = db.query<Record<string, string>, [string]>("SELECT * FROM _collections WHERE name = ?").get(name);
    if (!row) throw new Error(`no ${name}`);
    const parsed: Record<string, unknown> = {
      ...row,
      fields: JSON.parse(row.fields ?? "[]"),
      indexes: JSON.parse(row.indexes ?? "[]"),
      options: JSON.parse(row.options ?? "{}"),
    };
    edit(parsed);
    db.query("UPDATE _collections SET id = ?, fields = ?, indexes = ?, options = ?, deleteRule = ? WHERE name = ?").run(
      String(parsed.id),
      JSON.stringify(parsed.fields),
      JSON.stringify(parsed.indexes),
      JSON.stringify(parsed.options),
      (parsed.deleteRule as string | null) ?? null,
      name,
    );
  });
}

test("a new data directory records every system migration name of PocketBase v0.39", async () => {
  expect(pocketbaseNames).toHaveLength(8);
  expect(pocketbaseNames).toContain("1763020353_update_default_auth_alert_templates.go");
  expect(pocketbaseNames).toContain("1778828400_normalize_indexes.go");
  const dir = await newDir();
  await (await open(dir)).terminate();
  expect(migrationFiles(dir)).toEqual([...pocketbaseNames].sort());
  // opened again, nothing runs
  const applied = withDb(dir, (db) => db.query("SELECT * FROM _migrations ORDER BY file").all());
  await (await open(dir)).terminate();
  expect(withDb(dir, (db) => db.query("SELECT * FROM _migrations ORDER BY file").all())).toEqual(applied);
});

test("a new data directory is in the state PocketBase's upgrade migrations leave", async () => {
  const app = await open(await newDir());
  expect(await app.db.get("SELECT 1 AS x FROM sqlite_master WHERE name = 'idx__collections_type'")).toBeTruthy();
  for (const name of ["_mfas", "_otps", "_externalAuths", "_authOrigins", "_superusers"]) {
    const c = app.findCachedCollectionByNameOrId(name);
    expect(c?.id).toBe(c?.idChecksum());
    for (const f of c?.fields ?? []) if (f.system) expect(f.id).toBe(f.type + crc32Checksum(f.name));
  }
  expect(app.findCachedCollectionByNameOrId("_mfas")?.deleteRule).toBeNull();
  expect(app.findCachedCollectionByNameOrId("_otps")?.deleteRule).toBeNull();
  expect(app.findCachedCollectionByNameOrId("_otps")?.fields.byName("sentTo")).toBeTruthy();
  for (const c of app.findAllCollections("auth")) {
    expect(c.auth.authAlert.emailTemplate.body).toBe(defaultAuthAlertTemplate.body);
  }
  // every index of a collection's table is listed in the collection
  for (const c of app.findAllCollections("base", "auth")) {
    const stmt = app.db.dialect.tableIndexesSql(c.name);
    const names = (await app.db.all<{ name: string }>(stmt.text, stmt.params)).map((r) => r.name).sort();
    expect(names).toEqual(c.indexes.map((raw) => /`([^`]+)`/.exec(raw)?.[1] ?? "").sort());
  }
});

test("a directory from PocketBase v0.23 to v0.32 gets the current default login alert", async () => {
  const dir = await newDir();
  const app = await open(dir);
  const members = Collection.create("auth", "members");
  members.auth.authAlert.emailTemplate.body = "<p>our own alert</p>";
  await app.saveCollection(members);
  await app.terminate();
  withDb(dir, (db) =>
    db.run("DELETE FROM _migrations WHERE file IN ('1763020353_update_default_auth_alert_templates.go')"),
  );
  for (const name of ["users", "_superusers"]) {
    editCollection(dir, name, (row) => {
      (row.options as { authAlert: { emailTemplate: { body: string } } }).authAlert.emailTemplate.body =
        previousAlertBody;
    });
  }

  const reopened = await open(dir);
  expect(migrationFiles(dir)).toEqual([...pocketbaseNames].sort());
  for (const name of ["users", "_superusers"]) {
    const c = reopened.findCachedCollectionByNameOrId(name);
    expect(c?.auth.authAlert.emailTemplate.body).toBe(defaultAuthAlertTemplate.body);
  }
  // an edited template is the user's: left alone
  expect(reopened.findCachedCollectionByNameOrId("members")?.auth.authAlert.emailTemplate.body).toBe(
    "<p>our own alert</p>",
  );
});

test("a directory from before PocketBase v0.38.1 gets its indexes listed in its collections", async () => {
  const dir = await newDir();
  const app = await open(dir);
  const posts = Collection.create("base", "posts");
  posts.fields.add(new TextField({ name: "title" }));
  posts.fields.add(new TextField({ name: "slug" }));
  posts.indexes.push("CREATE INDEX `idx_title` ON `posts` (`title`)");
  await app.saveCollection(posts);
  await app.terminate();

  withDb(dir, (db) => {
    db.run("DELETE FROM _migrations WHERE file = '1778828400_normalize_indexes.go'");
    // made outside the app: listed afterwards
    db.run("CREATE UNIQUE INDEX idx_slug ON posts (slug)");
    // the listed index again under another name: dropped, not listed twice
    db.run("CREATE INDEX idx_title_copy ON posts (title)");
    // a second unique email index of an auth collection: dropped
    db.run("CREATE UNIQUE INDEX idx_users_email_copy ON users (email)");
  });
  // the list points at an old table name (the PocketBase bug the migration repairs)
  editCollection(dir, "posts", (row) => {
    row.indexes = ["CREATE INDEX `idx_title` ON `old_posts` (`title`)"];
  });

  const reopened = await open(dir);
  expect(migrationFiles(dir)).toEqual([...pocketbaseNames].sort());
  expect(reopened.findCachedCollectionByNameOrId("posts")?.indexes).toEqual([
    "CREATE INDEX `idx_title` ON `posts` (`title`)",
    "CREATE UNIQUE INDEX `idx_slug` ON `posts` (`slug`)",
  ]);
  expect(tableIndexes(dir, "posts")).toEqual(["idx_slug", "idx_title"]);
  expect(tableIndexes(dir, "users")).toEqual(["idx_email__pb_users_auth_", "idx_tokenKey__pb_users_auth_"]);
  // the index listed from the table is a real one: a duplicate slug is refused
  const record = async (slug: string) => {
    const { RecordModel } = await import("../../src/core/record-model.ts");
    const r = new RecordModel(reopened.findCachedCollectionByNameOrId("posts") as Collection);
    r.set("slug", slug);
    await reopened.save(r);
  };
  await record("a");
  await expect(record("a")).rejects.toThrow();
});

test("a directory from a PocketBase v0.23 release candidate gets the system ids, otp sentTo and locked deletes", async () => {
  const dir = await newDir();
  const app = await open(dir);
  const notes = Collection.create("base", "notes");
  notes.fields.add(new RelationField({ name: "author", collectionId: "pbc_3142635823", maxSelect: 1 }));
  await app.saveCollection(notes);
  await app.terminate();

  withDb(dir, (db) => {
    db.run(
      "DELETE FROM _migrations WHERE file IN ('1717233557_v0.23_migrate2.go', '1717233558_v0.23_migrate3.go', '1717233559_v0.23_migrate4.go')",
    );
    db.run("DROP INDEX idx__collections_type");
    db.run("ALTER TABLE _otps DROP COLUMN sentTo");
    db.run(
      "INSERT INTO _authOrigins (id, collectionRef, recordRef, fingerprint, created, updated) VALUES ('origin000000001', 'r0ldsuperusers', 'rec', 'fp', '', '')",
    );
  });
  editCollection(dir, "_otps", (row) => {
    row.fields = (row.fields as { name: string }[]).filter((f) => f.name !== "sentTo");
    row.deleteRule = "";
  });
  editCollection(dir, "_superusers", (row) => {
    row.id = "r0ldsuperusers";
    for (const f of row.fields as { name: string; id: string }[]) if (f.name === "email") f.id = "oldemailid";
  });
  editCollection(dir, "notes", (row) => {
    for (const f of row.fields as { name: string; collectionId?: string }[])
      if (f.name === "author") f.collectionId = "r0ldsuperusers";
  });

  const reopened = await open(dir);
  expect(migrationFiles(dir)).toEqual([...pocketbaseNames].sort());
  expect(await reopened.db.get("SELECT 1 AS x FROM sqlite_master WHERE name = 'idx__collections_type'")).toBeTruthy();
  const otps = reopened.findCachedCollectionByNameOrId("_otps");
  expect(otps?.deleteRule).toBeNull();
  expect(otps?.fields.byName("sentTo")?.toJSON()).toMatchObject({ system: true, hidden: true, type: "text" });
  // the column is back (the query fails without it)
  expect(await reopened.db.get("SELECT sentTo FROM _otps LIMIT 1")).toBeUndefined();
  const superusers = reopened.findCachedCollectionByNameOrId("_superusers");
  expect(superusers?.id).toBe("pbc_3142635823");
  expect(superusers?.fields.byName("email")?.id).toBe(`email${crc32Checksum("email")}`);
  const author = reopened.findCachedCollectionByNameOrId("notes")?.fields.byName("author");
  expect(author instanceof RelationField && author.collectionId).toBe("pbc_3142635823");
  expect(await reopened.db.get("SELECT collectionRef FROM _authOrigins WHERE id = 'origin000000001'")).toEqual({
    collectionRef: "pbc_3142635823",
  });
});

test("a directory from before PocketBase v0.23 is refused with the way to upgrade it", async () => {
  const dir = await newDir();
  await (await open(dir)).terminate();
  withDb(dir, (db) => {
    db.run("DELETE FROM _migrations WHERE file > '1717233556'");
    db.run("DROP TABLE _authOrigins");
  });
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  apps.push(app);
  await expect(app.bootstrap()).rejects.toThrow("made by PocketBase before v0.23");
  expect(migrationFiles(dir)).toEqual(["1640988000_aux_init.go", "1640988000_init.go"]);
});
