import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCollection, expectFieldError, expectSettingsError, type FieldsServer, startServer } from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "ed", type: "editor", maxSize: 10 },
    { name: "req", type: "editor", required: true },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);

test("editor values are text limited in bytes", async () => {
  expect((await records().create({ req: "<p>x</p>", ed: "<b>hi</b>" })).ed).toBe("<b>hi</b>");
  expect((await records().create({ req: "x", ed: 12345 })).ed).toBe("12345");
  await expectFieldError(records().create({ req: "x", ed: "12345678901" }), "ed", "validation_content_size_limit", {
    message: "The maximum allowed content size is 10 bytes.",
    params: { maxSize: 10 },
  });
  // six two-byte characters are twelve bytes
  await expectFieldError(records().create({ req: "x", ed: "éééééé" }), "ed", "validation_content_size_limit");
  await expectFieldError(records().create({ req: "" }), "req", "validation_required");
});

test("settings: maxSize is a non-negative safe integer", async () => {
  await expectSettingsError(
    t.pb,
    { name: "a", type: "editor", maxSize: -1 },
    "maxSize",
    "validation_min_greater_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "editor", maxSize: 9007199254740992 },
    "maxSize",
    "validation_max_less_equal_than_required",
  );
  const c = await t.pb.collections.getOne(
    await createCollection(t.pb, [{ name: "a", type: "editor", convertURLs: true }]),
  );
  expect(c.fields[1]).toMatchObject({ convertURLs: true, maxSize: 0, required: false });
});
