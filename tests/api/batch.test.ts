import { expect } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { PasswordValue } from "../../src/core/field-password.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import type { RecordRequestEvent } from "../../src/core/request-event.ts";
import { sql } from "../../src/db/sql.ts";
import { defineFixture, runScenarios, type Scenario, send } from "../helpers/api-scenario.ts";
import type { TestApp } from "../helpers/test-app.ts";

/** `POST /api/batch`: sub-requests through the records API's own handlers, in one transaction. */

const seededPost = "post00000000001";
const seededFile = "seeded_1234567890.txt";
const posts = "/api/collections/posts/records";
const tags = "/api/collections/tags/records";

async function setBatch(app: App, batch: Partial<ReturnType<App["settings"]>["batch"]>): Promise<void> {
  const s = app.settings();
  await app.saveSettings({ ...s, batch: { ...s.batch, ...batch } });
}

const fixture = defineFixture(async (app) => {
  const p = Collection.create("base", "posts");
  p.applyJSON({
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "title", type: "text", required: true, max: 20 },
      { name: "doc", type: "file", maxSelect: 2, maxSize: 1 << 20 },
      { name: "n", type: "number" },
    ],
  });
  await app.saveCollection(p);
  const t = Collection.create("base", "tags");
  t.applyJSON({
    listRule: "",
    viewRule: "",
    fields: [{ name: "name", type: "text", required: true }],
    indexes: ["CREATE UNIQUE INDEX idx_tags_name ON tags (name)"],
  });
  await app.saveCollection(t);
  const ctx = Collection.create("base", "ctx");
  ctx.applyJSON({
    createRule: '@request.context = "batch" && @request.headers.x_token = "abc"',
    fields: [{ name: "t", type: "text" }],
  });
  await app.saveCollection(ctx);
  const members = Collection.create("base", "members");
  members.applyJSON({ createRule: "@request.auth.id != ''", fields: [{ name: "who", type: "text" }] });
  await app.saveCollection(members);

  const post = new RecordModel(p);
  post.load({ id: seededPost, title: "first", doc: [] });
  await app.save(post);
  // a stored file with a known name
  await app.filesystem().upload(`${p.id}/${seededPost}/${seededFile}`, new TextEncoder().encode("seeded"));
  await app.db.run(sql`UPDATE posts SET doc = ${JSON.stringify([seededFile])} WHERE id = ${seededPost}`);

  const users = app.findCachedCollectionByNameOrId("users");
  if (!users) throw new Error("no users collection");
  const alice = new RecordModel(users);
  alice.load({ email: "alice@example.com", password: "alice-pass-123", passwordConfirm: "alice-pass-123" });
  await app.save(alice);

  // a generous timeout: a batch that hashes passwords (bcrypt at the users' default cost) outlasted 3 s on
  // PostgreSQL with the test passes at once on a loaded machine; the timeout scenario sets its own
  await setBatch(app, { enabled: true, maxRequests: 12, timeout: 30, maxBodySize: 0 });
});

/** What a batch may change: the rows of the test collections and the stored files. */
async function snapshot(t: TestApp): Promise<unknown> {
  const rows: Record<string, unknown> = {};
  for (const c of ["posts", "tags", "ctx", "members"]) rows[c] = await t.app.db.all(`SELECT * FROM ${c} ORDER BY id`);
  return { rows, files: storedFiles(t) };
}

/** storedFiles lists the storage folder's files (without their `.attrs` side files). */
function storedFiles(t: TestApp): string[] {
  const root = join(t.dir, "storage");
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => !f.endsWith(".attrs") && /\.[a-z]+$/.test(f))
    .sort();
}

/**
 * losesNothing checks that the database and the storage are as they were before the request (after `check`,
 * which sees the response); `before` prepares the scenario's app.
 */
function losesNothing(
  before?: (t: TestApp) => Promise<void> | void,
  check?: NonNullable<Scenario["afterTest"]>,
): Pick<Scenario, "beforeTest" | "afterTest"> {
  let state: unknown;
  return {
    beforeTest: async (t) => {
      await before?.(t);
      state = await snapshot(t);
    },
    afterTest: async (t, res) => {
      await check?.(t, res);
      expect(await snapshot(t)).toEqual(state);
    },
  };
}

/** The stall of the timeout scenario, let go by the test once it has seen another request write meanwhile. */
let stalled = Promise.withResolvers<void>();
let woke = Promise.withResolvers<void>();

