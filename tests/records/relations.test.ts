import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, openRules } from "./fixtures.ts";

let t: TestServer;
const ids: Record<string, string> = {};

// Cascades visit referencing collections by name: a_multi and b_cascaded are changed before z_kids refuses.
beforeAll(async () => {
  t = await startTestServer();
  const mk = async (name: string, fields: Record<string, unknown>[]) => {
    ids[name] = (await t.pb.collections.create({ name, type: "base", ...openRules, fields })).id;
  };
  await mk("parents", [{ name: "title", type: "text" }]);
  await mk("a_multi", [{ name: "parents", type: "relation", collectionId: ids.parents, maxSelect: 5 }]);
  await mk("b_cascaded", [
    { name: "parent", type: "relation", collectionId: ids.parents, cascadeDelete: true, maxSelect: 1 },
    { name: "doc", type: "file", maxSelect: 1 },
  ]);
  await mk("c_grandchildren", [
    { name: "child", type: "relation", collectionId: ids.b_cascaded, cascadeDelete: true, maxSelect: 1 },
  ]);
  await mk("z_kids", [{ name: "parent", type: "relation", collectionId: ids.parents, required: true, maxSelect: 1 }]);
});
afterAll(async () => {
  await t.stop();
});

const c = (name: string) => t.client().collection(name);
const exists = (name: string, id: string) =>
  c(name)
    .getOne(id)
    .then(
      () => true,
      () => false,
    );

test("relation ids that don't exist are refused", async () => {
  const e = await apiError(c("z_kids").create({ parent: "missing00000000" }));
  expect(e.response).toEqual({
    data: {
      parent: {
        code: "validation_missing_rel_records",
        message: "Failed to find all relation records with the provided ids.",
      },
    },
    message: "Failed to create record.",
    status: 400,
  });
  const multi = await apiError(c("a_multi").create({ parents: ["missing00000000"] }));
  expect(multi.response).toMatchObject({ data: { parents: { code: "validation_missing_rel_records" } } });
  const required = await apiError(c("z_kids").create({}));
  expect(required.response).toMatchObject({ data: { parent: { code: "validation_required" } } });
});

test("deleting a record removes its id from multiple relations and cascades recursively", async () => {
  const p1 = await c("parents").create({ title: "p1" });
  const p2 = await c("parents").create({ title: "p2" });
  const multi = await c("a_multi").create({ parents: [p1.id, p2.id] });
  const child = await c("b_cascaded").create({ parent: p1.id, doc: new File(["x"], "child.txt") });
  const grandchild = await c("c_grandchildren").create({ child: child.id });
  const otherChild = await c("b_cascaded").create({ parent: p2.id });
  const childFiles = join(t.dir, "storage", ids.b_cascaded ?? "", child.id);
  expect(existsSync(join(childFiles, child.doc))).toBe(true);

  await c("parents").delete(p1.id);

  expect((await c("a_multi").getOne(multi.id)).parents).toEqual([p2.id]);
  expect(await exists("b_cascaded", child.id)).toBe(false);
  expect(await exists("c_grandchildren", grandchild.id)).toBe(false);
  expect(await exists("b_cascaded", otherChild.id)).toBe(true);
  expect(existsSync(childFiles)).toBe(false);

  await c("parents").delete(p2.id);
  expect((await c("a_multi").getOne(multi.id)).parents).toEqual([]);
});

test("a record still required by another can't be deleted, and the refused delete changes nothing", async () => {
  const parent = await c("parents").create({ title: "kept" });
  const multi = await c("a_multi").create({ parents: [parent.id] });
  const child = await c("b_cascaded").create({ parent: parent.id, doc: new File(["y"], "kept.txt") });
  const kid = await c("z_kids").create({ parent: parent.id });

  const e = await apiError(c("parents").delete(parent.id));
  expect(e.response).toEqual({
    data: {},
    message: "Failed to delete record. Make sure that the record is not part of a required relation reference.",
    status: 400,
  });
  expect(await exists("parents", parent.id)).toBe(true);
  expect((await c("a_multi").getOne(multi.id)).parents).toEqual([parent.id]);
  expect(await exists("b_cascaded", child.id)).toBe(true);
  expect(existsSync(join(t.dir, "storage", ids.b_cascaded ?? "", child.id, child.doc))).toBe(true);

  await c("z_kids").delete(kid.id);
  await c("parents").delete(parent.id);
  expect(await exists("b_cascaded", child.id)).toBe(false);
});

test("a record referencing itself can be deleted", async () => {
  const self = await t.pb.collections.create({ name: "nodes", type: "base", ...openRules, fields: [] });
  await t.pb.collections.update(self.id, {
    fields: [...self.fields, { name: "links", type: "relation", collectionId: self.id, maxSelect: 5 }],
  });
  const a = await c("nodes").create({});
  const b = await c("nodes").create({ links: [a.id] });
  await c("nodes").update(a.id, { links: [a.id, b.id] });
  await c("nodes").delete(a.id);
  expect((await c("nodes").getOne(b.id)).links).toEqual([]);
});
