import { Database } from "bun:sqlite";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { SqlValue } from "../../src/db/sql.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import {
  author,
  authorCount,
  collectionsJson,
  comment,
  commentCount,
  type IndexSet,
  indexSets,
  post,
  postCount,
  superuserEmail,
  superuserPassword,
  user,
  userCount,
  userPassword,
} from "./schema.ts";

type Row = Record<string, SqlValue>;

/** The storage form of a record's values: bools as 0/1, lists as JSON text, `updated` equal to `created`. */
function storageRow(values: object): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(values)) {
    row[k] = typeof v === "boolean" ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : (v as SqlValue);
  }
  if ("created" in row) row.updated = row.created ?? "";
  return row;
}

/**
 * checkStorageForm saves nothing: it builds a few records through Satchel's model and checks that their
 * storage form is what the bulk insert writes, so the bulk rows are stored exactly as Satchel stores them.
 */
function checkStorageForm(collection: Collection, rows: Row[]): void {
  for (const row of rows) {
    const record = new RecordModel(collection);
    record.load({ ...row });
    const exported = record.dbExport();
    for (const [k, v] of Object.entries(row)) {
      // autodates are set by a save, not by load; timestamp() writes their storage form
      if (k === "created" || k === "updated") continue;
      // a bool field's value is a boolean, which bun:sqlite binds as 1 or 0
      const e = exported[k];
      if ((typeof e === "boolean" ? (e ? 1 : 0) : e) !== v)
        throw new Error(
          `${collection.name}.${k}: the bulk seed writes ${JSON.stringify(v)}, Satchel ${JSON.stringify(e)}`,
        );
    }
  }
}

/** insertAll writes rows in multi-row INSERTs inside one transaction, through Satchel's driver. */
async function insertAll(app: App, table: string, count: number, rowOf: (n: number) => Row): Promise<void> {
  const columns = Object.keys(rowOf(0));
  const perStatement = Math.floor(30_000 / columns.length);
  const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  await app.db.transaction(async (tx) => {
    for (let from = 0; from < count; from += perStatement) {
      const n = Math.min(perStatement, count - from);
      const params: SqlValue[] = [];
      for (let i = from; i < from + n; i++) {
        const row = rowOf(i);
        for (const c of columns) params.push(row[c] ?? null);
      }
      await tx.run(head + Array.from({ length: n }, () => tuple).join(", "), params);
    }
  });
}

/**
 * seedScaleDataDir creates a Satchel data directory with the scale bench's collections (through Satchel's
 * collection save, with the given index set), a superuser, and the records, bulk-inserted through the driver.
 * It ends with ANALYZE (the statistics SQLite's `PRAGMA optimize` gathers, which PocketBase and Satchel both
 * run) and a checkpoint, so the directory can be copied file by file.
 */
export async function seedScaleDataDir(dir: string, indexes: IndexSet): Promise<void> {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  try {
    const saved = new Map<string, Collection>();
    const users = app.findCachedCollectionByNameOrId("users");
    if (!users) throw new Error("the users collection is missing");
    saved.set("users", users);
    for (const spec of collectionsJson) {
      const c = Collection.create("base", spec.name);
      c.applyJSON({
        ...spec,
        fields: spec.fields.map((f) =>
          "collectionId" in f ? { ...f, collectionId: saved.get(f.collectionId)?.id ?? f.collectionId } : f,
        ),
      });
      await app.saveCollection(c);
      saved.set(spec.name, app.findCachedCollectionByNameOrId(spec.name) ?? c);
    }
    await upsertSuperuser(app, superuserEmail, superuserPassword);

    // one user through the save pipeline gives the password hash the others share
    const first = new RecordModel(users);
    first.load({ ...user(0), emailVisibility: false, verified: true });
    first.set("password", userPassword);
    await app.save(first);
    const stored = await app.db.get<Row>("SELECT * FROM users WHERE id = ?", [first.id]);
    if (!stored) throw new Error("the first user was not saved");
    await insertAll(app, "users", userCount - 1, (i) => {
      const u = user(i + 1);
      return {
        ...stored,
        ...u,
        tokenKey: `${u.id}${"k".repeat(35)}`,
        created: stored.created ?? "",
        updated: stored.updated ?? "",
      };
    });

    const rows = {
      authors: (n: number) => storageRow(author(n)),
      posts: (n: number) => storageRow(post(n)),
      comments: (n: number) => storageRow(comment(n)),
    };
    for (const [name, rowOf] of Object.entries(rows)) {
      const collection = saved.get(name) as Collection;
      checkStorageForm(collection, [0, 1, 2, 3, 500_000 % 97].map(rowOf));
    }
    await insertAll(app, "authors", authorCount, rows.authors);
    await insertAll(app, "posts", postCount, rows.posts);
    await insertAll(app, "comments", commentCount, rows.comments);
    // indexes built once over the rows are faster than kept up to date row by row
    for (const spec of collectionsJson) {
      const own = indexSets[indexes].filter((sql) => sql.includes(` ON ${spec.name} (`));
      if (own.length === 0) continue;
      const c = (app.findCachedCollectionByNameOrId(spec.name) as Collection).clone();
      c.indexes = own;
      await app.saveCollection(c);
    }
  } finally {
    await app.terminate();
  }
  const db = new Database(`${dir}/data.db`);
  db.run("ANALYZE");
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const aux = new Database(`${dir}/auxiliary.db`);
  aux.run("PRAGMA wal_checkpoint(TRUNCATE)");
  aux.close();
}
