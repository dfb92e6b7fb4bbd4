import { Database } from "bun:sqlite";
import postgres from "postgres";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import {
  authorInputs,
  authorsJson,
  listRule,
  openCollection,
  postInputs,
  postsJson,
  ruledCollection,
} from "./schema.ts";

/**
 * seedQueryDataDir creates a Satchel data directory with the query bench's collections. Authors and `posts`
 * are written through Satchel's save pipeline, so values are stored as Satchel stores them; `posts_ruled`
 * gets a copy of the same rows. The WAL is checkpointed so the directory can be copied file by file. With
 * `databaseUrl` the tables are in that PostgreSQL database instead (then `VACUUM ANALYZE`d).
 */
export async function seedQueryDataDir(dir: string, databaseUrl = ""): Promise<void> {
  const app = createApp({
    dataDir: dir,
    openDatabase: databaseOpener({ url: databaseUrl }),
    migrations: systemMigrations,
  });
  await app.bootstrap();
  // the copy names the fields' columns: a PostgreSQL table has its insertion key besides, which it numbers itself
  let columns = "";
  try {
    const authors = Collection.create("base", "authors");
    authors.applyJSON(authorsJson);
    await app.saveCollection(authors);
    for (const [name, rule] of [
      [openCollection, ""],
      [ruledCollection, listRule],
    ] as const) {
      const posts = Collection.create("base", name);
      posts.applyJSON(postsJson(name, rule, authors.id));
      await app.saveCollection(posts);
    }
    const posts = app.findCachedCollectionByNameOrId(openCollection);
    if (!posts) throw new Error("the posts collection was not saved");
    columns = posts.fields.map((f) => `"${f.name}"`).join(", ");
    await app.runInTransaction(async (txApp) => {
      const authorIds: string[] = [];
      for (const input of authorInputs()) {
        const record = new RecordModel(authors);
        record.load({ ...input });
        await txApp.save(record);
        authorIds.push(record.id);
      }
      for (const input of postInputs()) {
        const record = new RecordModel(posts);
        record.load({ ...input, author: authorIds[input.author] });
        await txApp.save(record);
      }
    });
  } finally {
    await app.terminate();
  }
  if (databaseUrl !== "") {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`INSERT INTO ${ruledCollection} (${columns}) SELECT ${columns} FROM ${openCollection}`);
      await sql.unsafe("VACUUM ANALYZE");
    } finally {
      await sql.end();
    }
    return;
  }
  const db = new Database(`${dir}/data.db`);
  db.run(`INSERT INTO ${ruledCollection} (${columns}) SELECT ${columns} FROM ${openCollection}`);
  // the statistics `posts` got from the PRAGMA optimize Satchel runs on close; without them SQLite plans the
  // copy's queries differently
  db.run(`ANALYZE ${ruledCollection}`);
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const aux = new Database(`${dir}/auxiliary.db`);
  aux.run("PRAGMA wal_checkpoint(TRUNCATE)");
  aux.close();
}
