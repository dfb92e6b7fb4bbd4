import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Collection } from "../../src/core/collection-model.ts";
import {
  compileAccessCheck,
  realtimeSubscriberBudget,
  runAccessChecks,
  snapshotValues,
} from "../../src/core/realtime-access.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import type { RequestInfo } from "../../src/core/request-event.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * A subscription's filter is the client's own: one whose joins run away (a back-relation compared with itself,
 * item by item) must neither stall the server nor hold the other subscribers' events back.
 */

let t: TestApp;
const runaway = "comments_via_post.text = comments_via_post.text && comments_via_post.text ~ 'zzz'";

beforeAll(async () => {
  t = await newTestApp();
  const { Collection } = await import("../../src/core/collection-model.ts");
  const posts = Collection.create("base", "posts");
  posts.applyJSON({ listRule: "", fields: [{ name: "title", type: "text" }] } as never);
  await t.app.saveCollection(posts);
  const p = t.app.findCachedCollectionByNameOrId("posts") as Collection;
  const comments = Collection.create("base", "comments");
  comments.applyJSON({
    listRule: "",
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: p.id, maxSelect: 1 },
    ],
  } as never);
  await t.app.saveCollection(comments);
  for (const id of ["post00000000big", "post0000000tiny"]) {
    const r = new RecordModel(p);
    r.load({ id, title: id });
    await t.app.save(r);
  }
  const at = t.app.db.dialect.placeholder;
  await t.app.runInTransaction(async (tx) => {
    // 5000 comments of one post: the filter reads their 25 million pairs; two of the other post match it
    for (let i = 0; i < 5002; i++) {
      const [post, text] = i < 5000 ? ["post00000000big", "abc"] : ["post0000000tiny", "zzz"];
      await tx.db.run(`INSERT INTO comments (id, text, post) VALUES (${at(1)}, ${at(2)}, ${at(3)})`, [
        `c${String(i).padStart(14, "0")}`,
        text,
        post,
      ]);
    }
  });
});
afterAll(async () => {
  await t.cleanup();
});

test("a subscription filter whose joins run away is checked off the main thread and given up at its budget", async () => {
  const posts = t.app.findCachedCollectionByNameOrId("posts") as Collection;
  const info: RequestInfo = {
    query: { filter: runaway },
    headers: {},
    body: {},
    method: "GET",
    auth: null,
    context: "realtime",
  };
  const check = compileAccessCheck(t.app, posts, "", info);
  expect(check.kind === "check" && check.query?.risky).toBe(true);
  const budget = realtimeSubscriberBudget.ms;
  realtimeSubscriberBudget.ms = 300;
  try {
    for (const [id, expected] of [
      ["post0000000tiny", true],
      ["post00000000big", false],
    ] as const) {
      const row = RecordModel.fromRow(posts, { id, title: id }).dbExport();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = performance.now();
      const [allowed] = await runAccessChecks(t.app, posts, [check], row, snapshotValues(posts, row), () => "guest");
      const took = performance.now() - started;
      clearInterval(timer);
      expect([id, allowed]).toEqual([id, expected]);
      if (id === "post00000000big") {
        // the event loop ran meanwhile (a check on the main thread let no timer fire), and the check was cut
        // at its budget rather than read to its end (seconds)
        expect(ticks).toBeGreaterThan(5);
        expect(took).toBeLessThan(5000);
      }
    }
  } finally {
    realtimeSubscriberBudget.ms = budget;
  }
}, 60_000);

test("one subscriber's database checks share its budget; another's run in full", async () => {
  const posts = t.app.findCachedCollectionByNameOrId("posts") as Collection;
  const user = new RecordModel(t.app.findCachedCollectionByNameOrId("users") as Collection);
  user.load({ email: "reader@example.com", password: "reader-pass-1", name: "reader" });
  await t.app.save(user);
  const guest = (filter: string): RequestInfo => ({
    query: { filter },
    headers: {},
    body: {},
    method: "GET",
    auth: null,
    context: "realtime",
  });
  const checks = [
    compileAccessCheck(t.app, posts, "", guest(runaway)),
    compileAccessCheck(t.app, posts, "", guest("comments_via_post.text ?= comments_via_post.text")),
    // not risky (the auth record's own row), asked on its own: the same budget holds it
    compileAccessCheck(t.app, posts, "@request.auth.name != title", { ...guest(""), auth: user }),
  ];
  const plain = checks[2];
  expect(plain?.kind === "check" && plain.memory === null && plain.query?.risky === false).toBe(true);
  const budget = realtimeSubscriberBudget.ms;
  realtimeSubscriberBudget.ms = 300;
  try {
    const row = RecordModel.fromRow(posts, { id: "post00000000big", title: "big" }).dbExport();
    const values = snapshotValues(posts, row);
    // the same requester: its first check spends the budget, the others aren't asked
    expect(await runAccessChecks(t.app, posts, checks, row, values, () => "one")).toEqual([false, false, false]);
    // each its own requester: the others' checks are their own
    expect(await runAccessChecks(t.app, posts, checks, row, values, (i) => `guest${i}`)).toEqual([false, true, true]);
  } finally {
    realtimeSubscriberBudget.ms = budget;
  }
}, 60_000);
