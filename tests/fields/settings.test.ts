import { afterAll, beforeAll, expect, test } from "bun:test";
import { createCollection, type FieldsServer, startServer } from "./helpers.ts";

let t: FieldsServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  await t.stop();
});

const invalidFormatting = {
  status: 400,
  response: { message: "Failed to load the submitted data due to invalid formatting.", data: {} },
};

async function createWith(field: Record<string, unknown>) {
  return t.pb.collections.getOne(await createCollection(t.pb, [field]));
}

test("an option of the wrong JSON type is a formatting error, as Go's decoder reports it", async () => {
  const bad: Record<string, unknown>[] = [
    { name: "a", type: "text", min: "3" },
    { name: "a", type: "text", max: 1.5 },
    { name: "a", type: "text", max: 1e20 },
    { name: "a", type: "text", required: "true" },
    { name: "a", type: "number", min: "1" },
    { name: "a", type: "number", required: 1 },
    { name: "a", type: "select", values: "a" },
    { name: "a", type: "select", values: [1, 2] },
    { name: "a", type: "select", values: ["a", "b"], maxSelect: 1.5 },
    { name: "a", type: "url", exceptDomains: "a.com" },
    { name: "a", type: "json", maxSize: "5" },
    { name: "a", type: "date", min: 5 },
    { name: "a", type: "autodate", onCreate: "true" },
    { name: "a", type: "file", thumbs: "10x10" },
    { name: "a", type: "relation", collectionId: "x", cascadeDelete: "x" },
    { name: 5, type: "text" },
    { name: "a", type: "nope" },
  ];
  for (const field of bad) await expect(createWith(field)).rejects.toMatchObject(invalidFormatting);
});

test("null options keep their defaults and option keys match case-insensitively", async () => {
  const c = await createWith({ name: "a", type: "text", MAX: 5, min: null, Required: true });
  expect(c.fields[1]).toMatchObject({ name: "a", max: 5, min: 0, required: true });
});

test("fields are emitted with PocketBase's keys in alphabetical order; autodate has no help", async () => {
  const c = await createWith({ name: "a", type: "autodate", onCreate: true, help: "ignored" });
  const autodate = c.fields[1] as Record<string, unknown>;
  expect(Object.keys(autodate)).toEqual([
    "hidden",
    "id",
    "name",
    "onCreate",
    "onUpdate",
    "presentable",
    "system",
    "type",
  ]);
  const file = (await createWith({ name: "f", type: "file" })).fields[1] as Record<string, unknown>;
  expect(file).toMatchObject({ mimeTypes: null, thumbs: null, maxSelect: 0, maxSize: 0, protected: false });
  expect(Object.keys(file)).toEqual([...Object.keys(file)].sort());
  const select = (await createWith({ name: "s", type: "select", values: ["a", ""] })).fields[1];
  expect(select).toMatchObject({ values: ["a", ""] });
});

test("the common field keys are validated for every type", async () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ type: "text" }, "name", "validation_required"],
    [{ name: "a b", type: "bool" }, "name", "validation_match_invalid"],
    [{ name: "expand", type: "number" }, "name", "validation_not_in_invalid"],
    [{ name: "collectionId", type: "email" }, "name", "validation_not_in_invalid"],
    [{ name: "a_via_b", type: "url" }, "name", "validation_found_via"],
    [{ name: "a".repeat(101), type: "json" }, "name", "validation_length_out_of_range"],
    [{ name: "a", type: "editor", help: "x".repeat(301) }, "help", "validation_length_out_of_range"],
  ];
  for (const [field, key, code] of cases) {
    await expect(createWith(field)).rejects.toMatchObject({
      status: 400,
      response: { data: { fields: { 1: { [key]: { code } } } } },
    });
  }
});

test("an import with a mistyped option reports Go's decoding error", async () => {
  // the SDK's types describe well-formed collections only
  const collections = [{ name: "imported", type: "base", fields: [{ name: "a", type: "text", max: 1.5 }] }];
  await expect(t.pb.collections.import(collections as never)).rejects.toMatchObject({
    status: 400,
    response: {
      data: {
        collections: {
          code: "validation_collections_import_failure",
          message:
            "Failed to import the collections configuration. Raw error:\nfailed to unmarshal field: json: cannot unmarshal number 1.5 into Go struct field TextField.max of type int.",
        },
      },
    },
  });
});