/** eventually waits for work the server finishes in the background (a generous deadline: machines are loaded). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("the server's background work did not finish in 10 s");
    await Bun.sleep(20);
  }
}

async function countRows(t: TestApp, table: string, where = "1=1"): Promise<number> {
  const row = await t.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
  return row?.n ?? 0;
}

/** The error body of a batch whose sub-request at `index` failed with `response`. */
function failedAt(index: number, response: Record<string, unknown>): unknown {
  return {
    data: {
      requests: {
        [String(index)]: { code: "batch_request_failed", message: "Batch request failed.", response },
      },
    },
    message: "Batch transaction failed.",
    status: 400,
  };
}

/** multipart builds a batch as the SDK sends it: the JSON under @jsonPayload, files under `requests.N.field`. */
function multipart(requests: unknown[], files: Record<string, File[]>): FormData {
  const form = new FormData();
  form.append("@jsonPayload", JSON.stringify({ requests }));
  for (const [key, list] of Object.entries(files)) for (const f of list) form.append(key, f);
  return form;
}

/** A body stream with no declared length (a chunked upload). */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 64) controller.enqueue(bytes.slice(i, i + 64));
      controller.close();
    },
  });
}

const tenWrites = [
  ...Array.from({ length: 5 }, (_, i) => ({ method: "POST", url: posts, body: { title: `p${i}` } })),
  ...Array.from({ length: 4 }, (_, i) => ({ method: "POST", url: tags, body: { name: `t${i}` } })),
  { method: "PATCH", url: `${posts}/${seededPost}`, body: { title: "renamed" } },
];

runScenarios("batch: settings and limits", fixture, [
  {
    name: "a disabled batch is refused before its body is read",
    method: "POST",
    url: "/api/batch",
    body: "not even JSON",
    headers: { "content-type": "application/json" },
    auth: "superuser",
    expectedStatus: 403,
    expectedContent: ['"message":"Batch requests are not allowed."'],
    expectedEvents: { "*": 0 },
    ...losesNothing((t) => setBatch(t.app, { enabled: false })),
  },
  {
    name: "maxRequests 0 refuses batches too",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "POST", url: posts, body: { title: "x" } }] },
    expectedStatus: 403,
    expectedEvents: { "*": 0 },
    // the settings can't be saved so (maxRequests is required when enabled), but a hook may set them
    ...losesNothing((t) => {
      t.app.settings().batch.maxRequests = 0;
    }),
  },
  {
    name: "more requests than maxRequests",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: Array.from({ length: 13 }, (_, i) => ({ method: "POST", url: posts, body: { title: `x${i}` } })),
    },
    expectedStatus: 400,
    expectedEvents: { "*": 0 },
    ...losesNothing(undefined, (_t, res) => {
      expect(res.json).toEqual({
        data: {
          requests: {
            code: "validation_length_too_long",
            message: "The length must be no more than 12.",
            params: { max: 12, min: 0 },
          },
        },
        message: "Invalid batch request data.",
        status: 400,
      });
    }),
  },
  {
    name: "a body over maxBodySize (declared length) is a 413",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "POST", url: posts, body: { title: "x".repeat(300) } }] },
    expectedStatus: 413,
    expectedContent: ['"message":"Request entity too large."'],
    expectedEvents: { "*": 0 },
    ...losesNothing((t) => setBatch(t.app, { maxBodySize: 200 })),
  },
  {
    name: "a chunked body is stopped at maxBodySize while it is read",
    method: "POST",
    url: "/api/batch",
    headers: { "content-type": "application/json" },
    body: chunked(JSON.stringify({ requests: [{ method: "POST", url: posts, body: { title: "y".repeat(400) } }] })),
    expectedStatus: 413,
    expectedEvents: { "*": 0 },
    ...losesNothing((t) => setBatch(t.app, { maxBodySize: 200 })),
  },
  {
    name: "a multipart batch whose files pass maxBodySize is a 413",
    method: "POST",
    url: "/api/batch",
    body: multipart([{ method: "POST", url: posts, body: { title: "f" } }], {
      "requests.0.doc": [new File(["z".repeat(5000)], "big.txt")],
    }),
    expectedStatus: 413,
    expectedEvents: { "*": 0 },
    ...losesNothing((t) => setBatch(t.app, { maxBodySize: 1000 })),
  },
  {
    name: "under the limit the same multipart batch passes",
    method: "POST",
    url: "/api/batch",
    body: multipart([{ method: "POST", url: posts, body: { title: "f" } }], {
      "requests.0.doc": [new File(["z".repeat(500)], "big.txt")],
    }),
    beforeTest: (t) => setBatch(t.app, { maxBodySize: 1000 }),
    expectedStatus: 200,
    expectedEvents: { onBatchRequest: 1, onRecordAfterCreateSuccess: 1 },
  },
  {
    name: "the answers of a batch together are bounded as one response's expands are (--maxExpandMiB)",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: Array.from({ length: 10 }, (_, i) => ({ method: "POST", url: posts, body: { title: `t${i}` } })),
    },
    expectedStatus: 400,
    ...losesNothing(
      (t) => {
        // each answer is ~110 bytes: the fifth passes 512
        t.app.expandLimits.maxBytes = 512;
      },
      (_t, res) => {
        expect(res.json).toEqual(
          failedAt(4, {
            data: {},
            message:
              "The batch's answers would take more than 512 bytes; send fewer requests, or ask for fewer fields and expands.",
            status: 400,
          }),
        );
      },
    ),
  },
  {
    name: "a batch past its timeout is stopped and rolled back, files included; others write at once",
    method: "POST",
    url: "/api/batch",
    body: multipart(
      [
        { method: "POST", url: posts, body: { title: "before" } },
        { method: "POST", url: posts, body: { title: "slow" } },
        { method: "POST", url: posts, body: { title: "after" } },
      ],
      { "requests.0.doc": [new File(["a"], "before.txt")], "requests.1.doc": [new File(["b"], "slow.txt")] },
    ),
    timeoutMs: 30_000,
    expectedStatus: 400,
    expectedEvents: { onRecordCreateRequest: 2, onRecordAfterCreateSuccess: 0, onRecordAfterCreateError: 1 },
    ...losesNothing(
      async (t) => {
        await setBatch(t.app, { timeout: 1 });
        // the second sub-request stalls after its file was stored and its row written, until the test lets it go
        stalled = Promise.withResolvers<void>();
        woke = Promise.withResolvers<void>();
        const gate = stalled;
        t.app.onRecordCreateExecute("posts").bindFunc(async (e) => {
          await e.next();
          if (e.record.getString("title") === "slow") {
            await gate.promise;
            woke.resolve();
          }
        });
      },
      async (t, res) => {
        expect(res.json).toEqual({ data: {}, message: "Batch transaction failed.", status: 400 });
        // the writer lock is free again: another request writes while the stopped batch's sub-request still
        // stalls (it would wait for the stall to end if the batch still held the lock)
        const other = await send(t.app, { method: "POST", url: tags, body: { name: "meanwhile" }, auth: "superuser" });
        expect(other.status).toBe(200);
        await t.app.db.run("DELETE FROM tags WHERE name = 'meanwhile'");
        // when the stalled sub-request wakes up, its transaction is gone: it writes nothing more, and the
        // file it stored is removed
        stalled.resolve();
        await woke.promise;
        await eventually(
          async () =>
            (await countRows(t, "posts", "title IN ('before', 'slow', 'after')")) === 0 &&
            !storedFiles(t).some((f) => /\/slow_\w+\.txt$/.test(f)),
        );
        expect(await countRows(t, "posts", "title IN ('before', 'slow', 'after')")).toBe(0);
      },
    ),
  },
]);

