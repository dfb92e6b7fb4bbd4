import { afterAll, beforeAll, expect, test } from "bun:test";
import { accessorsPath, renderHookAccessors } from "../../scripts/hook-accessors.ts";
import { Collection } from "../../src/core/collection-model.ts";
import type { RecordEvent } from "../../src/core/events.ts";
import { HookRegistry } from "../../src/core/hooks.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { TaggableHook, TaggedHook } from "../../src/tools/hook/tagged-hook.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { pocketbaseHooks } from "./pocketbase-hooks.ts";

let t: TestApp;

beforeAll(async () => {
  t = await newTestApp();
  await t.app.saveCollection(
    Collection.fromJSON({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] }),
  );
});
afterAll(async () => {
  await t.cleanup();
});

test("every PocketBase hook exists, tagged where PocketBase's is, and there are no others", () => {
  const registry = new HookRegistry();
  const ours: (readonly [string, boolean])[] = registry
    .names()
    .map((name) => [name, registry.get(name) instanceof TaggableHook]);
  expect(ours).toEqual(pocketbaseHooks.map(([name, tagged]) => [name, tagged] as const));
  for (const name of registry.names()) expect(registry.get(name).name).toBe(name);
});

test("the app has an onX method for each hook: the hook itself, or a tagged view of it", () => {
  const { app } = t;
  for (const name of app.hooks.names()) {
    const hook = app.hooks.get(name);
    const view = app[name]();
    if (hook instanceof TaggableHook) expect(view).toBeInstanceOf(TaggedHook);
    else expect(view).toBe(hook);
  }
  // a misspelt hook is a type error, not undefined at run time
  // @ts-expect-error there is no onRecordCreat hook
  expect(app.onRecordCreat).toBeUndefined();
});

test("src/core/hook-accessors.ts is what scripts/hook-accessors.ts writes from hooks.ts", async () => {
  const source = await Bun.file(new URL("../../src/core/hooks.ts", import.meta.url)).text();
  expect(await Bun.file(accessorsPath).text()).toBe(renderHookAccessors(source));
});

test("handlers bound through onX run by priority; their handles unbind them", async () => {
  const order: string[] = [];
  const log = (name: string) => async (e: RecordEvent) => {
    order.push(name);
    await e.next();
  };
  const handles = [
    t.app.onRecordCreate(log("default")),
    t.app.onRecordCreate({ func: log("first"), priority: -5 }),
    t.app.onRecordCreate({ func: log("last"), priority: 5, id: "mine" }),
  ];
  expect(handles[2]?.id).toBe("mine");
  const record = new RecordModel(t.app.findCachedCollectionByNameOrId("posts") as Collection);
  await t.app.save(record);
  expect(order).toEqual(["first", "default", "last"]);
  for (const h of handles) h.unbind();
  order.length = 0;
  await t.app.save(new RecordModel(record.collection));
  expect(order).toEqual([]);
  expect(t.app.hooks.onRecordCreate.handlers().map((h) => h.id)).toEqual(["__testCounter"]);
});

test("tagged handlers run for their collection, named by id or by name, and for no other", async () => {
  const posts = t.app.findCachedCollectionByNameOrId("posts") as Collection;
  const seen: string[] = [];
  const byName = t.app.onRecordCreate((e) => {
    seen.push(`name:${e.record.collection.name}`);
    return e.next();
  }, "posts");
  const byId = t.app.onRecordCreate((e) => {
    seen.push(`id:${e.record.collection.name}`);
    return e.next();
  }, posts.id);
  const other = t.app.onRecordCreate((e) => {
    seen.push("other");
    return e.next();
  }, "users");
  await t.app.save(new RecordModel(posts));
  expect(seen).toEqual(["name:posts", "id:posts"]);
  for (const h of [byName, byId, other]) h.unbind();
});
