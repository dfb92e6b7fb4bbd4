import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, openRules } from "./fixtures.ts";

let t: TestServer;
let collectionId = "";
beforeAll(async () => {
  t = await startTestServer();
  const c = await t.pb.collections.create({
    name: "albums",
    type: "base",
    ...openRules,
    fields: [
      { name: "title", type: "text", max: 10 },
      { name: "docs", type: "file", maxSelect: 3, maxSize: 1024 },
      { name: "cover", type: "file", maxSelect: 1 },
    ],
  });
  collectionId = c.id;
});
afterAll(async () => {
  await t.stop();
});

const albums = () => t.client().collection("albums");
const file = (name: string, content = `content of ${name}`) => new File([content], name, { type: "text/plain" });
const recordDir = (id: string) => join(t.dir, "storage", collectionId, id);
/** stored lists the files of a record's storage folder, without their `.attrs` side files (null when the folder doesn't exist). */
const stored = (id: string): string[] | null =>
  existsSync(recordDir(id))
    ? readdirSync(recordDir(id))
        .filter((n) => !n.endsWith(".attrs"))
        .sort()
    : null;

test("uploads are stored under storage/<collectionId>/<recordId>/ with PocketBase's file names", async () => {
  const rec = await albums().create({
    title: "a",
    docs: [file("My Photo.txt"), file("b.txt")],
    cover: file("cover.txt"),
  });
  expect(rec.docs).toEqual([
    expect.stringMatching(/^my_photo_[a-z0-9]{10}\.txt$/),
    expect.stringMatching(/^b[a-z0-9]{10}_[a-z0-9]{10}\.txt$/),
  ]);
  expect(rec.cover).toMatch(/^cover_[a-z0-9]{10}\.txt$/);
  expect(stored(rec.id)).toEqual([...rec.docs, rec.cover].sort());
  expect(readFileSync(join(recordDir(rec.id), rec.docs[0]), "utf8")).toBe("content of My Photo.txt");
});

test("field+ appends, +field prepends and field- removes by name, deleting the file", async () => {
  const rec = await albums().create({ docs: [file("one.txt")] });
  const appended = await albums().update(rec.id, { "docs+": file("two.txt") });
  expect(appended.docs).toHaveLength(2);
  expect(appended.docs[0]).toBe(rec.docs[0]);
  const prepended = await albums().update(rec.id, { "+docs": file("zero.txt") });
  expect(prepended.docs[0]).toMatch(/^zero_/);
  expect(prepended.docs.slice(1)).toEqual(appended.docs);
  expect(stored(rec.id)).toEqual([...prepended.docs].sort());

  const removed = await albums().update(rec.id, { "docs-": [appended.docs[0], "unknown.txt"] });
  expect(removed.docs).toEqual([prepended.docs[0], appended.docs[1]]);
  expect(stored(rec.id)).toEqual([...removed.docs].sort());
});

test("uploading under the plain key replaces the files unless their names are sent along", async () => {
  const rec = await albums().create({ docs: [file("keep.txt"), file("drop.txt")], cover: file("old.txt") });
  const form = new FormData();
  form.append("docs", rec.docs[0]);
  form.append("docs", file("new.txt"));
  form.append("cover", file("newcover.txt"));
  const updated = await albums().update(rec.id, form);
  expect(updated.docs).toEqual([rec.docs[0], expect.stringMatching(/^new_/)]);
  expect(updated.cover).toMatch(/^newcover_/);
  expect(stored(rec.id)).toEqual([...updated.docs, updated.cover].sort());

  const replaced = await albums().update(rec.id, { docs: file("only.txt") });
  expect(replaced.docs).toEqual([expect.stringMatching(/^only_/)]);
  expect(stored(rec.id)).toEqual([replaced.docs[0], updated.cover].sort());
});

test("clearing the fields deletes every file, the folder stays", async () => {
  const rec = await albums().create({ docs: [file("x.txt")], cover: file("y.txt") });
  const cleared = await albums().update(rec.id, { docs: [], cover: "" });
  expect(cleared).toMatchObject({ docs: [], cover: "" });
  expect(stored(rec.id)).toEqual([]);
});

test("deleting the record deletes its folder", async () => {
  const rec = await albums().create({ docs: [file("gone.txt")] });
  expect(stored(rec.id)).toHaveLength(1);
  await albums().delete(rec.id);
  expect(stored(rec.id)).toBeNull();
});

test("bad uploads are a 400 and leave no file behind", async () => {
  const rec = await albums().create({ docs: [file("a.txt")] });
  const before = stored(rec.id);
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [
      { docs: ["nope.txt"] },
      {
        docs: {
          code: "validation_invalid_file",
          message: "Invalid new files: [nope.txt].",
          params: { invalidFiles: ["nope.txt"] },
        },
      },
    ],
    [
      { "docs+": [file("1.txt"), file("2.txt"), file("3.txt")] },
      {
        docs: {
          code: "validation_too_many_files",
          message: "The maximum allowed files is 3.",
          params: { maxSelect: 3 },
        },
      },
    ],
    [
      { "docs+": file("big.bin", "x".repeat(1025)) },
      {
        docs: {
          code: "validation_file_size_limit",
          message: "Failed to upload big.bin - the maximum allowed file size is 1024 bytes.",
          params: { file: "big.bin", maxSize: 1024 },
        },
      },
    ],
    [
      { "docs+": file("fine.txt"), title: "far too long title" },
      {
        title: {
          code: "validation_max_text_constraint",
          message: "Must be no more than 10 character(s).",
          params: { max: 10 },
        },
      },
    ],
  ];
  for (const [body, data] of cases) {
    const e = await apiError(albums().update(rec.id, body));
    expect(e.response).toEqual({ data, message: "Failed to update record.", status: 400 });
    expect(stored(rec.id)).toEqual(before);
  }
  const failedCreate = await apiError(albums().create({ title: "far too long title", docs: [file("c.txt")] }));
  expect(failedCreate.status).toBe(400);
  const folders = readdirSync(join(t.dir, "storage", collectionId));
  for (const id of folders) expect((await t.pb.collection("albums").getOne(id)).id).toBe(id);
});

test("a multipart part without a file name is a plain value", async () => {
  const rec = await albums().create({});
  const form = new FormData();
  form.append("docs+", new File(["hello"], ""));
  const e = await apiError(albums().update(rec.id, form));
  expect(e.response).toMatchObject({
    data: { docs: { code: "validation_invalid_file", params: { invalidFiles: ["hello"] } } },
  });
});
