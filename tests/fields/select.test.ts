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
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "single", type: "select", values: ["a", "b", "c"] },
    { name: "multi", type: "select", values: ["a", "b", "c", "d"], maxSelect: 3 },
    { name: "req", type: "select", values: ["a", "b"], required: true },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const base = { req: "a" };

test('a single select holds one string ("" when empty); a multiple one a list ([] when empty)', async () => {
  const empty = await records().create(base);
  expect(empty).toMatchObject({ single: "", multi: [] });
  expect((await records().create({ ...base, single: ["a", "b"] })).single).toBe("b");
  expect((await records().create({ ...base, multi: "a" })).multi).toEqual(["a"]);
  expect((await records().create({ ...base, multi: '["a","c"]' })).multi).toEqual(["a", "c"]);
  expect((await records().create({ ...base, multi: ["a", "a", "", "b"] })).multi).toEqual(["a", "b"]);
  expect((await records().create({ ...base, multi: null, single: null })).multi).toEqual([]);
});

test("unknown values and too many values", async () => {
  await expectFieldError(records().create({ ...base, single: "x" }), "single", "validation_invalid_value", {
    message: "Invalid value x.",
    params: { value: "x" },
  });
  await expectFieldError(records().create({ ...base, multi: ["a", "x"] }), "multi", "validation_invalid_value", {
    params: { value: "x" },
  });
  await expectFieldError(
    records().create({ ...base, multi: ["a", "b", "c", "d"] }),
    "multi",
    "validation_too_many_values",
    {
      message: "Select no more than 3.",
      params: { maxSelect: 3 },
    },
  );
  // the count is checked before the values
  await expectFieldError(
    records().create({ ...base, multi: ["x", "y", "z", "w"] }),
    "multi",
    "validation_too_many_values",
  );
  await expectFieldError(records().create({ ...base, multi: [1, 2] }), "multi", "validation_invalid_value", {
    params: { value: "1" },
  });
  await expectFieldError(records().create({}), "req", "validation_required");
});

test("multipart values", async () => {
  expect(await records().create(form({ single: "b", multi: ["a", "c"], req: "a" }))).toMatchObject({
    single: "b",
    multi: ["a", "c"],
  });
  expect((await records().create(form({ single: ["a", "b"], req: "a" }))).single).toBe("b");
});

test("the +name, name+ and name- modifiers prepend, append and remove", async () => {
  const rec = await records().create({ single: "a", multi: ["a", "b"], req: "a" });
  expect((await records().update(rec.id, { "multi+": "c" })).multi).toEqual(["a", "b", "c"]);
  expect((await records().update(rec.id, { "multi-": ["a", "zz"] })).multi).toEqual(["b", "c"]);
  expect((await records().update(rec.id, { "+multi": ["d"] })).multi).toEqual(["d", "b", "c"]);
  expect((await records().update(rec.id, { "multi+": ["b"] })).multi).toEqual(["d", "b", "c"]);
  await expectFieldError(records().update(rec.id, { "multi+": "a" }), "multi", "validation_too_many_values");
  expect((await records().update(rec.id, { multi: ["a"], "multi+": "b" })).multi).toEqual(["a", "b"]);
  expect((await records().update(rec.id, form({ "multi+": ["c"] }))).multi).toEqual(["a", "b", "c"]);
  expect((await records().update(rec.id, { "single+": "b" })).single).toBe("b");
  expect((await records().update(rec.id, { "single-": "b" })).single).toBe("");
  await expectFieldError(records().update(rec.id, { "req-": "a" }), "req", "validation_required");
});

test("settings: values are required and maxSelect can't exceed them", async () => {
  await expectSettingsError(t.pb, { name: "a", type: "select" }, "values", "validation_required");
  await expectSettingsError(t.pb, { name: "a", type: "select", values: [] }, "values", "validation_required");
  await expectSettingsError(
    t.pb,
    { name: "a", type: "select", values: ["a", "b"], maxSelect: 3 },
    "maxSelect",
    "validation_max_less_equal_than_required",
    {
      params: { threshold: 2 },
    },
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "select", values: ["a"], maxSelect: -1 },
    "maxSelect",
    "validation_min_greater_equal_than_required",
  );
});
