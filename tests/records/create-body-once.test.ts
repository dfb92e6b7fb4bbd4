import { afterAll, beforeAll, expect, test } from "bun:test";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { RecordUpsert } from "../../src/forms/record-upsert.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

// A create on a base collection without hidden fields (or by a superuser) sets its body on the new record once
// (apis/record-crud.ts, setsBodyOnce); the other creates apply it to a copy for `@request.body`, read the
// values back and set them again (recordDataFromRequest, then the form's load). Both must make the same record
// and the same answer, for every field type and modifier.
let t: TestApp;
const targetIds = ["target000000001", "target000000002"];

const fields = [
  { name: "title", type: "text", max: 100 },
  { name: "code", type: "text", autogeneratePattern: "[a-z]{6}" },
  { name: "bio", type: "editor" },
  { name: "num", type: "number" },
  { name: "active", type: "bool" },
  { name: "site", type: "url" },
  { name: "mail", type: "email" },
  { name: "day", type: "date" },
  { name: "role", type: "select", values: ["admin", "writer", "guest"], maxSelect: 1 },
  { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
  { name: "meta", type: "json" },
  { name: "home", type: "geoPoint" },
  { name: "docs", type: "file", maxSelect: 3, maxSize: 1 << 20 },
  { name: "target", type: "relation", collectionId: "", maxSelect: 1 },
  { name: "targets", type: "relation", collectionId: "", maxSelect: 5 },
  { name: "created", type: "autodate", onCreate: true },
  { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
];

/** The bodies sent: plain values, values of other types to convert, modifiers, keys of no field. */
const bodies: Record<string, unknown>[] = [
  {
    title: "Hello",
    bio: "<p>hi</p>",
    num: 12.5,
    active: true,
    site: "https://example.com",
    mail: "a@example.com",
    day: "2024-05-01 10:00:00.000Z",
    role: "writer",
    tags: ["a", "b"],
    meta: { a: [1, 2], b: null },
    home: { lon: 1.5, lat: -2 },
    target: targetIds[0],
    targets: targetIds,
  },
  {
    title: 42,
    num: "7",
    active: "true",
    day: "2024-05-01T10:00:00+02:00",
    role: ["guest"],
    tags: "c",
    meta: '{"x": 1}',
    home: '{"lat": 3, "lon": 4}',
    target: [targetIds[1]],
    targets: targetIds[0],
  },
  { meta: "plain text", day: "not a date", num: "abc", active: "no", tags: [] },
  {
    "tags+": ["c"],
    tags: ["a"],
    "+tags": "b",
    "num+": 5,
    num: 3,
    "num-": 1,
    "targets+": targetIds[1],
    "+targets": targetIds[0],
    "role-": "admin",
    "code:autogenerate": "x-",
  },
  { "tags-": "a", "targets-": targetIds, "docs-": "a.png", "title+": "no modifier" },
  { unknown: 1, expand: { target: {} }, collectionName: "other", created: "2020-01-01 00:00:00.000Z", __proto__x: 2 },
  { id: "customid0000001", title: "with id", "title:autogenerate": "" },
  { docs: ["a.png"] },
  { num: "1e400", role: "nobody", mail: "bad" },
];

beforeAll(async () => {
  t = await newTestApp({ withSuperuser: true });
  const targets = Collection.create("base", "targets");
  targets.applyJSON({ listRule: "", viewRule: "", createRule: "", fields: [{ name: "name", type: "text" }] });
  await t.app.saveCollection(targets);
  for (const id of targetIds) {
    const r = new RecordModel(targets);
    r.id = id;
    await t.app.save(r);
  }
  const withTargets = fields.map((f) => (f.type === "relation" ? { ...f, collectionId: targets.id } : f));
  for (const [name, extra] of [
    ["once", []],
    ["twice", [{ name: "secret", type: "text", hidden: true }]],
  ] as const) {
    const c = Collection.create("base", name);
    c.applyJSON({ listRule: "", viewRule: "", createRule: "", fields: [...withTargets, ...extra] });
    await t.app.saveCollection(c);
  }
});

afterAll(() => t.cleanup());

/** comparable is a record's values without what each create makes anew (the id, the dates, a generated code). */
function comparable(values: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, created: _c, updated: _u, collectionId: _ci, collectionName: _cn, secret: _s, ...rest } = values;
  if (typeof rest.code === "string") rest.code = rest.code.replace(/[a-z]{6}$/, "<generated>");
  return rest;
}

test("a body set once makes the record the copy and the form's load make, its view the same `@request.body`", () => {
  const collection = t.app.findCachedCollectionByNameOrId("once");
  if (!collection) throw new Error("no collection");
  for (const body of bodies) {
    const once = new RecordModel(collection);
    once.setBody(body);
    const twice = new RecordModel(collection);
    const form = new RecordUpsert(t.app, twice);
    form.grantSuperuserAccess();
    const view = twice.replaceModifiers(body);
    form.load(view);
    expect(comparable(once.dbExport())).toEqual(comparable(twice.dbExport()));
    expect(comparable(once.publicExport())).toEqual(comparable(twice.publicExport()));
    const applied = new RecordModel(collection);
    const appliedView = applied.applyBody(body);
    expect(comparable(appliedView)).toEqual(comparable(view));
    expect(Object.keys(appliedView)).toEqual(Object.keys(view));
    expect(comparable(applied.dbExport())).toEqual(comparable(once.dbExport()));
  }
});

test("creates answer the same whether the body is set once or applied twice", async () => {
  for (const auth of [undefined, "superuser"] as const) {
    for (const body of bodies) {
      const answers = [];
      for (const name of ["once", "twice"]) {
        const res = await send(t.app, {
          method: "POST",
          url: `/api/collections/${name}/records`,
          body,
          ...(auth ? { auth } : {}),
        });
        const json = res.json as Record<string, unknown>;
        answers.push({ status: res.status, json: res.status === 200 ? comparable(json) : json });
        if (res.status !== 200) continue;
        // and what was stored
        const stored = await t.app.findRecordById(name, String(json.id));
        answers.push(comparable(stored?.publicExport() ?? {}));
      }
      expect(answers.length === 2 || answers.length === 4).toBe(true);
      expect(answers.slice(answers.length / 2)).toEqual(answers.slice(0, answers.length / 2));
    }
  }
  // the bodies above reach both answers: created records and refusals
  const ok = await send(t.app, { method: "POST", url: "/api/collections/once/records", body: bodies[0] });
  expect(ok.status).toBe(200);
  const refused = await send(t.app, { method: "POST", url: "/api/collections/once/records", body: bodies[8] });
  expect(refused.status).toBe(400);
});

test("a hidden field stays unset when a non-superuser sends it, and is set by a superuser", async () => {
  const body = { title: "h", secret: "s3" };
  const guest = await send(t.app, { method: "POST", url: "/api/collections/twice/records", body });
  expect(guest.status).toBe(200);
  const su = await send(t.app, { method: "POST", url: "/api/collections/twice/records", body, auth: "superuser" });
  expect(su.status).toBe(200);
  const ids = [guest, su].map((r) => String((r.json as { id: string }).id));
  const stored = await Promise.all(ids.map((id) => t.app.findRecordById("twice", id)));
  expect(stored.map((r) => r?.getString("secret"))).toEqual(["", "s3"]);
});
