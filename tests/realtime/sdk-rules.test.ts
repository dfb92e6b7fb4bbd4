import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { createFixtures, Inbox, loginAs, type RecordEvent, settle } from "./helpers.ts";

/** Through the official SDK: record events, and the rules that decide who gets them. */

let t: TestServer;
let alice: PocketBase;
let bob: PocketBase;
let aliceId: string;
let bobId: string;

beforeAll(async () => {
  t = await startTestServer();
  await createFixtures(t.pb);
  alice = await loginAs(t, "alice@example.com");
  bob = await loginAs(t, "bob@example.com");
  aliceId = alice.authStore.record?.id ?? "";
  bobId = bob.authStore.record?.id ?? "";
});
afterAll(async () => {
  for (const c of [alice, bob, t.pb]) await c.realtime.unsubscribe();
  await t.stop();
});

async function subscribe(
  pb: PocketBase,
  collection: string,
  topic: string,
  options?: Record<string, unknown>,
): Promise<{ inbox: Inbox<RecordEvent>; stop: () => Promise<void> }> {
  const inbox = new Inbox<RecordEvent>();
  const stop = await pb.collection(collection).subscribe(topic, inbox.push, options);
  return { inbox, stop };
}

describe("record events", () => {
  test("create, update and delete arrive in order with the record as the API shows it", async () => {
    const guest = t.client();
    const { inbox, stop } = await subscribe(guest, "notes", "*");
    try {
      const note = await guest.collection("notes").create({ body: "one" });
      await guest.collection("notes").update(note.id, { body: "two" });
      await guest.collection("notes").delete(note.id);
      const events = await inbox.waitFor(3);
      expect(events.map((e) => e.action)).toEqual(["create", "update", "delete"]);
      expect(events.map((e) => e.record.body)).toEqual(["one", "two", "two"]);
      const view = { ...note, body: "two" };
      expect(events[1]?.record).toEqual(view);
    } finally {
      await stop();
    }
  });

  test("records saved by code and inside transactions are sent after the commit; a rolled-back write sends nothing", async () => {
    const guest = t.client();
    const { inbox, stop } = await subscribe(guest, "notes", "*");
    try {
      const notes = t.app.findCachedCollectionByNameOrId("notes")!;
      const { RecordModel } = await import("../../src/core/record-model.ts");
      await t.app
        .runInTransaction(async (tx) => {
          const r = new RecordModel(notes);
          r.set("body", "rolled back");
          await tx.save(r);
          throw new Error("abort");
        })
        .catch(() => {});
      let committed = "";
      await t.app.runInTransaction(async (tx) => {
        const r = new RecordModel(notes);
        r.set("body", "committed");
        await tx.save(r);
        committed = r.id;
        await settle(t.app, 50);
        // nothing leaves before the commit
        expect(inbox.items).toEqual([]);
      });
      const [event] = await inbox.waitFor(1);
      await settle(t.app);
      expect(inbox.items.length).toBe(1);
      expect(event?.record.id).toBe(committed);
      expect(event?.record.body).toBe("committed");
    } finally {
      await stop();
    }
  });

  test("a failed delete sends nothing; the delete of a record someone could see reaches them", async () => {
    const post = await alice.collection("posts").create({ title: "to delete", owner: aliceId });
    const a = await subscribe(alice, "posts", "*");
    const b = await subscribe(bob, "posts", "*");
    const blocker = t.app.onRecordDeleteExecute("posts").bindFunc(() => {
      throw new Error("blocked");
    });
    try {
      await expect(alice.collection("posts").delete(post.id)).rejects.toThrow();
      t.app.onRecordDeleteExecute("posts").unbind(blocker);
      await settle(t.app);
      expect(a.inbox.items).toEqual([]);
      await alice.collection("posts").delete(post.id);
      const [event] = await a.inbox.waitFor(1);
      expect(event).toMatchObject({ action: "delete", record: { id: post.id, title: "to delete" } });
      await settle(t.app);
      expect(b.inbox.items).toEqual([]);
    } finally {
      t.app.onRecordDeleteExecute("posts").unbind(blocker);
      await a.stop();
      await b.stop();
    }
  });
});

