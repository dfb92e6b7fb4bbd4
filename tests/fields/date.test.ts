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
    { name: "d", type: "date", min: "2020-01-01 00:00:00.000Z", max: "2030-01-01" },
    { name: "u", type: "date" },
    { name: "r", type: "date", required: true },
    { name: "created", type: "autodate", onCreate: true },
    { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    { name: "touched", type: "autodate", onUpdate: true },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const base = { r: "2024-01-01" };
const dateFormat = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test("dates are read in PocketBase's layouts and returned as 2006-01-02 15:04:05.000Z", async () => {
  const cases: [unknown, string][] = [
    ["2024-05-06 07:08:09.123Z", "2024-05-06 07:08:09.123Z"],
    ["2024-05-06T07:08:09Z", "2024-05-06 07:08:09.000Z"],
    ["2024-05-06T07:08:09.123456789Z", "2024-05-06 07:08:09.123Z"],
    ["2024-05-06", "2024-05-06 00:00:00.000Z"],
    ["2024-05-06T07:08:09+02:00", "2024-05-06 05:08:09.000Z"],
    ["2024-05-06 07:08:09 +0200", "2024-05-06 05:08:09.000Z"],
    ["Mon, 06 May 2024 07:08:09 -0700", "2024-05-06 14:08:09.000Z"],
    ["Monday, 02-Jan-06 15:04:05 MST", "2006-01-02 15:04:05.000Z"],
    ["2024-05-06   07:08:09", "2024-05-06 07:08:09.000Z"],
    ["2024-05-06T7:08:09Z", "2024-05-06 07:08:09.000Z"],
  ];
  for (const [given, stored] of cases)
    expect([given, (await records().create({ ...base, u: given })).u]).toEqual([given, stored]);
});

test("what PocketBase can't read is an empty date, not an error", async () => {
  const unreadable: unknown[] = [
    "nope",
    "2024-13-01",
    "2024-02-30",
    "2024-5-6",
    "  2024-05-06  ",
    "Jan 2, 2006",
    "2024-05-06t07:08:09Z",
    "2024-05-06 24:00:00",
    "0001-01-01 00:00:00.000Z",
    1715000000,
    "1715000000",
    true,
    [],
  ];
  for (const given of unreadable)
    expect([given, (await records().create({ ...base, u: given })).u]).toEqual([given, ""]);
  expect((await records().create(form({ ...base, u: "1715000000" }))).u).toBe("");
});

test("min, max and required", async () => {
  await expectFieldError(
    records().create({ ...base, d: "2019-12-31 23:59:59.999Z" }),
    "d",
    "validation_min_greater_equal_than_required",
    {
      message: "Must be no less than 2020-01-01 00:00:00 +0000 UTC.",
      params: { threshold: "2020-01-01T00:00:00Z" },
    },
  );
  await expectFieldError(
    records().create({ ...base, d: "2030-01-01 00:00:00.001Z" }),
    "d",
    "validation_max_less_equal_than_required",
    {
      message: "Must be no greater than 2030-01-01 00:00:00 +0000 UTC.",
      params: { threshold: "2030-01-01T00:00:00Z" },
    },
  );
  expect((await records().create({ ...base, d: "2030-01-01 00:00:00.000Z" })).d).toBe("2030-01-01 00:00:00.000Z");
  await expectFieldError(records().create({}), "r", "validation_required");
  await expectFieldError(records().create({ r: "nope" }), "r", "validation_required");
});

test("autodate fields are set by the server and can't be set by clients", async () => {
  const rec = await records().create({ ...base, created: "2001-01-01 00:00:00.000Z", touched: "2001-01-01" });
  expect(rec.created).toMatch(dateFormat);
  expect(rec.created).not.toBe("2001-01-01 00:00:00.000Z");
  expect(rec.updated).toBe(rec.created);
  expect(rec.touched).toBe("");
  await Bun.sleep(5);
  const updated = await records().update(rec.id, { created: "2001-01-01 00:00:00.000Z", u: "2024-01-01" });
  expect(updated.created).toBe(rec.created);
  expect(updated.updated > rec.updated).toBe(true);
  expect(updated.touched).toBe(updated.updated);
});

test("every autodate field of one save holds the same time, even when the clock's millisecond turns between them", async () => {
  const realNow = Date.now;
  let tick = realNow();
  // a clock that moves a millisecond each time it is read
  Date.now = () => ++tick;
  try {
    const rec = await records().create(base);
    expect(rec.updated).toBe(rec.created);
    const updated = await records().update(rec.id, { u: "2024-01-01" });
    expect(updated.updated > rec.updated).toBe(true);
    expect(updated.touched).toBe(updated.updated);
    expect(updated.created).toBe(rec.created);
  } finally {
    Date.now = realNow;
  }
});

test("settings: min and max are dates (a max before the min is accepted), autodate needs a flag", async () => {
  const c = await t.pb.collections.getOne(
    await createCollection(t.pb, [{ name: "a", type: "date", min: "2030-01-01", max: "nope" }]),
  );
  expect(c.fields[1]).toMatchObject({ min: "2030-01-01 00:00:00.000Z", max: "" });
  const swapped = await t.pb.collections.getOne(
    await createCollection(t.pb, [{ name: "a", type: "date", min: "2030-01-01", max: "2020-01-01" }]),
  );
  expect(swapped.fields[1]).toMatchObject({ min: "2030-01-01 00:00:00.000Z", max: "2020-01-01 00:00:00.000Z" });
  await expectSettingsError(t.pb, { name: "a", type: "autodate" }, "onCreate", "validation_required", {
    message: "Either onCreate or onUpdate must be enabled.",
  });
  await expectSettingsError(t.pb, { name: "a", type: "autodate" }, "onUpdate", "validation_required");
});