runScenarios("batch: writes across collections", fixture, [
  {
    name: "10 writes across two collections commit together",
    method: "POST",
    url: "/api/batch",
    auth: "superuser",
    body: { requests: tenWrites },
    expectedStatus: 200,
    expectedEvents: {
      onBatchRequest: 1,
      onRecordCreateRequest: 9,
      onRecordUpdateRequest: 1,
      onRecordAfterCreateSuccess: 9,
      onRecordAfterUpdateSuccess: 1,
      onRecordAfterCreateError: 0,
    },
    afterTest: async (t, res) => {
      const results = res.json as { status: number; body: Record<string, unknown> }[];
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(results.map((r) => r.body.title ?? r.body.name)).toEqual([
        "p0",
        "p1",
        "p2",
        "p3",
        "p4",
        "t0",
        "t1",
        "t2",
        "t3",
        "renamed",
      ]);
      expect(Object.keys(results[0]?.body ?? {}).sort()).toEqual([
        "collectionId",
        "collectionName",
        "doc",
        "id",
        "n",
        "title",
      ]);
      expect(await countRows(t, "posts")).toBe(6);
      expect(await countRows(t, "tags")).toBe(4);
      expect(await countRows(t, "posts", "title = 'renamed'")).toBe(1);
    },
  },
  {
    name: "a failing 10th write rolls back the nine before it",
    method: "POST",
    url: "/api/batch",
    auth: "superuser",
    body: { requests: [...tenWrites.slice(0, 9), { method: "POST", url: tags, body: { name: "t0" } }] },
    expectedStatus: 400,
    expectedEvents: { onRecordAfterCreateSuccess: 0, onRecordAfterCreateError: 10 },
    ...losesNothing(),
    afterTest: async (t, res) => {
      expect(res.json).toEqual(
        failedAt(9, {
          data: { name: { code: "validation_not_unique", message: "Value must be unique." } },
          message: "Failed to create record.",
          status: 400,
        }),
      );
      expect(await countRows(t, "posts")).toBe(1);
      expect(await countRows(t, "tags")).toBe(0);
    },
  },
  {
    name: "a validation error at index 3 names index 3",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "a" } },
        { method: "POST", url: posts, body: { title: "b" } },
        { method: "POST", url: posts, body: { title: "c" } },
        { method: "POST", url: posts, body: { title: "" } },
        { method: "POST", url: posts, body: { title: "e" } },
      ],
    },
    expectedStatus: 400,
    expectedEvents: { onRecordCreateRequest: 4, onRecordAfterCreateSuccess: 0 },
    ...losesNothing(undefined, async (_t, res) => {
      expect(res.json).toEqual(
        failedAt(3, {
          data: { title: { code: "validation_required", message: "Cannot be blank." } },
          message: "Failed to create record.",
          status: 400,
        }),
      );
    }),
  },
  {
    name: "create, update, upsert (both ways) and delete",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: `${posts}?fields=title`, body: { title: "new" } },
        { method: "PATCH", url: `${posts}/${seededPost}?fields=id,title`, body: { title: "patched", "n+": 5 } },
        { method: "PUT", url: `${posts}?fields=id,title,n`, body: { id: seededPost, title: "upserted", "n+": 1 } },
        { method: "PUT", url: `${posts}?fields=id,title`, body: { id: "upsertnew000001", title: "created" } },
        { method: "PUT", url: `${posts}?fields=title`, body: { title: "no id" } },
        { method: "DELETE", url: `${posts}/upsertnew000001` },
      ],
    },
    expectedStatus: 200,
    expectedEvents: {
      onRecordCreateRequest: 3,
      onRecordUpdateRequest: 2,
      onRecordDeleteRequest: 1,
      onRecordAfterCreateSuccess: 3,
      onRecordAfterUpdateSuccess: 2,
      onRecordAfterDeleteSuccess: 1,
    },
    afterTest: async (t, res) => {
      expect(res.json).toEqual([
        { body: { title: "new" }, status: 200 },
        { body: { id: seededPost, title: "patched" }, status: 200 },
        { body: { id: seededPost, title: "upserted", n: 6 }, status: 200 },
        { body: { id: "upsertnew000001", title: "created" }, status: 200 },
        { body: { title: "no id" }, status: 200 },
        { body: null, status: 204 },
      ]);
      expect(await t.app.db.all("SELECT title FROM posts ORDER BY title")).toEqual([
        { title: "new" },
        { title: "no id" },
        { title: "upserted" },
      ]);
    },
  },
  {
    name: "`fields` of the batch URL picks from each result",
    method: "POST",
    url: "/api/batch?fields=status",
    body: { requests: [{ method: "DELETE", url: `${posts}/${seededPost}` }] },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([{ status: 204 }]);
    },
  },
  {
    name: "an unknown collection fails the batch with the sub-request's 404",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "a" } },
        { method: "POST", url: "/api/collections/nope/records", body: {} },
      ],
    },
    expectedStatus: 400,
    ...losesNothing(undefined, async (_t, res) => {
      expect(res.json).toEqual(failedAt(1, { data: {}, message: "Missing collection context.", status: 404 }));
    }),
  },
  {
    name: "an upsert into an unknown collection is a create there: the same 404",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "PUT", url: "/api/collections/nope/records", body: { id: seededPost } }] },
    expectedStatus: 400,
    expectedContent: ['"message":"Missing collection context."'],
    ...losesNothing(),
  },
  {
    name: "an update of a missing record is the sub-request's 404",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "PATCH", url: `${posts}/missing`, body: { title: "x" } }] },
    expectedStatus: 400,
    expectedContent: ['"response":{"data":{},"message":"The requested resource wasn\'t found.","status":404}'],
    ...losesNothing(),
  },
]);

