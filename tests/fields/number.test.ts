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
    { name: "n", type: "number", min: -5, max: 10 },
    { name: "i", type: "number", onlyInt: true },
    { name: "r", type: "number", required: true },
    { name: "u", type: "number" },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);

test("numbers are stored as numbers; other types are coerced as Go's cast.ToFloat64", async () => {
  const cases: [unknown, number][] = [
    [3.5, 3.5],
    ["7", 7],
    ["1_000", 1000],
    ["0x1p4", 16],
    ["1e3", 1000],
    [".5", 0.5],
    ["abc", 0],
    [" 7", 0],
    ["0x10", 0],
    ["1e400", 0],
    [true, 1],
    [[1], 0],
    [{ a: 1 }, 0],
    [null, 0],
  ];
  for (const [given, stored] of cases)
    expect([given, (await records().create({ r: 1, u: given })).u]).toEqual([given, stored]);
  expect((await records().create({ r: 1, u: 1e300 })).u).toBe(1e300);
});

test("min, max and onlyInt", async () => {
  await expectFieldError(records().create({ r: 1, n: -6 }), "n", "validation_min_number_constraint", {
    message: "Must be greater or equal than -5.",
    params: { min: -5 },
  });
  await expectFieldError(records().create({ r: 1, n: 10.5 }), "n", "validation_max_number_constraint", {
    message: "Must be less or equal than 10.",
    params: { max: 10 },
  });
  await expectFieldError(records().create({ r: 1, i: 2.5 }), "i", "validation_only_int_constraint", {
    message: "Decimal numbers are not allowed.",
  });
  expect((await records().create({ r: 1, n: 10, i: 3 })).n).toBe(10);
});

test("required means non-zero", async () => {
  await expectFieldError(records().create({}), "r", "validation_required");
  await expectFieldError(records().create({ r: 0 }), "r", "validation_required");
  await expectFieldError(records().create({ r: "x" }), "r", "validation_required");
});

test("multipart values are parsed as numbers", async () => {
  const rec = await records().create(form({ n: "4", i: "3", r: "1.5", u: "1.50" }));
  expect(rec).toMatchObject({ n: 4, i: 3, r: 1.5, u: 1.5 });
  await expectFieldError(records().create(form({ r: "x" })), "r", "validation_required");
});

test("the n+ and n- modifiers add to and subtract from the stored value", async () => {
  const rec = await records().create({ n: 1, i: 1, r: 1, u: 2 });
  expect(await records().update(rec.id, { "n+": 2, "u-": 5 })).toMatchObject({ n: 3, u: -3 });
  expect(await records().update(rec.id, { "n+": "2", "u+": "x" })).toMatchObject({ n: 5, u: -3 });
  await expectFieldError(records().update(rec.id, { "n+": 100 }), "n", "validation_max_number_constraint");
  // the plain key is applied first, then the modifier
  expect(await records().update(rec.id, { n: 1, "n+": 2 })).toMatchObject({ n: 3 });
  expect(await records().update(rec.id, form({ "n-": "3" }))).toMatchObject({ n: 0 });
  await expectFieldError(records().update(rec.id, { "i+": 0.5 }), "i", "validation_only_int_constraint");
  // "+n" is no modifier for numbers: the key is ignored
  expect(await records().update(rec.id, { "+n": 2 })).toMatchObject({ n: 0 });
});

test("settings: onlyInt bounds must be integers and max may not be below min", async () => {
  await expectSettingsError(
    t.pb,
    { name: "a", type: "number", min: 5, max: 2 },
    "max",
    "validation_min_number_constraint",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "number", onlyInt: true, min: 1.5 },
    "min",
    "validation_only_int_constraint",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "number", onlyInt: true, max: 2.5 },
    "max",
    "validation_only_int_constraint",
  );
  const c = await t.pb.collections.getOne(
    await createCollection(t.pb, [{ name: "a", type: "number", min: null, max: 3 }]),
  );
  expect(c.fields[1]).toMatchObject({ min: null, max: 3, onlyInt: false, required: false });
});
