import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RecordModel as SdkRecord } from "pocketbase";
import type { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// Back-relation expands (`kids_via_parent`): the first 1,000 rows pointing at a record, in row order, then
// the view rule of their collection, as PocketBase takes them.

let t: TestServer;
const ids = { one: "", none: "", many: "", toy: "", tagA: "", tagB: "" };
const lettersOf = { one: [] as string[], many: [] as string[] };
const kidsOf = { one: [] as string[], many: [] as string[] };

beforeAll(async () => {
  t = await startTestServer();
  const parents = await t.pb.collections.create({
    name: "parents",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [{ name: "title", type: "text" }],
  });
  const kids = await t.pb.collections.create({
    name: "kids",
    type: "base",
    listRule: "hidden = false",
    viewRule: "hidden = false",
    fields: [
      { name: "name", type: "text" },
      { name: "hidden", type: "bool" },
      { name: "parent", type: "relation", collectionId: parents.id, maxSelect: 1 },
    ],
  });
  await t.pb.collections.create({
    name: "toys",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text" },
      { name: "kid", type: "relation", collectionId: kids.id, maxSelect: 1 },
    ],
  });
  await t.pb.collections.create({
    name: "tags",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text" },
      { name: "parents", type: "relation", collectionId: parents.id, maxSelect: 5 },
    ],
  });
  // a view rule that reads the record the rows point at: settled once per record
  await t.pb.collections.create({
    name: "letters",
    type: "base",
    listRule: "parent.title = 'many' && sealed = false",
    viewRule: "parent.title = 'many' && sealed = false",
    fields: [
      { name: "sealed", type: "bool" },
      { name: "parent", type: "relation", collectionId: parents.id, maxSelect: 1 },
    ],
  });
  const save = async (name: string, data: Record<string, unknown>): Promise<string> => {
    const r = new RecordModel(t.app.findCachedCollectionByNameOrId(name) as Collection);
    r.load(data);
    await t.app.save(r);
    return r.id;
  };
  for (const p of ["one", "none", "many"] as const) ids[p] = await save("parents", { title: p });
  kidsOf.one = [
    await save("kids", { name: "a", parent: ids.one }),
    await save("kids", { name: "b", parent: ids.one, hidden: true }),
    await save("kids", { name: "c", parent: ids.one }),
  ];
  ids.toy = await save("toys", { name: "ball", kid: kidsOf.one[2] });
  // 1,005 kids, the first five hidden: the rule applies to the first 1,000, so 995 show
  kidsOf.many = [];
  await t.app.runInTransaction(async (tx) => {
    for (let i = 0; i < 1005; i++) {
      const r = new RecordModel(tx.findCachedCollectionByNameOrId("kids") as Collection);
      r.load({ name: `k${i}`, parent: ids.many, hidden: i < 5 });
      await tx.save(r);
      kidsOf.many.push(r.id);
    }
  });
  for (const p of ["one", "many"] as const)
    for (const sealed of [false, true, false]) lettersOf[p].push(await save("letters", { parent: ids[p], sealed }));
  ids.tagA = await save("tags", { name: "A", parents: [ids.one, ids.many] });
  ids.tagB = await save("tags", { name: "B", parents: [ids.many] });
});

afterAll(async () => {
  await t.stop();
});

const expanded = (r: SdkRecord, key: string) => (r.expand?.[key] ?? []) as SdkRecord[];

test("the records pointing at a record come in row order, those the view rule hides left out", async () => {
  const guest = await t.client().collection("parents").getOne(ids.one, { expand: "kids_via_parent" });
  expect(expanded(guest, "kids_via_parent").map((k) => k.id)).toEqual(kidsOf.one.filter((_, i) => i !== 1));
  const su = await t.pb.collection("parents").getOne(ids.one, { expand: "kids_via_parent" });
  expect(expanded(su, "kids_via_parent").map((k) => k.id)).toEqual(kidsOf.one);
});

test("a record nothing points at gets no expand key", async () => {
  const r = await t.client().collection("parents").getOne(ids.none, { expand: "kids_via_parent,tags_via_parents" });
  expect(r.expand ?? {}).toEqual({});
});

test("the first 1,000 rows are taken before the rule applies", async () => {
  const r = await t.client().collection("parents").getOne(ids.many, { expand: "kids_via_parent" });
  expect(expanded(r, "kids_via_parent").map((k) => k.id)).toEqual(kidsOf.many.slice(5, 1000));
  const su = await t.pb.collection("parents").getOne(ids.many, { expand: "kids_via_parent" });
  expect(expanded(su, "kids_via_parent").map((k) => k.id)).toEqual(kidsOf.many.slice(0, 1000));
});

test("a multiple relation's back-relation, nested expands, and a list expanding each record", async () => {
  const list = await t.client().collection("parents").getFullList({
    sort: "title",
    expand: "tags_via_parents,kids_via_parent.toys_via_kid",
  });
  const byTitle = Object.fromEntries(list.map((p) => [p.title, p]));
  expect(expanded(byTitle.many as SdkRecord, "tags_via_parents").map((x) => x.id)).toEqual([ids.tagA, ids.tagB]);
  expect(expanded(byTitle.one as SdkRecord, "tags_via_parents").map((x) => x.id)).toEqual([ids.tagA]);
  const kids = expanded(byTitle.one as SdkRecord, "kids_via_parent");
  expect(kids.map((k) => expanded(k, "toys_via_kid").map((x) => x.id))).toEqual([[], [ids.toy]]);
  expect(expanded(byTitle.many as SdkRecord, "kids_via_parent")).toHaveLength(995);
});

test("a view rule through the relation reads the record the rows point at", async () => {
  const list = await t.client().collection("parents").getFullList({ sort: "title", expand: "letters_via_parent" });
  const byTitle = Object.fromEntries(list.map((p) => [p.title, p]));
  expect(expanded(byTitle.one as SdkRecord, "letters_via_parent")).toEqual([]);
  const many = expanded(byTitle.many as SdkRecord, "letters_via_parent").map((x) => x.id);
  expect(many).toEqual(lettersOf.many.filter((_, i) => i !== 1));
  const su = await t.pb.collection("parents").getOne(ids.one, { expand: "letters_via_parent" });
  expect(expanded(su, "letters_via_parent").map((x) => x.id)).toEqual(lettersOf.one);
});

test("an expand is written as its records' JSON, and what a hook put there as it is", async () => {
  const parent = (await t.app.findRecordById("parents", ids.one)) as RecordModel;
  const kids = await Promise.all(kidsOf.one.map((id) => t.app.findRecordById("kids", id)));
  const first = kids[0] as RecordModel;
  first.expand = { toy: (await t.app.findRecordById("toys", ids.toy)) as RecordModel };
  parent.expand = { kids: kids as RecordModel[], first, note: { text: "from a hook" } as unknown as RecordModel };
  const json = JSON.parse(JSON.stringify(parent));
  expect(json.expand.kids.map((k: { id: string }) => k.id)).toEqual(kidsOf.one);
  expect(json.expand.first).toEqual(JSON.parse(JSON.stringify(first.publicExport())));
  expect(json.expand.first.expand.toy.collectionName).toBe("toys");
  expect(json.expand.note).toEqual({ text: "from a hook" });
});