const unsupported = (name: string, request: Record<string, unknown>): Scenario => ({
  name,
  method: "POST",
  url: "/api/batch",
  auth: "superuser",
  body: { requests: [{ method: "POST", url: posts, body: { title: "ok" } }, request] },
  expectedStatus: 400,
  expectedEvents: { onRecordAfterCreateSuccess: 0 },
  ...losesNothing(undefined, async (_t, res) => {
    expect(res.json).toEqual(
      failedAt(1, { data: {}, message: "Something went wrong while processing your request.", status: 400 }),
    );
  }),
});

runScenarios("batch: unsupported sub-requests and bad bodies", fixture, [
  unsupported("a list is not a batch action", { method: "GET", url: posts }),
  unsupported("a view is not a batch action", { method: "GET", url: `${posts}/${seededPost}` }),
  unsupported("collections can't be created in a batch", { method: "POST", url: "/api/collections", body: {} }),
  unsupported("auth endpoints can't be called in a batch", {
    method: "POST",
    url: "/api/collections/users/auth-with-password",
    body: { identity: "alice@example.com", password: "alice-pass-123" },
  }),
  unsupported("an absolute URL matches no action", { method: "POST", url: `http://127.0.0.1${posts}`, body: {} }),
  unsupported("PUT with an id in the path matches no action", { method: "PUT", url: `${posts}/${seededPost}` }),
  {
    name: "a method outside the list, a lowercase one and a missing URL fail the validation",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [{ method: "post", url: posts }, { method: "OPTIONS" }, { method: "POST", url: "x".repeat(2001) }],
    },
    expectedStatus: 400,
    expectedEvents: { "*": 0 },
    afterTest: (_t, res) => {
      const invalid = { code: "validation_in_invalid", message: "Must be a valid value." };
      expect(res.json).toEqual({
        data: {
          requests: {
            "0": { method: invalid },
            "1": { method: invalid, url: { code: "validation_required", message: "Cannot be blank." } },
            "2": {
              url: {
                code: "validation_length_too_long",
                message: "The length must be no more than 2000.",
                params: { max: 2000, min: 0 },
              },
            },
          },
        },
        message: "Invalid batch request data.",
        status: 400,
      });
    },
  },
  ...(
    [
      ["malformed JSON", '{"requests":[', "application/json"],
      ["requests that isn't a list", '{"requests":{"0":{}}}', "application/json"],
      ["a body that isn't an object", '{"requests":[{"method":"POST","url":"/x","body":"x"}]}', "application/json"],
      [
        "headers that aren't strings",
        '{"requests":[{"method":"POST","url":"/x","headers":{"a":1}}]}',
        "application/json",
      ],
      ["a method that isn't a string", '{"requests":[{"method":1,"url":"/x"}]}', "application/json"],
      ["an item that isn't an object", '{"requests":[[]]}', "application/json"],
      ["a JSON array", "[]", "application/json"],
      ["a text body", "hello", "text/plain"],
      ["a urlencoded body", "requests=1", "application/x-www-form-urlencoded"],
    ] as const
  ).map(
    ([what, body, type]): Scenario => ({
      name: `${what} can't be read`,
      method: "POST",
      url: "/api/batch",
      headers: { "content-type": type },
      body,
      expectedStatus: 400,
      expectedEvents: { "*": 0 },
      afterTest: (_t, res) => {
        expect(res.json).toEqual({ data: {}, message: "Failed to read the submitted batch data.", status: 400 });
      },
    }),
  ),
  {
    name: "a multipart @jsonPayload that isn't JSON can't be read",
    method: "POST",
    url: "/api/batch",
    body: (() => {
      const form = new FormData();
      form.append("@jsonPayload", "{bad");
      return form;
    })(),
    expectedStatus: 400,
    expectedContent: ['"message":"Failed to read the submitted batch data."'],
  },
  {
    name: "a null item is an empty request (PocketBase answers 500)",
    method: "POST",
    url: "/api/batch",
    body: { requests: [null] },
    expectedStatus: 400,
    expectedContent: ['"message":"Invalid batch request data."', '"0":{"method":{"code":"validation_required"'],
  },
  {
    name: "an empty body and an empty list are both a missing list",
    method: "POST",
    url: "/api/batch",
    expectedStatus: 400,
    expectedContent: ['{"data":{"requests":{"code":"validation_required","message":"Cannot be blank."}}'],
  },
  {
    name: "keys match as Go binds them, case-insensitively",
    method: "POST",
    url: "/api/batch",
    body: { Requests: [{ Method: "POST", URL: `${posts}?fields=title`, Body: { title: "ci" } }] },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([{ body: { title: "ci" }, status: 200 }]);
    },
  },
  {
    name: "GET /api/batch is not a route",
    url: "/api/batch",
    expectedStatus: 404,
    expectedEvents: { "*": 0 },
  },
]);

