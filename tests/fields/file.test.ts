import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createCollection,
  expectFieldError,
  expectSettingsError,
  type FieldsServer,
  form,
  settingsFailure,
  startServer,
} from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "f", type: "file", maxSize: 100 },
    { name: "m", type: "file", maxSelect: 3, mimeTypes: ["image/png", "text/plain"] },
    { name: "rf", type: "file", required: true },
    { name: "note", type: "text" },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(56).fill(0)]);
const file = (fileName: string, content: string | Uint8Array = "hello", type = "text/plain") =>
  new File([content], fileName, { type });
const rand = "[a-z0-9]{10}";

test("uploads are stored under a normalized name with a random part; single fields hold a name, multiple a list", async () => {
  const rec = await records().create(
    form({ rf: file("a.txt"), f: file("hello.txt"), m: [file("x.png", png, "image/png"), file("y.txt")] }),
  );
  expect(rec.f).toMatch(new RegExp(`^hello_${rand}\\.txt$`));
  expect(rec.rf).toMatch(new RegExp(`^a${rand}_${rand}\\.txt$`));
  expect(rec.m).toHaveLength(2);
  expect(rec.m[0]).toMatch(new RegExp(`^x${rand}_${rand}\\.png$`));
  const empty = await records().create(form({ rf: file("a.txt") }));
  expect(empty).toMatchObject({ f: "", m: [] });
  // two uploads to a single file field: the last one is kept
  expect((await records().create(form({ rf: file("a.txt"), f: [file("one.txt"), file("two.txt")] }))).f).toMatch(
    new RegExp(`^two_${rand}\\.txt$`),
  );
});

test("file names are normalized as PocketBase does", async () => {
  const cases: [string, RegExp][] = [
    ["Ünïcode Fïle (1).TXT", new RegExp(`^n_code_f_le_1_${rand}\\.TXT$`)],
    ["my file name.txt", new RegExp(`^my_file_name_${rand}\\.txt$`)],
    ["a.b.c.txt", new RegExp(`^a_b_${rand}\\.c\\.txt$`)],
    ["x.tar.gz", new RegExp(`^x${rand}_${rand}\\.tar\\.gz$`)],
    [".env", new RegExp(`^${rand}_${rand}\\.env$`)],
    ["README", new RegExp(`^readme_${rand}\\.txt$`)],
    ["../../etc/passwd", new RegExp(`^passwd_${rand}\\.txt$`)],
    [`${"a".repeat(200)}.txt`, new RegExp(`^a{100}_${rand}\\.txt$`)],
  ];
  for (const [original, pattern] of cases) {
    expect([original, (await records().create(form({ rf: file(original) }))).rf]).toEqual([
      original,
      expect.stringMatching(pattern),
    ]);
  }
  expect((await records().create(form({ rf: file("img", png, "image/png") }))).rf).toMatch(
    new RegExp(`^img_${rand}\\.png$`),
  );
});

test("size, count and type limits", async () => {
  await expectFieldError(
    records().create(form({ rf: file("a.txt"), f: file("big.txt", "x".repeat(101)) })),
    "f",
    "validation_file_size_limit",
    {
      message: "Failed to upload big.txt - the maximum allowed file size is 100 bytes.",
      params: { file: "big.txt", maxSize: 100 },
    },
  );
  await expectFieldError(
    records().create(form({ rf: file("a.txt"), m: [file("1.txt"), file("2.txt"), file("3.txt"), file("4.txt")] })),
    "m",
    "validation_too_many_files",
    { message: "The maximum allowed files is 3.", params: { maxSelect: 3 } },
  );
  // the type comes from the content, not from the name or the declared type
  await expectFieldError(
    records().create(form({ rf: file("a.txt"), m: file("x.pdf", "%PDF-1.4 hello", "application/pdf") })),
    "m",
    "validation_invalid_mime_type",
  );
  expect(
    (await records().create(form({ rf: file("a.txt"), m: file("x.png", "just text", "image/png") }))).m,
  ).toHaveLength(1);
  await expectFieldError(
    records().create(form({ rf: file("a.txt"), m: file("x.json", '{"a":1}', "application/json") })),
    "m",
    "validation_invalid_mime_type",
  );
});

test("required, and file names that were never uploaded", async () => {
  await expectFieldError(records().create(form({ note: "x" })), "rf", "validation_required");
  await expectFieldError(records().create({ rf: "somefile.txt" }), "rf", "validation_invalid_file", {
    message: "Invalid new files: [somefile.txt].",
    params: { invalidFiles: ["somefile.txt"] },
  });
});

test("modifiers upload more files, remove some, and the stored ones are kept by name", async () => {
  const rec = await records().create(form({ rf: file("a.txt"), m: [file("one.txt"), file("two.txt")] }));
  const [first, second] = rec.m as [string, string];
  expect((await records().update(rec.id, { "m-": [first] })).m).toEqual([second]);
  const appended = await records().update(rec.id, form({ "m+": [file("three.txt"), file("four.txt")] }));
  expect(appended.m).toHaveLength(3);
  expect(appended.m[0]).toBe(second);
  await expectFieldError(records().update(rec.id, form({ "+m": file("five.txt") })), "m", "validation_too_many_files");
  expect((await records().update(rec.id, { "m-": "unknown.txt" })).m).toEqual(appended.m);
  await expectFieldError(records().update(rec.id, { m: ["unknown.txt"] }), "m", "validation_invalid_file");
  // a new upload under the plain key replaces the list
  const replaced = await records().update(rec.id, form({ m: file("seven.txt") }));
  expect(replaced.m).toEqual([expect.stringMatching(new RegExp(`^seven_${rand}\\.txt$`))]);
  await expectFieldError(records().update(rec.id, { rf: null }), "rf", "validation_required");
  await expectFieldError(records().update(rec.id, { rf: [] }), "rf", "validation_required");
});

test("settings: thumb sizes, non-negative limits, null lists when unset", async () => {
  expect(
    await settingsFailure(t.pb, {
      name: "a",
      type: "file",
      thumbs: ["0x0", "10x10", "bad", "0x10", "10x0f", "100x100t"],
    }),
  ).toEqual({
    thumbs: {
      0: { code: "validation_not_in_invalid", message: "Must not be in list." },
      2: { code: "validation_match_invalid", message: "Must be in a valid format." },
    },
  });
  await expectSettingsError(
    t.pb,
    { name: "a", type: "file", maxSelect: -1 },
    "maxSelect",
    "validation_min_greater_equal_than_required",
  );
  await expectSettingsError(
    t.pb,
    { name: "a", type: "file", maxSize: -1 },
    "maxSize",
    "validation_min_greater_equal_than_required",
  );
  const c = await t.pb.collections.getOne(await createCollection(t.pb, [{ name: "a", type: "file", protected: true }]));
  expect(c.fields[1]).toMatchObject({ mimeTypes: null, thumbs: null, protected: true, maxSelect: 0, maxSize: 0 });
});
