import { afterAll, beforeAll, expect, test } from "bun:test";
import { realtimeSubscriberBudget } from "../../src/core/realtime-access.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { SseReader, settle } from "./helpers.ts";

/**
 * A client's subscriptions share one budget per record event: the expand limits of one response (a thousand
 * subscriptions each expanding a thousand records made every event build a million on the main thread) and
 * a time for making its messages.
 */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

interface Event {
  record: { expand?: { comments_via_post?: unknown[] } };
}

async function subscribe(reader: SseReader, count: number, auth = ""): Promise<void> {
  const clientId = await reader.clientId();
  const subscriptions = Array.from(
    { length: count },
    // each its own options, so each its own message
    (_, i) =>
      `posts/*?options=${encodeURIComponent(JSON.stringify({ query: { expand: "comments_via_post", n: `${i}` } }))}`,
  );
  const res = await fetch(`${t.url}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ clientId, subscriptions }),
  });
  expect(res.status).toBe(204);
}

/** expandedCounts lists, per message received, how many comments it carried expanded. */
function expandedCounts(reader: SseReader): number[] {
  return reader.frames.items
    .slice(1)
    .map((f) => (JSON.parse(f.data) as Event).record.expand?.comments_via_post?.length ?? 0)
    .sort((a, b) => b - a);
}

test("a client's subscriptions expand together up to one response's limits; past them, records go unexpanded", async () => {
  const posts = await t.pb.collections.create({
    name: "posts",
    listRule: "",
    viewRule: "",
    fields: [{ name: "title", type: "text" }],
  });
  await t.pb.collections.create({
    name: "comments",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 },
    ],
  });
  const post = await t.pb.collection("posts").create({ title: "p" });
  for (let i = 0; i < 10; i++) await t.pb.collection("comments").create({ text: `c${i}`, post: post.id });
  const limits = t.app.expandLimits;
  const max = limits.maxRecords;
  limits.maxRecords = 25;
  const guest = await SseReader.open(t.url);
  const superuser = await SseReader.open(t.url);
  try {
    await subscribe(guest, 10);
    await subscribe(superuser, 2, t.pb.authStore.token);
    await t.pb.collection("posts").update(post.id, { title: "q" });
    await guest.frames.waitFor(11);
    await superuser.frames.waitFor(3);
    // every subscription hears of the update; two of the guest's fit 25 records, the others come unexpanded
    expect(expandedCounts(guest)).toEqual([10, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    // another requester's budget is its own
    expect(expandedCounts(superuser)).toEqual([10, 10]);
  } finally {
    limits.maxRecords = max;
    guest.close();
    superuser.close();
  }
});

test("past a subscriber's time for one event, its other messages aren't made; another subscriber's are", async () => {
  await t.pb.collections.create({ name: "notes", listRule: "", fields: [{ name: "body", type: "editor" }] });
  const guest = await SseReader.open(t.url);
  const superuser = await SseReader.open(t.url);
  const budget = realtimeSubscriberBudget.ms;
  try {
    const guestId = await guest.clientId();
    // twenty subscriptions whose messages differ (each its own excerpt length): twenty to make
    const subscriptions = Array.from(
      { length: 20 },
      (_, i) =>
        `notes/*?options=${encodeURIComponent(JSON.stringify({ query: { fields: `id,body:excerpt(${100_000 + i})` } }))}`,
    );
    const sub = await fetch(`${t.url}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: guestId, subscriptions }),
    });
    expect(sub.status).toBe(204);
    const suId = await superuser.clientId();
    const suSub = await fetch(`${t.url}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: t.pb.authStore.token },
      body: JSON.stringify({ clientId: suId, subscriptions: ["notes/*"] }),
    });
    expect(suSub.status).toBe(204);
    // a millisecond: making one excerpt of a megabyte takes longer
    realtimeSubscriberBudget.ms = 1;
    await t.pb.collection("notes").create({ body: `<p>${"word ".repeat(200_000)}</p>` });
    await superuser.frames.waitFor(2);
    await settle(t.app);
    const made = guest.frames.items.length - 1;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThan(20);
  } finally {
    realtimeSubscriberBudget.ms = budget;
    guest.close();
    superuser.close();
  }
});