runScenarios("batch: requester, rules, headers and hooks", fixture, [
  {
    name: "a guest's sub-request is checked against its own collection's rules",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "guest" } },
        { method: "POST", url: tags, body: { name: "guest" } },
      ],
    },
    expectedStatus: 400,
    ...losesNothing(undefined, async (_t, res) => {
      expect(res.json).toEqual(
        failedAt(1, { data: {}, message: "Only superusers can perform this action.", status: 403 }),
      );
    }),
  },
  {
    name: "the same batch as a superuser",
    method: "POST",
    url: "/api/batch",
    auth: "superuser",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "su" } },
        { method: "POST", url: tags, body: { name: "su" } },
      ],
    },
    expectedStatus: 200,
    expectedEvents: { onRecordAfterCreateSuccess: 2 },
  },
  (() => {
    // the superuser's token is made on the scenario's app, so the body is read when the request is sent
    let token = "";
    return {
      name: "an Authorization header of a sub-request is ignored: it acts as the batch's requester",
      method: "POST",
      url: "/api/batch",
      get body() {
        return { requests: [{ method: "POST", url: tags, headers: { Authorization: token }, body: { name: "x" } }] };
      },
      beforeTest: async (t: TestApp) => {
        const su = await t.app.findAuthRecordByEmail("_superusers", "root@example.com");
        if (!su) throw new Error("no superuser");
        token = await newAuthToken(su);
      },
      expectedStatus: 400,
      expectedContent: ['"message":"Only superusers can perform this action.","status":403'],
    };
  })(),
  {
    name: "auth records: a sign-up, a password change and a delete with their system hooks, in one batch",
    method: "POST",
    url: "/api/batch",
    auth: "superuser",
    body: {
      requests: [
        {
          method: "POST",
          url: "/api/collections/users/records?fields=email",
          body: { email: "bob@example.com", password: "bob-pass-1234", passwordConfirm: "bob-pass-1234" },
        },
        {
          method: "PATCH",
          url: "/api/collections/users/records/BOB?fields=email",
          body: { password: "bob-pass-5678", passwordConfirm: "bob-pass-5678" },
        },
        { method: "DELETE", url: "/api/collections/users/records/ALICE" },
      ],
    },
    beforeTest: async (t) => {
      const alice = await t.app.findAuthRecordByEmail("users", "alice@example.com");
      // ids known only on the scenario's app: the batch's hook fills them in
      t.app.onBatchRequest().bindFunc(async (e) => {
        const [, update, remove] = e.batch;
        if (update) update.url = update.url.replace("BOB", "bob000000000001");
        if (remove) remove.url = remove.url.replace("ALICE", alice?.id ?? "");
        const create = e.batch[0];
        if (create) create.body.id = "bob000000000001";
        await e.next();
      });
    },
    expectedStatus: 200,
    expectedEvents: { onRecordAfterCreateSuccess: 1, onRecordAfterUpdateSuccess: 1, onRecordAfterDeleteSuccess: 1 },
    afterTest: async (t, res) => {
      expect(res.json).toEqual([
        { body: { email: "bob@example.com" }, status: 200 },
        { body: { email: "bob@example.com" }, status: 200 },
        { body: null, status: 204 },
      ]);
      const bob = await t.app.findAuthRecordByEmail("users", "bob@example.com");
      const password = bob?.getRaw("password");
      expect(password instanceof PasswordValue && (await password.validate("bob-pass-5678"))).toBe(true);
      expect(await t.app.findAuthRecordByEmail("users", "alice@example.com")).toBeNull();
    },
  },
  {
    name: "each sub-request counts against its collection's rate limit; the batch against its path's",
    method: "POST",
    url: "/api/batch",
    body: { requests: [1, 2, 3].map((i) => ({ method: "POST", url: posts, body: { title: `r${i}` } })) },
    expectedStatus: 400,
    ...losesNothing(
      async (t) => {
        const s = t.app.settings();
        const rule = { audience: "" as const, duration: 60, maxRequests: 2 };
        await t.app.saveSettings({
          ...s,
          rateLimits: {
            ...s.rateLimits,
            enabled: true,
            rules: [
              { ...rule, label: "posts:create" },
              { ...rule, label: "/api/batch" },
            ],
          },
        });
      },
      async (t, res) => {
        expect(res.json).toEqual(failedAt(2, { data: {}, message: "Too Many Requests.", status: 429 }));
        const again = await send(t.app, { method: "POST", url: "/api/batch", body: { requests: [] } });
        expect(again.status).toBe(400);
        const third = await send(t.app, { method: "POST", url: "/api/batch", body: { requests: [] } });
        expect(third.json).toEqual({ data: {}, message: "Too Many Requests.", status: 429 });
      },
    ),
  },
  {
    name: "an authenticated requester passes an auth rule",
    method: "POST",
    url: "/api/batch",
    auth: { collection: "users", email: "alice@example.com" },
    body: {
      requests: [{ method: "POST", url: "/api/collections/members/records?fields=who", body: { who: "alice" } }],
    },
    expectedStatus: 200,
    afterTest: (_t, res) => {
      expect(res.json).toEqual([{ body: { who: "alice" }, status: 200 }]);
    },
  },
  {
    name: "a guest doesn't",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "POST", url: "/api/collections/members/records", body: { who: "guest" } }] },
    expectedStatus: 400,
    expectedContent: ['"response":{"data":{},"message":"Failed to create record.","status":400}'],
    ...losesNothing(),
  },
  {
    name: 'sub-requests run with @request.context "batch" and the batch\'s headers',
    method: "POST",
    url: "/api/batch",
    headers: { "x-token": "abc" },
    body: { requests: [{ method: "POST", url: "/api/collections/ctx/records?fields=t", body: { t: "1" } }] },
    expectedStatus: 200,
    expectedContent: ['[{"body":{"t":"1"},"status":200}]'],
  },
  {
    name: "a sub-request's own headers are added to the batch's",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        {
          method: "POST",
          url: "/api/collections/ctx/records?fields=t",
          headers: { "X-Token": "abc" },
          body: { t: "2" },
        },
        { method: "POST", url: "/api/collections/ctx/records", body: { t: "3" } },
      ],
    },
    expectedStatus: 400,
    expectedContent: ['"requests":{"1":', '"message":"Failed to create record."'],
  },
  {
    name: "the same rule outside a batch fails (context default)",
    method: "POST",
    url: "/api/collections/ctx/records",
    headers: { "x-token": "abc" },
    body: { t: "4" },
    expectedStatus: 400,
  },
  {
    name: "each sub-request runs inside the one before it: hooks wrap the rest of the batch",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "h1" } },
        { method: "POST", url: posts, body: { title: "h2" } },
        { method: "DELETE", url: `${posts}/${seededPost}` },
      ],
    },
    expectedStatus: 200,
    ...(() => {
      const log: string[] = [];
      const title = (e: RecordRequestEvent) => e.record?.getString("title") ?? "";
      return {
        beforeTest: (t: TestApp) => {
          log.length = 0;
          for (const hook of [t.app.onRecordCreateRequest("posts"), t.app.onRecordDeleteRequest("posts")]) {
            hook.bindFunc(async (e) => {
              log.push(`before ${title(e)} (${e.context})`);
              await e.next();
              log.push(`after ${title(e)}`);
            });
          }
          t.app.onRecordAfterCreateSuccess("posts").bindFunc(async (e) => {
            log.push(`success ${e.record.getString("title")}`);
            await e.next();
          });
          t.app.onBatchRequest().bindFunc(async (e) => {
            log.push(`batch ${e.batch.length}`);
            await e.next();
            log.push("batch done");
          });
        },
        afterTest: () => {
          expect(log).toEqual([
            "batch 3",
            "before h1 (batch)",
            "before h2 (batch)",
            "before first (batch)",
            "after first",
            "after h2",
            "after h1",
            "success h1",
            "success h2",
            "batch done",
          ]);
        },
      };
    })(),
  },
  {
    name: "a handler that doesn't call next() still lets the batch go on",
    method: "POST",
    url: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: posts, body: { title: "skipped" } },
        { method: "POST", url: posts, body: { title: "saved" } },
      ],
    },
    beforeTest: (t) => {
      t.app.onRecordCreateRequest("posts").bindFunc(async (e) => {
        if (e.record?.getString("title") === "skipped") {
          e.json(202, { skipped: true });
          return;
        }
        await e.next();
      });
    },
    expectedStatus: 200,
    afterTest: async (t, res) => {
      const results = res.json as { status: number; body: Record<string, unknown> }[];
      expect(results[0]).toEqual({ body: { skipped: true }, status: 202 });
      expect(results[1]?.body.title).toBe("saved");
      expect(await countRows(t, "posts", "title = 'skipped'")).toBe(0);
      expect(await countRows(t, "posts", "title = 'saved'")).toBe(1);
    },
  },
  {
    name: "onBatchRequest may change the batch or refuse it",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "POST", url: posts, body: { title: "from client" } }] },
    beforeTest: (t) => {
      t.app.onBatchRequest().bindFunc(async (e) => {
        const first = e.batch[0];
        if (first) first.body.title = "from hook";
        await e.next();
      });
    },
    expectedStatus: 200,
    afterTest: async (t) => {
      expect(await countRows(t, "posts", "title = 'from hook'")).toBe(1);
    },
  },
]);

