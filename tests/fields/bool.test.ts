import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCollection, expectFieldError, type FieldsServer, form, startServer } from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "b", type: "bool" },
    { name: "rb", type: "bool", required: true },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);

test("true, Go's ParseBool spellings of true and non-zero numbers are true; anything else is false", async () => {
  const cases: [unknown, boolean][] = [
    [true, true],
    ["true", true],
    ["1", true],
    ["T", true],
    ["TRUE", true],
    ["True", true],
    [2, true],
    [-0.5, true],
    [false, false],
    ["yes", false],
    ["on", false],
    ["tRUE", false],
    [" true", false],
    [0, false],
    [[true], false],
    [{}, false],
    [null, false],
  ];
  for (const [given, stored] of cases)
    expect([given, (await records().create({ rb: true, b: given })).b]).toEqual([given, stored]);
});

test("a required bool must be true", async () => {
  await expectFieldError(records().create({}), "rb", "validation_required");
  await expectFieldError(records().create({ rb: false }), "rb", "validation_required");
  expect((await records().create({ rb: "true" })).rb).toBe(true);
});

test("multipart values", async () => {
  expect(await records().create(form({ b: "true", rb: "1" }))).toMatchObject({ b: true, rb: true });
  expect(await records().create(form({ b: "on", rb: "T" }))).toMatchObject({ b: false, rb: true });
  await expectFieldError(records().create(form({ rb: "false" })), "rb", "validation_required");
});
