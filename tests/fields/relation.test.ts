import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createCollection,
  expectFieldError,
  expectSettingsError,
  type FieldsServer,
  form,
  startServer,
} from "./helpers.ts";

let t: FieldsServer;
let targetId: string;
let name: string;
const ids: string[] = [];
beforeAll(async () => {
  t = await startServer();
  const target = await createCollection(t.pb, [{ name: "title", type: "text" }]);
  targetId = (await t.pb.collections.getOne(target)).id;
  for (const title of ["r1", "r2", "r3"]) ids.push((await t.pb.collection(target).create({ title })).id);
  name = await createCollection(t.pb, [
    { name: "one", type: "relation", collectionId: targetId },
    { name: "some", type: "relation", collectionId: targetId, maxSelect: 2, minSelect: 1 },
    { name: "req", type: "relation", collectionId: targetId, required: true },
    { name: "many", type: "relation", collectionId: targetId, maxSelect: 5 },
    { name: "pair", type: "relation", collectionId: targetId, minSelect: 2, maxSelect: 3 },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const id = (i: number) => ids[i] as string;

test('single relations hold an id ("" when empty), multiple ones a list of unique ids', async () => {
  const rec = await records().create({ req: id(0), some: [id(0), id(1)], many: [id(0), id(0), id(1)] });
  expect(rec).toMatchObject({ one: "", some: [id(0), id(1)], req: id(0), many: [id(0), id(1)] });
  expect((await records().create({ req: id(0), one: [id(0), id(1)] })).one).toBe(id(1));
  expect((await records().create(form({ req: id(0), some: [id(1), id(2)] }))).some).toEqual([id(1), id(2)]);
});

test("missing records, too few and too many ids", async () => {
  await expectFieldError(
    records().create({ req: id(0), one: "nonexistent0000" }),
    "one",
    "validation_missing_rel_records",
    {
      message: "Failed to find all relation records with the provided ids.",
    },
  );
  await expectFieldError(
    records().create({ req: id(0), some: [id(0), "zzz"] }),
    "some",
    "validation_missing_rel_records",
  );
  await expectFieldError(
    records().create({ req: id(0), some: [id(0), id(1), id(2)] }),
    "some",
    "validation_too_many_values",
    {
      params: { maxSelect: 2 },
    },
  );
  await expectFieldError(records().create({ req: id(0), pair: [id(0)] }), "pair", "validation_not_enough_values", {
    message: "Select at least 2.",
    params: { minSelect: 2 },
  });
  expect((await records().create({ req: id(0), pair: [] })).pair).toEqual([]);
  await expectFieldError(records().create({}), "req", "validation_required");
  await expectFieldError(records().create({ req: "" }), "req", "validation_required");
});

test("modifiers add and remove ids", async () => {
  const rec = await records().create({ req: id(0), some: [id(0)], many: [id(0), id(1)] });
  expect((await records().update(rec.id, { "some+": id(1) })).some).toEqual([id(0), id(1)]);
  await expectFieldError(records().update(rec.id, { "some+": id(2) }), "some", "validation_too_many_values");
  expect((await records().update(rec.id, { "+many": id(2) })).many).toEqual([id(2), id(0), id(1)]);
  expect((await records().update(rec.id, { "many-": [id(0)] })).many).toEqual([id(2), id(1)]);
});

test("deleting a target removes it from relations and refuses when a required one would be left empty", async () => {
  const rec = await records().create({ req: id(1), many: [id(2), id(1)] });
  await expect(t.pb.collection(targetId).delete(id(1))).rejects.toMatchObject({
    status: 400,
    response: {
      message: "Failed to delete record. Make sure that the record is not part of a required relation reference.",
      data: {},
    },
  });
  const kept = await records().getOne(rec.id);
  expect(kept.req).toBe(id(1));
  await t.pb.collection(targetId).delete(id(2));
  expect((await records().getOne(rec.id)).many).toEqual([id(1)]);
});

test("settings: the related collection must exist, and minSelect/maxSelect make sense", async () => {
  await expectSettingsError(t.pb, { name: "a", type: "relation" }, "collectionId", "validation_required");
  await expectSettingsError(
    t.pb,
    { name: "a", type: "relation", collectionId: "nope" },
    "collectionId",
    "validation_field_relation_missing_collection",
    {
      message: "The relation collection doesn't exist.",
    },
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "relation", collectionId: targetId, minSelect: 3, maxSelect: 2 },
    "maxSelect",
    "validation_min_greater_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "relation", collectionId: targetId, minSelect: 2 },
    "maxSelect",
    "validation_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "relation", collectionId: targetId, minSelect: -1 },
    "minSelect",
    "validation_min_greater_equal_than_required",
  );
});
