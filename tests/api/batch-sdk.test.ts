import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ClientResponseError } from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { Inbox, type RecordEvent, settle } from "../realtime/helpers.ts";

/** Batches through the official SDK's `pb.createBatch()` against a served app. */

let t: TestServer;
let notesId = "";

beforeAll(async () => {
  t = await startTestServer();
  await t.pb.settings.update({ batch: { enabled: true, maxRequests: 20, timeout: 3, maxBodySize: 0 } });
  const notes = await t.pb.collections.create({
    name: "notes",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "body", type: "text" },
      { name: "att", type: "file", maxSelect: 3, maxSize: 1 << 20 },
    ],
  });
  notesId = notes.id;
  await t.pb.collections.create({
    name: "labels",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [{ name: "name", type: "text", required: true }],
    indexes: ["CREATE UNIQUE INDEX idx_labels_name ON labels (name)"],
  });
});

afterAll(async () => {
  await t.stop();
});

/** The record folders under the notes collection's storage. */
function noteFolders(): string[] {
  const dir = join(t.dir, "storage", notesId);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

test("create, update, upsert and delete across two collections, with files, in one request", async () => {
  const pb = t.client();
  const first = await pb.collection("notes").create({ body: "old", att: [new File(["keep"], "keep.txt")] });
  const kept = first.att[0] as string;

  const batch = pb.createBatch();
  batch.collection("notes").create({ body: "new", att: [new File(["hi"], "hi.txt"), new File(["yo"], "yo.txt")] });
  // the SDK sends the names as JSON and the new file under `att+`: appended
  batch.collection("notes").update(first.id, { body: "updated", att: [kept, new File(["more"], "more.txt")] });
  batch.collection("labels").upsert({ id: "label0000000001", name: "l1" });
  batch.collection("labels").upsert({ id: "label0000000001", name: "l1b" });
  batch.collection("labels").create({ name: "l2" }, { fields: "name" });
  const results = await batch.send();

  expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const created = results[0]?.body as { id: string; att: string[]; body: string };
  expect(created.body).toBe("new");
  expect(created.att).toHaveLength(2);
  const updated = results[1]?.body as { att: string[]; body: string };
  expect(updated.body).toBe("updated");
  expect(updated.att[0]).toBe(kept);
  expect(updated.att).toHaveLength(2);
  expect(results[4]?.body).toEqual({ name: "l2" });

  const served = await fetch(pb.files.getURL(created, created.att[0] as string));
  expect(await served.text()).toBe("hi");
  const appended = await fetch(pb.files.getURL({ ...first, ...updated }, updated.att[1] as string));
  expect(await appended.text()).toBe("more");
  const labels = await pb.collection("labels").getFullList({ sort: "name" });
  expect(labels.map((l) => [l.id, l.name])).toEqual([
    ["label0000000001", "l1b"],
    [expect.any(String), "l2"],
  ]);

  const removal = pb.createBatch();
  removal.collection("notes").delete(first.id);
  removal.collection("labels").delete("label0000000001");
  expect(await removal.send()).toEqual([
    { status: 204, body: null },
    { status: 204, body: null },
  ]);
  await expect(pb.collection("notes").getOne(first.id)).rejects.toThrow();
  expect(noteFolders()).not.toContain(first.id);
});

test("a failing sub-request rolls the whole batch back, its uploaded files included", async () => {
  const pb = t.client();
  const notesBefore = await pb.collection("notes").getFullList();
  const foldersBefore = noteFolders();

  const batch = pb.createBatch();
  batch.collection("notes").create({ body: "doomed", att: [new File(["x"], "x.txt")] });
  batch.collection("labels").create({ name: "fresh" });
  batch.collection("labels").create({ name: "l2" });
  const err = await batch.send().catch((e: unknown) => e);

  expect(err).toBeInstanceOf(ClientResponseError);
  const response = (err as ClientResponseError).response as {
    message: string;
    data: { requests: Record<string, { code: string; response: { status: number; data: unknown } }> };
  };
  expect(response.message).toBe("Batch transaction failed.");
  expect(Object.keys(response.data.requests)).toEqual(["2"]);
  expect(response.data.requests["2"]?.code).toBe("batch_request_failed");
  expect(response.data.requests["2"]?.response.data).toEqual({
    name: { code: "validation_not_unique", message: "Value must be unique." },
  });
  expect(await pb.collection("notes").getFullList()).toEqual(notesBefore);
  expect(await pb.collection("labels").getFullList({ filter: 'name = "fresh"' })).toEqual([]);
  expect(noteFolders()).toEqual(foldersBefore);
});

test("bad batches through the SDK: too many requests, an unsupported route", async () => {
  const pb = t.client();
  const tooMany = pb.createBatch();
  for (let i = 0; i < 21; i++) tooMany.collection("labels").create({ name: `many${i}` });
  const err = (await tooMany.send().catch((e: unknown) => e)) as ClientResponseError;
  expect(err.status).toBe(400);
  expect(err.response.message).toBe("Invalid batch request data.");
  expect(await pb.collection("labels").getFullList({ filter: 'name ~ "many"' })).toEqual([]);

  // a batch can't reach another route even through a crafted collection name
  const crafted = pb.createBatch();
  crafted.collection("labels/records/x/../..").create({ name: "crafted" });
  const craftedErr = (await crafted.send().catch((e: unknown) => e)) as ClientResponseError;
  expect(craftedErr.status).toBe(400);
  expect(await pb.collection("labels").getFullList({ filter: 'name = "crafted"' })).toEqual([]);
});

test("a subscriber gets a batch's events only after its commit, and none for a rolled-back batch", async () => {
  const pb = t.client();
  const subscriber = t.client();
  const inbox = new Inbox<RecordEvent>();
  await subscriber.collection("notes").subscribe("*", inbox.push);

  // the last sub-request waits until the test lets it go: the ones before it are written, not committed
  let reached!: () => void;
  const atGate = new Promise<void>((r) => {
    reached = r;
  });
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const gateId = t.app.onRecordCreateRequest("notes").bindFunc(async (e) => {
    if (e.record?.getString("body") === "gated") {
      reached();
      await gate;
    }
    await e.next();
  });
  try {
    const batch = pb.createBatch();
    batch.collection("notes").create({ body: "first" });
    batch.collection("notes").create({ body: "gated" });
    const sent = batch.send();
    await atGate;
    await settle(t.app, 150);
    expect(inbox.items).toEqual([]);
    open();
    const results = await sent;
    const events = await inbox.waitFor(2);
    expect(events.map((e) => [e.action, e.record.body])).toEqual([
      ["create", "first"],
      ["create", "gated"],
    ]);
    expect(events.map((e) => e.record.id)).toEqual(results.map((r) => (r.body as { id: string }).id));

    const failing = pb.createBatch();
    failing.collection("notes").create({ body: "rolled back" });
    failing.collection("notes").update(events[0]?.record.id ?? "", { body: "changed" });
    failing.collection("notes").delete(events[1]?.record.id ?? "");
    failing.collection("labels").create({ name: "" });
    await expect(failing.send()).rejects.toThrow();
    await settle(t.app, 150);
    expect(inbox.items).toHaveLength(2);
  } finally {
    t.app.onRecordCreateRequest("notes").unbind(gateId);
    await subscriber.realtime.unsubscribe();
  }
});

test("a batch whose client goes away is stopped and rolled back, and frees the write lock at once", async () => {
  let reached!: () => void;
  const atGate = new Promise<void>((r) => {
    reached = r;
  });
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const gateId = t.app.onRecordCreateRequest("notes").bindFunc(async (e) => {
    if (e.record?.getString("body") === "abandoned 2") {
      reached();
      await gate;
    }
    await e.next();
  });
  // a timeout far past the check below: only the client going away can free the lock in time
  await t.pb.settings.update({ batch: { timeout: 60 } });
  try {
    const abort = new AbortController();
    const batch = t.client().createBatch();
    batch.collection("notes").create({ body: "abandoned 1" });
    batch.collection("notes").create({ body: "abandoned 2" });
    const sent = batch.send({ signal: abort.signal }).catch((e: unknown) => e);
    await atGate;
    abort.abort();
    expect(await sent).toBeInstanceOf(ClientResponseError);
    // well before the batch's timeout, another client writes
    const started = performance.now();
    await t.client().collection("labels").create({ name: "after abort" });
    expect(performance.now() - started).toBeLessThan(15_000);
    open();
    await Bun.sleep(100);
    expect(await t.pb.collection("notes").getFullList({ filter: 'body ~ "abandoned"' })).toEqual([]);
  } finally {
    open();
    t.app.onRecordCreateRequest("notes").unbind(gateId);
    await t.pb.settings.update({ batch: { timeout: 3 } });
  }
});
