import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { HookName } from "../../src/core/hooks.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { HookHandle } from "../../src/tools/hook/accessor.ts";
import { badRequest, forbidden } from "../../src/tools/router/api-error.ts";
import { ValidationError, ValidationErrors } from "../../src/tools/validation/validation.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, openRules, raw } from "./fixtures.ts";

let t: TestServer;
const bound: (() => void)[] = [];

beforeAll(async () => {
  t = await startTestServer();
  const mk = (name: string, fields: Record<string, unknown>[]) =>
    t.pb.collections.create({ name, type: "base", ...openRules, fields });
  await mk("posts", [
    { name: "title", type: "text", max: 10 },
    { name: "slug", type: "text" },
  ]);
  await t.pb.collections.update("posts", {
    indexes: ["CREATE UNIQUE INDEX idx_posts_slug ON posts (slug) WHERE slug != ''"],
  });
  await mk("notes", [{ name: "title", type: "text" }]);
  const parents = await mk("parents", [{ name: "title", type: "text" }]);
  await mk("children", [
    { name: "parent", type: "relation", collectionId: parents.id, cascadeDelete: true, maxSelect: 1 },
  ]);
  await mk("mentions", [{ name: "parents", type: "relation", collectionId: parents.id, maxSelect: 5 }]);
  await mk("required", [{ name: "parent", type: "relation", collectionId: parents.id, required: true, maxSelect: 1 }]);
  await t.pb.collections.update("users", openRules);
});
afterEach(() => {
  for (const unbind of bound.splice(0)) unbind();
});
afterAll(async () => {
  await t.stop();
});

/**
 * track resets the hook counters; fired returns what fired since then (hook name → count), after checking
 * that each onModel* hook fired as often as its onRecord* counterpart (only records are saved here) and
 * leaving the onModel* ones out.
 */
function track(): () => Partial<Record<HookName, number>> {
  t.calls.clear();
  return () => {
    const fired = Object.fromEntries(t.calls);
    const modelStages = Object.fromEntries(
      Object.entries(fired)
        .filter(([name]) => name.startsWith("onModel"))
        .map(([name, n]) => [name.replace("onModel", "onRecord"), n]),
    );
    const recordStages = Object.fromEntries(
      Object.entries(fired).filter(([name]) => `onModel${name.slice("onRecord".length)}` in t.app.hooks),
    );
    expect(modelStages).toEqual(recordStages);
    return Object.fromEntries(Object.entries(fired).filter(([name]) => !name.startsWith("onModel")));
  };
}

/** forTest unbinds a handler once the test ends. */
function forTest(handle: HookHandle): void {
  bound.push(() => handle.unbind());
}

const posts = () => t.client().collection("posts");

