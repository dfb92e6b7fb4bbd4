import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCollection, expectFieldError, expectSettingsError, type FieldsServer, startServer } from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "p", type: "password", min: 3, max: 8, pattern: "^[a-z0-9]+$", cost: 4 },
    { name: "rp", type: "password", required: true, cost: 4 },
    { name: "note", type: "text" },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const base = { rp: "x" };

test("passwords are never returned", async () => {
  const rec = await records().create({ ...base, p: "abc1" });
  expect(rec.p).toBe("");
  expect(rec.rp).toBe("");
  expect((await records().getOne(rec.id)).p).toBe("");
});

test("length, pattern and required", async () => {
  await expectFieldError(records().create({ ...base, p: "ab" }), "p", "validation_min_text_constraint", {
    message: "Must be at least 3 character(s).",
  });
  // PocketBase words the limit as "less than" although the limit itself is allowed
  await expectFieldError(records().create({ ...base, p: "abcdefghi" }), "p", "validation_max_text_constraint", {
    message: "Must be less than 8 character(s).",
  });
  expect((await records().create({ ...base, p: "abcdefgh" })).id).toMatch(/^[a-z0-9]{15}$/);
  await expectFieldError(records().create({ ...base, p: "ABCD" }), "p", "validation_invalid_format");
  await expectFieldError(records().create({ ...base, p: "ééé" }), "p", "validation_invalid_format");
  await expectFieldError(records().create({}), "rp", "validation_required");
  await expectFieldError(records().create({ rp: "" }), "rp", "validation_required");
  // bcrypt reads at most 71 characters
  await expectFieldError(records().create({ rp: "x".repeat(72) }), "rp", "validation_max_text_constraint");
  expect((await records().create({ rp: "x".repeat(71) })).id).toMatch(/^[a-z0-9]{15}$/);
  expect((await records().create({ ...base, p: 12345 })).id).toMatch(/^[a-z0-9]{15}$/);
  // 40 two-byte characters are within 71 characters but beyond bcrypt's 72 bytes
  await expectFieldError(records().create({ rp: "é".repeat(40) }), "rp", "validation_invalid_value", {
    message: "Invalid value.",
  });
  expect((await records().create({ rp: "é".repeat(36) })).id).toMatch(/^[a-z0-9]{15}$/);
});

test("a stored password stays when the update doesn't send one; an empty one is refused when required", async () => {
  const rec = await records().create({ ...base, p: "abc1" });
  expect((await records().update(rec.id, { note: "a" })).note).toBe("a");
  await expectFieldError(records().update(rec.id, { rp: "" }), "rp", "validation_required");
});

test("settings: min/max within bcrypt's limit, cost within 4..31, a Go pattern", async () => {
  await expectSettingsError(
    t.pb,
    { name: "a", type: "password", max: 72 },
    "max",
    "validation_max_less_equal_than_required",
    {
      params: { threshold: 71 },
    },
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "password", min: 10, max: 5 },
    "max",
    "validation_min_greater_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "password", cost: 3 },
    "cost",
    "validation_min_greater_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "password", cost: 32 },
    "cost",
    "validation_max_less_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "password", pattern: "[" },
    "pattern",
    "validation_invalid_regex",
    {
      message: "Error parsing regexp: missing closing ]: `[`.",
    },
  );
  const c = await t.pb.collections.getOne(
    await createCollection(t.pb, [{ name: "a", type: "password", pattern: "(?i)^abc\\z", cost: 4 }]),
  );
  expect(c.fields[1]).toMatchObject({ pattern: "(?i)^abc\\z", cost: 4, min: 0, max: 0 });
});