/** The storage folder of a record of the posts collection. */
function postFolder(t: TestApp, id: string): string {
  return join(t.dir, "storage", t.app.findCachedCollectionByNameOrId("posts")?.id ?? "", id);
}

/** The files of a record of the posts collection. */
function postFiles(t: TestApp, id: string): string[] {
  const dir = postFolder(t, id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => !f.endsWith(".attrs") && !f.startsWith("thumbs_"));
}

async function docOf(t: TestApp, id: string): Promise<string[]> {
  const row = await t.app.db.get<{ doc: string }>(sql`SELECT doc FROM posts WHERE id = ${id}`);
  return row ? (JSON.parse(row.doc) as string[]) : [];
}

runScenarios("batch: files", fixture, [
  {
    name: "files under requests.N.field and requests[N].field are uploaded with their records",
    method: "POST",
    url: "/api/batch",
    body: multipart(
      [
        { method: "POST", url: posts, body: { id: "withfiles000001", title: "files" } },
        { method: "PATCH", url: `${posts}/${seededPost}`, body: { title: "more" } },
      ],
      {
        "requests.0.doc": [new File(["one"], "one.txt")],
        "requests[0].doc": [new File(["two"], "two.txt")],
        "requests.1.doc+": [new File(["three"], "three.txt")],
        "requests.7.doc": [new File(["nobody's"], "stray.txt")],
        other: [new File(["other"], "other.txt")],
      },
    ),
    expectedStatus: 200,
    afterTest: async (t) => {
      const created = await docOf(t, "withfiles000001");
      expect(created.map((n) => n.replace(/_[a-z0-9]{10}\.txt$/, ""))).toEqual(["one", "two"]);
      expect(postFiles(t, "withfiles000001").sort()).toEqual([...created].sort());
      const seeded = await docOf(t, seededPost);
      expect(seeded[0]).toBe(seededFile);
      expect(seeded).toHaveLength(2);
      expect(postFiles(t, seededPost).sort()).toEqual([...seeded].sort());
    },
  },
  {
    name: "files sent under a field replace the names the JSON gave it (as PocketBase): the old file goes after the commit",
    method: "POST",
    url: "/api/batch",
    // were the name kept, the upload would be a third file for a field of two (a validation error)
    body: multipart([{ method: "PATCH", url: `${posts}/${seededPost}`, body: { doc: [seededFile, "x.txt"] } }], {
      "requests.0.doc": [new File(["new"], "new.txt")],
    }),
    expectedStatus: 200,
    afterTest: async (t) => {
      const doc = await docOf(t, seededPost);
      expect(doc).toHaveLength(1);
      expect(doc[0]).toStartWith("new_");
      expect(postFiles(t, seededPost)).toEqual(doc);
    },
  },
  {
    name: "a failing batch removes the files its earlier sub-requests uploaded and keeps the ones they replaced or deleted",
    method: "POST",
    url: "/api/batch",
    body: multipart(
      [
        { method: "POST", url: posts, body: { id: "withfiles000002", title: "files" } },
        { method: "PATCH", url: `${posts}/${seededPost}`, body: { "doc-": [seededFile] } },
        { method: "DELETE", url: `${posts}/${seededPost}` },
        { method: "POST", url: posts, body: { title: "" } },
      ],
      {
        "requests.0.doc": [new File(["one"], "one.txt")],
        "requests.3.doc": [new File(["two"], "two.txt")],
      },
    ),
    expectedStatus: 400,
    expectedEvents: { onRecordAfterCreateError: 2, onRecordAfterUpdateError: 1, onRecordAfterDeleteError: 1 },
    ...losesNothing(undefined, async (t, res) => {
      expect((res.json as { data: { requests: Record<string, unknown> } }).data.requests).toHaveProperty("3");
      expect(postFiles(t, seededPost)).toEqual([seededFile]);
      // not even an empty folder of the record that was never created
      expect(existsSync(postFolder(t, "withfiles000002"))).toBe(false);
    }),
  },
  {
    name: "a create that fails with files for an existing record's id leaves that record's files alone",
    method: "POST",
    url: "/api/batch",
    body: multipart([{ method: "POST", url: posts, body: { id: seededPost, title: "twin" } }], {
      "requests.0.doc": [new File(["twin"], "twin.txt")],
    }),
    expectedStatus: 400,
    ...losesNothing(undefined, (_t, res) => {
      expect(res.text).toContain('"requests":{"0":');
    }),
  },
  {
    name: "a committed delete removes the record's files",
    method: "POST",
    url: "/api/batch",
    body: { requests: [{ method: "DELETE", url: `${posts}/${seededPost}` }] },
    expectedStatus: 200,
    afterTest: (t) => {
      expect(postFiles(t, seededPost)).toEqual([]);
    },
  },
]);