describe("the hooks each request fires", () => {
  test("create", async () => {
    const fired = track();
    await posts().create({ title: "hello" });
    expect(fired()).toEqual({
      onRecordCreateRequest: 1,
      onRecordCreate: 1,
      onRecordValidate: 1,
      onRecordCreateExecute: 1,
      onRecordAfterCreateSuccess: 1,
      onRecordEnrich: 1,
    });
  });

  test("view, list, update and delete", async () => {
    const rec = await posts().create({ title: "x" });
    await posts().create({ title: "y" });
    let fired = track();
    await posts().getOne(rec.id);
    expect(fired()).toEqual({ onRecordViewRequest: 1, onRecordEnrich: 1 });

    fired = track();
    const list = await posts().getList(1, 2);
    expect(fired()).toEqual({ onRecordsListRequest: 1, onRecordEnrich: list.items.length });

    fired = track();
    await posts().update(rec.id, { title: "z" });
    expect(fired()).toEqual({
      onRecordUpdateRequest: 1,
      onRecordUpdate: 1,
      onRecordValidate: 1,
      onRecordUpdateExecute: 1,
      onRecordAfterUpdateSuccess: 1,
      onRecordEnrich: 1,
    });

    fired = track();
    await posts().delete(rec.id);
    expect(fired()).toEqual({
      onRecordDeleteRequest: 1,
      onRecordDelete: 1,
      onRecordDeleteExecute: 1,
      onRecordAfterDeleteSuccess: 1,
    });
  });

  test("failures fire the after-error hooks at the stage they reach", async () => {
    let fired = track();
    await apiError(posts().create({ title: "far too long title" }));
    expect(fired()).toEqual({
      onRecordCreateRequest: 1,
      onRecordCreate: 1,
      onRecordValidate: 1,
      onRecordAfterCreateError: 1,
    });

    await posts().create({ slug: "taken" });
    fired = track();
    await apiError(posts().create({ slug: "taken" }));
    expect(fired()).toEqual({
      onRecordCreateRequest: 1,
      onRecordCreate: 1,
      onRecordValidate: 1,
      onRecordCreateExecute: 1,
      onRecordAfterCreateError: 1,
    });

    fired = track();
    await apiError(t.client().collection("users").create({ email: "a@example.com" }));
    expect(fired()).toEqual({ onRecordCreateRequest: 1 });

    fired = track();
    await apiError(t.client().collection("nope").create({}));
    const malformed = await raw(`${t.url}/api/collections/posts/records`, {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    await apiError(posts().getOne("missing00000000"));
    expect(fired()).toEqual({});
  });

  test("a cascade fires the hooks of every record it touches", async () => {
    const parent = await t.client().collection("parents").create({});
    await t.client().collection("children").create({ parent: parent.id });
    await t
      .client()
      .collection("mentions")
      .create({ parents: [parent.id] });
    const fired = track();
    await t.client().collection("parents").delete(parent.id);
    expect(fired()).toEqual({
      onRecordDeleteRequest: 1,
      onRecordDelete: 2,
      onRecordDeleteExecute: 2,
      onRecordAfterDeleteSuccess: 2,
      onRecordUpdate: 1,
      onRecordUpdateExecute: 1,
      onRecordAfterUpdateSuccess: 1,
    });
  });

  test("a failing cascade rolls back and fires the after-error hooks of every record it touched", async () => {
    const parent = await t.client().collection("parents").create({});
    const child = await t.client().collection("children").create({ parent: parent.id });
    const mention = await t
      .client()
      .collection("mentions")
      .create({ parents: [parent.id] });
    await t.client().collection("required").create({ parent: parent.id });
    const errors: string[] = [];
    forTest(
      t.app.onRecordAfterDeleteError((e) => {
        errors.push(`delete ${e.record.collection.name}`);
        return e.next();
      }),
    );
    forTest(
      t.app.onRecordAfterUpdateError((e) => {
        errors.push(`update ${e.record.collection.name}`);
        return e.next();
      }),
    );
    forTest(
      t.app.onRecordAfterDeleteSuccess(() => {
        throw new Error("no delete may succeed");
      }),
    );
    const fired = track();
    expect((await apiError(t.client().collection("parents").delete(parent.id))).status).toBe(400);
    expect(fired()).toEqual({
      onRecordDeleteRequest: 1,
      onRecordDelete: 2,
      onRecordDeleteExecute: 2,
      onRecordAfterDeleteError: 2,
      onRecordUpdate: 1,
      onRecordUpdateExecute: 1,
      onRecordAfterUpdateError: 1,
    });
    expect(errors.sort()).toEqual(["delete children", "delete parents", "update mentions"]);
    expect(await t.client().collection("children").getOne(child.id)).toMatchObject({ parent: parent.id });
    expect(await t.client().collection("mentions").getOne(mention.id)).toMatchObject({ parents: [parent.id] });
  });
});

describe("handlers", () => {
  test("a handler bound to a collection runs only for it, by name or by id", async () => {
    const seen: string[] = [];
    const byName = t.app.onRecordCreate("posts").bindFunc((e) => {
      seen.push(`name:${e.record.collection.name}`);
      return e.next();
    });
    const notesId = t.app.findCachedCollectionByNameOrId("notes")?.id ?? "";
    const byId = t.app.onRecordCreate(notesId).bindFunc((e) => {
      seen.push(`id:${e.record.collection.name}`);
      return e.next();
    });
    bound.push(() => t.app.onRecordCreate().unbind(byName, byId));
    await posts().create({ title: "p" });
    await t.client().collection("notes").create({ title: "n" });
    await t.client().collection("parents").create({});
    expect(seen).toEqual(["name:posts", "id:notes"]);
  });

  test("onRecordCreate handlers see the generated id before next() and can change the data", async () => {
    let idBeforeNext = "";
    const id = t.app.onRecordCreate("posts").bindFunc(async (e) => {
      idBeforeNext = e.record.id;
      e.record.set("title", "from hook");
      await e.next();
    });
    bound.push(() => t.app.onRecordCreate().unbind(id));
    const rec = await posts().create({ title: "from client" });
    expect(idBeforeNext).toBe(rec.id);
    expect((await posts().getOne(rec.id)).title).toBe("from hook");
  });

  test("a handler that doesn't call next() stops the write", async () => {
    const count = async () => (await t.pb.collection("posts").getList(1, 1)).totalItems;
    const before = await count();

    forTest(t.app.onRecordCreateExecute(() => {}));
    const unsaved = await posts().create({ title: "unsaved" });
    expect(unsaved.id).toMatch(/^[a-z0-9]{15}$/);
    expect(await count()).toBe(before);
  });

  test("a request handler that doesn't call next() answers an empty 200 and writes nothing", async () => {
    const before = (await t.pb.collection("posts").getList(1, 1)).totalItems;
    forTest(t.app.onRecordCreateRequest(() => {}));
    const res = await raw(`${t.url}/api/collections/posts/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "x" }),
    });
    expect(res).toMatchObject({ status: 200, text: "" });
    expect((await t.pb.collection("posts").getList(1, 1)).totalItems).toBe(before);
  });

  test("a delete handler that doesn't call next() keeps the record", async () => {
    const rec = await posts().create({ title: "kept" });
    forTest(t.app.onRecordDelete(() => {}));
    await posts().delete(rec.id);
    expect((await posts().getOne(rec.id)).title).toBe("kept");
  });

  test("an ApiError thrown by a handler is the answer; other errors are a generic 400", async () => {
    forTest(
      t.app.onRecordCreateRequest((e) => {
        if (e.record?.getString("title") === "forbid") throw forbidden("Nope from a hook.");
        if (e.record?.getString("title") === "invalid")
          throw badRequest(
            "Custom request error",
            new ValidationErrors({ title: new ValidationError("my_code", "my message") }),
          );
        return e.next();
      }),
    );
    forTest(
      t.app.onRecordCreate((e) => {
        if (e.record.getString("title") === "plain") throw new Error("internal detail");
        return e.next();
      }),
    );
    expect((await apiError(posts().create({ title: "forbid" }))).response).toEqual({
      data: {},
      message: "Nope from a hook.",
      status: 403,
    });
    expect((await apiError(posts().create({ title: "invalid" }))).response).toEqual({
      data: { title: { code: "my_code", message: "My message." } },
      message: "Custom request error.",
      status: 400,
    });
    expect((await apiError(posts().create({ title: "plain" }))).response).toEqual({
      data: {},
      message: "Failed to create record.",
      status: 400,
    });
  });

  test("onRecordEnrich can hide fields and add custom data to what clients see", async () => {
    forTest(
      t.app.onRecordEnrich((e) => {
        e.record.hide("slug");
        e.record.exportCustomData = true;
        e.record.set("extra", 1);
        return e.next();
      }),
    );
    const rec = await posts().create({ title: "enrich", slug: "enriched" });
    expect(rec).toMatchObject({ title: "enrich", extra: 1 });
    expect(rec).not.toHaveProperty("slug");
    expect((await t.pb.collection("posts").getOne(rec.id)).slug).toBe("enriched");
  });
});

describe("after-success and after-error hooks around transactions", () => {
  test("after-success waits for the commit and sees the committed row", async () => {
    const c = t.app.findCachedCollectionByNameOrId("notes");
    if (!c) throw new Error("missing collection");
    const order: string[] = [];
    let seenFromOutside: unknown = null;
    forTest(
      t.app.onRecordAfterCreateSuccess(async (e) => {
        order.push("after-success");
        seenFromOutside = await t.app.findRecordById(c, e.record.id);
        return e.next();
      }),
    );
    const rec = new RecordModel(c);
    rec.set("title", "in tx");
    await t.app.runInTransaction(async (txApp) => {
      await txApp.save(rec);
      order.push("saved");
    });
    order.push("committed");
    expect(order).toEqual(["saved", "after-success", "committed"]);
    expect(seenFromOutside).not.toBeNull();
  });

  test("a rolled back transaction fires after-error instead of after-success", async () => {
    const c = t.app.findCachedCollectionByNameOrId("notes");
    if (!c) throw new Error("missing collection");
    const events: string[] = [];
    forTest(
      t.app.onRecordAfterCreateSuccess((e) => {
        events.push("success");
        return e.next();
      }),
    );
    forTest(
      t.app.onRecordAfterCreateError((e) => {
        events.push(`error: ${String(e.error)}`);
        return e.next();
      }),
    );
    const rec = new RecordModel(c);
    rec.set("title", "rolled back");
    await expect(
      t.app.runInTransaction(async (txApp) => {
        await txApp.save(rec);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(events).toEqual(["error: Error: boom"]);
    expect(rec.isNew()).toBe(true);
    expect(await t.app.findRecordById(c, rec.id)).toBeNull();
  });
});
