import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { SseReader } from "./helpers.ts";

/**
 * A client's subscriptions share one expand budget per record event, the limits of one response: a thousand
 * subscriptions each expanding a thousand records made every event build a million on the main thread.
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
