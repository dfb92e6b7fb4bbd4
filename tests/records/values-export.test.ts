import { afterAll, beforeAll, expect, test } from "bun:test";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { valuesExporter } from "../../src/core/record-row-export.ts";
import { send } from "../helpers/api-scenario.ts";
import { seedRichApp } from "../helpers/rich-app.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

// RecordModel.publicExport() answers the usual export (no field unhidden, no custom data, no expand) with the
// collection's generated exporter (core/record-row-export.ts, valuesExporter): every create's answer, and the
// records path's. It must give the JSON of the loop over the fields, byte for byte, on every field type, on
// base and auth collections, whatever the email's visibility.
let t: TestApp;

beforeAll(async () => {
  t = await newTestApp({ withSuperuser: true });
  await seedRichApp(t.app);
});

afterAll(() => t.cleanup());

/** allRecords loads every record of a collection (their ids from a superuser's list). */
async function allRecords(c: Collection): Promise<RecordModel[]> {
  const list = await send(t.app, { url: `/api/collections/${c.name}/records?perPage=500`, auth: "superuser" });
  const ids = (list.json as { items: { id: string }[] }).items.map((r) => r.id);
  return t.app.findRecordsByIds(c, ids);
}

/** byLoop is the record's export through the loop: the same record, asked to export its (absent) custom data. */
function byLoop(record: RecordModel): string {
  const copy = record.clone();
  copy.ignoreEmailVisibility = record.ignoreEmailVisibility;
  copy.exportCustomData = true;
  return JSON.stringify(copy.publicExport());
}

test("the generated export is the loop's, for every stored record of every collection, emails shown or not", async () => {
  let compared = 0;
  let emails = 0;
  for (const c of t.app.findAllCollections()) {
    if (c.type === "view") continue;
    expect(valuesExporter(c)).not.toBeNull();
    for (const record of await allRecords(c)) {
      for (const ignore of [false, true]) {
        record.ignoreEmailVisibility = ignore;
        const generated = JSON.stringify(record.publicExport());
        expect(generated).toBe(byLoop(record));
        if (generated.includes('"email":')) emails++;
        compared++;
      }
    }
  }
  // the rich app's authors, posts, comments, users and superusers, with and without their emails
  expect(compared).toBeGreaterThan(20);
  expect(emails).toBeGreaterThan(3);
});

test("new records, changed values and auth records with each email visibility export the same both ways", async () => {
  const authors = await t.app.findCollectionByNameOrId("authors");
  const posts = await t.app.findCollectionByNameOrId("posts");
  const fresh = [new RecordModel(authors), new RecordModel(posts)];
  const changed = new RecordModel(authors);
  changed.load({ email: "x@example.com", emailVisibility: "true", name: 12, meta: "text", home: '{"lon": 1}' });
  const hidden = new RecordModel(authors);
  hidden.load({ email: "y@example.com", emailVisibility: false, tags: "b" });
  for (const record of [...fresh, changed, hidden]) {
    for (const ignore of [false, true]) {
      record.ignoreEmailVisibility = ignore;
      expect(JSON.stringify(record.publicExport())).toBe(byLoop(record));
    }
  }
  changed.ignoreEmailVisibility = false;
  hidden.ignoreEmailVisibility = false;
  expect(changed.publicExport().email).toBe("x@example.com");
  expect(hidden.publicExport().email).toBeUndefined();
});

test("a collection with a field named __proto__ keeps the loop", () => {
  const c = Collection.create("base", "protos");
  c.applyJSON({ fields: [{ name: "__proto__", type: "text" }] });
  expect(valuesExporter(c)).toBeNull();
  expect(valuesExporter(Collection.create("base", "plain"))).not.toBeNull();
});

test("a create answers what a view of the created record answers", async () => {
  const notes = Collection.create("base", "notes");
  const open = { listRule: "", viewRule: "", createRule: "" };
  notes.applyJSON({
    ...open,
    fields: [
      { name: "title", type: "text" },
      { name: "score", type: "number" },
      { name: "done", type: "bool" },
      { name: "extra", type: "json" },
      { name: "when", type: "date" },
      { name: "tags", type: "select", values: ["a", "b"], maxSelect: 2 },
      { name: "place", type: "geoPoint" },
      { name: "secret", type: "text", hidden: true },
      { name: "created", type: "autodate", onCreate: true },
    ],
  });
  await t.app.saveCollection(notes);
  const members = Collection.create("auth", "members");
  members.applyJSON({ ...open, fields: [{ name: "name", type: "text" }] });
  await t.app.saveCollection(members);
  const note = {
    title: "answered",
    score: 2.5,
    done: true,
    extra: { a: [1] },
    when: "2024-01-02",
    tags: "b",
    secret: "s",
  };
  const member = { email: "new@example.com", password: "1234567890", passwordConfirm: "1234567890", name: "M" };
  for (const [auth, collection, body] of [
    [undefined, "notes", note],
    ["superuser", "notes", note],
    [undefined, "members", member],
    [undefined, "members", { ...member, email: "shown@example.com", emailVisibility: true }],
    ["superuser", "members", { ...member, email: "other@example.com" }],
  ] as const) {
    const created = await send(t.app, {
      method: "POST",
      url: `/api/collections/${collection}/records`,
      body,
      ...(auth ? { auth } : {}),
    });
    expect(created.status).toBe(200);
    const id = (created.json as { id: string }).id;
    const viewed = await send(t.app, {
      url: `/api/collections/${collection}/records/${id}`,
      ...(auth ? { auth } : {}),
    });
    expect(created.text).toBe(viewed.text);
  }
});
