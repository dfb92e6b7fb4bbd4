import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, superuserEmail, type TestApp } from "../helpers/test-app.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

// A PostgreSQL server is often set up for a language, its databases ordering text as that language does
// ("a" before "B"). SQLite, and so PocketBase, orders text byte by byte ("B" before "a"). Satchel's tables on
// PostgreSQL order their texts byte by byte whatever the database's collation, so that answers agree.

const reason = postgresUnavailable();
const words = ["a", "B", "_z", "Ä", "b", "Beta", "alpha", "10", "9"];

/** seed makes a collection of words and two collections whose names differ in case, through the app. */
async function seed(app: App): Promise<void> {
  const c = Collection.create("base", "words");
  c.applyJSON({ listRule: "", fields: [{ name: "w", type: "text" }] });
  await app.saveCollection(c);
  const saved = app.findCachedCollectionByNameOrId("words") as Collection;
  for (const w of words) {
    const r = new RecordModel(saved);
    r.set("w", w);
    await app.save(r);
  }
  for (const name of ["Zeta", "eta"]) await app.saveCollection(Collection.create("base", name));
  const su = new RecordModel(app.findCachedCollectionByNameOrId("_superusers") as Collection);
  su.load({ email: superuserEmail });
  su.set("password", "1234567890");
  await app.save(su);
}

/** The answers compared between the engines: each a list of texts in the order the API gave them. */
async function answers(app: App): Promise<Record<string, string[]>> {
  const list = async (query: string) => {
    const res = await send(app, { url: `/api/collections/words/records?perPage=100&${query}` });
    expect(res.status).toBe(200);
    return (res.json as { items: { w: string }[] }).items.map((i) => i.w);
  };
  const collections = await send(app, { url: "/api/collections?perPage=100&sort=-name", auth: "superuser" });
  expect(collections.status).toBe(200);
  return {
    ascending: await list("sort=w"),
    descending: await list("sort=-w"),
    above: await list(`sort=w&filter=${encodeURIComponent('w > "Z"')}`),
    below: await list(`sort=w&filter=${encodeURIComponent('w <= "a"')}`),
    collections: (collections.json as { items: { name: string }[] }).items
      .map((c) => c.name)
      .filter((n) => ["Zeta", "eta", "words"].includes(n)),
  };
}

if (reason) {
  skipNote("tests/db/postgres-collation.test.ts", reason);
  describe.skip(`texts on a PostgreSQL database with a language's collation (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("texts on a PostgreSQL database with a language's collation", () => {
    let db: TestDatabase;
    let dir: string;
    let app: BaseApp;
    let sqlite: TestApp;

    beforeAll(async () => {
      db = await createTestDatabase({ icuLocale: "en-US" });
      dir = await mkdtemp(join(tmpdir(), "satchel-collation-"));
      app = createApp({ dataDir: dir, openDatabase: databaseOpener({ url: db.url }), migrations: systemMigrations });
      await app.bootstrap();
      await seed(app);
      sqlite = await newTestApp();
      await seed(sqlite.app);
    });
    afterAll(async () => {
      await app?.terminate();
      await sqlite?.cleanup();
      await rm(dir, { recursive: true, force: true });
      db?.dropLater();
    });

    test("the database itself orders as the language does (the premise of this test)", async () => {
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql`SELECT 'a' < 'B' AS lower_first`;
        expect(row?.lower_first).toBe(true);
      } finally {
        await sql.end();
      }
    });

    test("sorts, ranges and the collections' names order byte by byte, as on SQLite", async () => {
      const got = await answers(app);
      expect(got.ascending).toEqual(["10", "9", "B", "Beta", "_z", "a", "alpha", "b", "Ä"]);
      expect(got.descending).toEqual([...(got.ascending ?? [])].reverse());
      expect(got.above).toEqual(["_z", "a", "alpha", "b", "Ä"]);
      expect(got.below).toEqual(["10", "9", "B", "Beta", "_z", "a"]);
      expect(got.collections).toEqual(["words", "eta", "Zeta"]);
      expect(got).toEqual(await answers(sqlite.app));
    });
  });
}