describe("rules per subscriber", () => {
  test("`*` topics follow the list rule: each owner gets only their own posts, guests none", async () => {
    const a = await subscribe(alice, "posts", "*");
    const b = await subscribe(bob, "posts", "*");
    const g = await subscribe(t.client(), "posts", "*");
    try {
      await alice.collection("posts").create({ title: "alice's", owner: aliceId });
      await bob.collection("posts").create({ title: "bob's", owner: bobId });
      await a.inbox.waitFor(1);
      await b.inbox.waitFor(1);
      await settle(t.app);
      expect(a.inbox.items.map((e) => e.record.title)).toEqual(["alice's"]);
      expect(b.inbox.items.map((e) => e.record.title)).toEqual(["bob's"]);
      expect(g.inbox.items).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop(), g.stop()]);
    }
  });

  test("record topics follow the view rule", async () => {
    const post = await alice.collection("posts").create({ title: "watched", owner: aliceId });
    const a = await subscribe(alice, "posts", post.id);
    const b = await subscribe(bob, "posts", post.id);
    try {
      await alice.collection("posts").update(post.id, { title: "watched 2" });
      const [event] = await a.inbox.waitFor(1);
      expect(event).toMatchObject({ action: "update", record: { id: post.id, title: "watched 2" } });
      await settle(t.app);
      expect(b.inbox.items).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test("a rule change applies to the next event", async () => {
    const post = await alice.collection("posts").create({ title: "v1", owner: aliceId });
    const b = await subscribe(bob, "posts", "*");
    try {
      await t.pb.collections.update("posts", { listRule: "" });
      await alice.collection("posts").update(post.id, { title: "v2" });
      await b.inbox.waitFor(1);
      await t.pb.collections.update("posts", { listRule: "owner = @request.auth.id" });
      await alice.collection("posts").update(post.id, { title: "v3" });
      await settle(t.app);
      expect(b.inbox.items.map((e) => e.record.title)).toEqual(["v2"]);
    } finally {
      await t.pb.collections.update("posts", { listRule: "owner = @request.auth.id" });
      await b.stop();
    }
  });

  test("a rule that needs the database (a relation) is checked per subscriber", async () => {
    await t.pb.collections.update("posts", { listRule: "owner.name = @request.auth.name" });
    const a = await subscribe(alice, "posts", "*");
    const b = await subscribe(bob, "posts", "*");
    try {
      await alice.collection("posts").create({ title: "by relation", owner: aliceId });
      await a.inbox.waitFor(1);
      await settle(t.app);
      expect(a.inbox.items.map((e) => e.record.title)).toEqual(["by relation"]);
      expect(b.inbox.items).toEqual([]);
    } finally {
      await t.pb.collections.update("posts", { listRule: "owner = @request.auth.id" });
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test("unsubscribe stops delivery", async () => {
    const a = await subscribe(alice, "posts", "*");
    await alice.collection("posts").create({ title: "before", owner: aliceId });
    await a.inbox.waitFor(1);
    await a.stop();
    await alice.collection("posts").create({ title: "after", owner: aliceId });
    await settle(t.app);
    expect(a.inbox.items.map((e) => e.record.title)).toEqual(["before"]);
  });

  test("a client whose token was invalidated (password change, deleted user) stops receiving private events", async () => {
    const carol = await loginAs(t, "carol@example.com");
    const carolId = carol.authStore.record?.id ?? "";
    const c = await subscribe(carol, "posts", "*");
    const pub = await subscribe(carol, "notes", "*");
    try {
      await carol.collection("posts").create({ title: "seen", owner: carolId });
      await c.inbox.waitFor(1);
      await t.pb.collection("users").update(carolId, { password: "another-pass-1", passwordConfirm: "another-pass-1" });
      await t.pb.collection("posts").create({ title: "unseen", owner: carolId });
      await t.pb.collection("notes").create({ body: "public still flows" });
      await pub.inbox.waitFor(1);
      await settle(t.app);
      expect(c.inbox.items.map((e) => e.record.title)).toEqual(["seen"]);
    } finally {
      await Promise.all([c.stop(), pub.stop()]);
    }

    const dave = await loginAs(t, "dave@example.com");
    const daveId = dave.authStore.record?.id ?? "";
    const d = await subscribe(dave, "posts", "*");
    try {
      await t.pb.collection("posts").create({ title: "mine", owner: daveId });
      await d.inbox.waitFor(1);
      await t.pb.collection("users").delete(daveId);
      // dave's client is a guest now: bob's posts stay hidden from it, as they were
      await bob.collection("posts").create({ title: "bob's again", owner: bobId });
      await settle(t.app);
      expect(d.inbox.items.map((e) => e.record.title)).toEqual(["mine"]);
      const client = [...t.app.realtime().broker.clients()].find((cl) => cl.id === dave.realtime.clientId);
      expect(client && t.app.realtime().clientAuth(client)).toBeNull();
    } finally {
      await d.stop();
    }
  });

  test("changing an auth collection's token secret drops its clients' auth", async () => {
    const erin = await loginAs(t, "erin@example.com");
    const erinId = erin.authStore.record?.id ?? "";
    const e = await subscribe(erin, "posts", "*");
    try {
      const client = t.app.realtime().broker.clientById(erin.realtime.clientId);
      expect(client && t.app.realtime().clientAuth(client)?.id).toBe(erinId);
      await t.pb.collections.update("users", { authToken: { secret: "x".repeat(50) } });
      expect(client && t.app.realtime().clientAuth(client)).toBeNull();
      await t.pb.collection("posts").create({ title: "hidden now", owner: erinId });
      await settle(t.app);
      expect(e.inbox.items).toEqual([]);
    } finally {
      await e.stop();
    }
    // tokens of that collection are all void now: log the fixtures' users in again
    alice = await loginAs(t, "alice@example.com");
    bob = await loginAs(t, "bob@example.com");
  });
});

describe("subscription options", () => {
  test("filter, expand and fields apply per subscription", async () => {
    const tag = await t.pb.collection("tags").create({ label: "red" });
    const options = { filter: "title ~ 'match'", expand: "tag", fields: "id,title,expand.tag.label" };
    const a = await subscribe(alice, "posts", "*", options);
    const plain = await subscribe(alice, "posts", "*");
    try {
      await alice.collection("posts").create({ title: "no", owner: aliceId, tag: tag.id });
      const post = await alice.collection("posts").create({ title: "a match", owner: aliceId, tag: tag.id });
      await plain.inbox.waitFor(2);
      const [event] = await a.inbox.waitFor(1);
      await settle(t.app);
      expect(a.inbox.items.length).toBe(1);
      expect(event).toEqual({
        action: "create",
        record: { id: post.id, title: "a match", expand: { tag: { label: "red" } } },
      });
      expect(plain.inbox.items[0]?.record.expand).toBeUndefined();
    } finally {
      await Promise.all([a.stop(), plain.stop()]);
    }
  });

  test("non-superusers can't filter by @request or @collection; superusers can", async () => {
    const options = { filter: "@request.auth.id != ''" };
    const a = await subscribe(alice, "notes", "*", options);
    const su = await subscribe(t.pb, "notes", "*", options);
    try {
      await t.pb.collection("notes").create({ body: "filtered" });
      await su.inbox.waitFor(1);
      await settle(t.app);
      expect(a.inbox.items).toEqual([]);
    } finally {
      await Promise.all([a.stop(), su.stop()]);
    }
  });

  test("hidden fields only reach superusers; emails reach their owner and superusers", async () => {
    const su = await subscribe(t.pb, "posts", "*");
    const a = await subscribe(alice, "posts", "*");
    const selfA = await subscribe(alice, "users", aliceId);
    const selfSu = await subscribe(t.pb, "users", aliceId);
    try {
      await t.pb.collection("posts").create({ title: "with secret", secret: "s3", owner: aliceId });
      const [suEvent] = await su.inbox.waitFor(1);
      const [aEvent] = await a.inbox.waitFor(1);
      expect(suEvent?.record.secret).toBe("s3");
      expect(aEvent?.record).not.toHaveProperty("secret");
      await t.pb.collection("users").update(aliceId, { name: "Alice", emailVisibility: false });
      const [own] = await selfA.inbox.waitFor(1);
      const [bySu] = await selfSu.inbox.waitFor(1);
      expect(own?.record.email).toBe("alice@example.com");
      expect(bySu?.record.email).toBe("alice@example.com");
      expect(own?.record).not.toHaveProperty("password");
      expect(own?.record).not.toHaveProperty("tokenKey");
    } finally {
      await Promise.all([su.stop(), a.stop(), selfA.stop(), selfSu.stop()]);
    }
  });
});

describe("custom topics", () => {
  test("a hook broadcasts to a custom topic the SDK subscribed to", async () => {
    const id = t.app.onRecordAfterCreateSuccess("notes").bindFunc((e) => {
      e.app.realtime().send("custom-topic", { note: e.record.id, text: "hi from a hook" });
      return e.next();
    });
    const guest = t.client();
    const inbox = new Inbox<unknown>();
    const stop = await guest.realtime.subscribe("custom-topic", inbox.push);
    try {
      const note = await guest.collection("notes").create({ body: "x" });
      const [msg] = await inbox.waitFor(1);
      expect(msg).toEqual({ note: note.id, text: "hi from a hook" });
    } finally {
      t.app.onRecordAfterCreateSuccess("notes").unbind(id);
      await stop();
    }
  });
});
