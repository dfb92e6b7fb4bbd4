import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { createFixtures, loginAs, settle, WsClient } from "./helpers.ts";

/** Our WebSocket protocol at /api/realtime/ws: same topics, options, rules and payloads as SSE. */

let t: TestServer;
let alice: PocketBase;
let aliceId: string;

beforeAll(async () => {
  t = await startTestServer();
  await createFixtures(t.pb);
  alice = await loginAs(t, "alice@example.com");
  aliceId = alice.authStore.record?.id ?? "";
});
afterAll(async () => {
  await t.stop();
});

describe("/api/realtime/ws", () => {
  test("a plain GET is a 400, not an upgrade", async () => {
    const res = await fetch(`${t.url}/api/realtime/ws`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 400, message: "The request is not a WebSocket upgrade.", data: {} });
  });

  test("connect, subscribe, receive record events in order, unsubscribe", async () => {
    const ws = await WsClient.open(t.url);
    try {
      const connect = ws.inbox.items[0];
      expect(connect).toEqual({ type: "connect", clientId: expect.stringMatching(/^[a-zA-Z0-9]{40}$/) });
      expect(await ws.request({ type: "subscribe", topics: ["notes/*"] })).toMatchObject({
        type: "subscriptions",
        topics: ["notes/*"],
      });
      const note = await t.pb.collection("notes").create({ body: "one" });
      await t.pb.collection("notes").update(note.id, { body: "two" });
      await t.pb.collection("notes").delete(note.id);
      await settle(t.app);
      expect(ws.events("notes/*")).toEqual([
        { record: { ...note, body: "one" }, action: "create" },
        { record: { ...note, body: "two" }, action: "update" },
        { record: { ...note, body: "two" }, action: "delete" },
      ]);
      expect(await ws.request({ type: "unsubscribe", topics: ["notes/*"] })).toMatchObject({ topics: [] });
      await t.pb.collection("notes").create({ body: "unheard" });
      await settle(t.app);
      expect(ws.events("notes/*").length).toBe(3);
    } finally {
      ws.close();
    }
  });

  test("auth by token message: owner-only rules apply; a bad token is a 401 and changes nothing", async () => {
    const ws = await WsClient.open(t.url);
    try {
      await ws.request({ type: "subscribe", topics: ["posts/*"] });
      await t.pb.collection("posts").create({ title: "as guest", owner: aliceId });
      const bad = await ws.request({ type: "auth", token: "garbage" });
      expect(bad).toMatchObject({ type: "error", status: 401 });
      const ok = await ws.request({ type: "auth", token: alice.authStore.token });
      expect(ok).toMatchObject({ type: "auth", auth: { id: aliceId, collectionName: "users" } });
      await t.pb.collection("posts").create({ title: "as alice", owner: aliceId });
      await t.pb.collection("posts").create({ title: "not alice's", owner: "" });
      await settle(t.app);
      const titles = ws.events("posts/*").map((d) => (d.record as { title: string }).title);
      // a guest sees posts without an owner (the rule compares with an empty auth id), alice her own
      expect(titles).toEqual(["as alice"]);
      expect((await ws.request({ type: "auth", token: "" })) as object).toMatchObject({ auth: null });
    } finally {
      ws.close();
    }
  });

  test("the upgrade's Authorization header authenticates; a password change drops the auth and says so", async () => {
    const bob = await loginAs(t, "bob-ws@example.com");
    const bobId = bob.authStore.record?.id ?? "";
    const ws = await WsClient.open(t.url, { Authorization: bob.authStore.token });
    try {
      const opts = encodeURIComponent(JSON.stringify({ query: { fields: "title" } }));
      const topic = `posts/*?options=${opts}`;
      await ws.request({ type: "subscribe", topics: [topic] });
      await t.pb.collection("posts").create({ title: "bob's", owner: bobId });
      await ws.next((m) => m.type === "event");
      expect(ws.events(topic)).toEqual([{ record: { title: "bob's" }, action: "create" }]);
      await t.pb.collection("users").update(bobId, { password: "new-pass-123", passwordConfirm: "new-pass-123" });
      expect(await ws.next((m) => m.type === "auth" && m.auth === null)).toBeTruthy();
      await t.pb.collection("posts").create({ title: "bob's, unseen", owner: bobId });
      await settle(t.app);
      expect(ws.events(topic).length).toBe(1);
    } finally {
      ws.close();
    }
  });

  test("bad messages get errors in PocketBase's shape and keep the socket open", async () => {
    const ws = await WsClient.open(t.url);
    try {
      ws.socket.send("not json");
      expect(await ws.next((m) => m.type === "error")).toMatchObject({ status: 400 });
      expect(await ws.request({ type: "nope" })).toMatchObject({ type: "error", status: 400 });
      expect(await ws.request({ type: "subscribe" })).toMatchObject({
        type: "error",
        data: { topics: { code: "validation_required" } },
      });
      expect(await ws.request({ type: "subscribe", topics: ["a".repeat(2501)] })).toMatchObject({
        data: { topics: { "0": { code: "validation_length_too_long" } } },
      });
      expect(await ws.request({ type: "subscribe", topics: [1] })).toMatchObject({ type: "error", status: 400 });
      const many = Array.from({ length: 1000 }, (_, i) => `t${i}`);
      expect(await ws.request({ type: "subscribe", topics: many })).toMatchObject({ type: "subscriptions" });
      expect(await ws.request({ type: "subscribe", topics: ["one more"] })).toMatchObject({ type: "error" });
      expect(await ws.request({ type: "ping" })).toMatchObject({ type: "pong" });
      // an id nested past JSON.stringify's reach: the reply that would echo it is a 400 of its own
      const deep = `${"[".repeat(100_000)}1${"]".repeat(100_000)}`;
      const errors = ws.inbox.items.filter((m) => m.type === "error").length;
      ws.socket.send(`{"id":${deep},"type":"ping"}`);
      await ws.next(() => ws.inbox.items.filter((m) => m.type === "error").length > errors);
      expect(ws.inbox.items.filter((m) => m.type === "error").at(-1)).toEqual({
        type: "error",
        status: 400,
        message: "Messages must not nest deeper than 10000 levels.",
        data: {},
      });
      expect(await ws.request({ type: "ping" })).toMatchObject({ type: "pong" });
    } finally {
      ws.close();
    }
  });

  test("custom messages from app.realtime().send reach WebSocket subscribers; closing unregisters", async () => {
    const ws = await WsClient.open(t.url);
    const clientId = ws.inbox.items[0]?.clientId as string;
    await ws.request({ type: "subscribe", topics: ["custom-topic"] });
    t.app.realtime().send("custom-topic", { hello: "ws" });
    expect(await ws.next((m) => m.type === "event")).toEqual({
      type: "event",
      topic: "custom-topic",
      data: { hello: "ws" },
    });
    ws.close();
    await ws.closed;
    for (let i = 0; i < 50 && t.app.realtime().broker.clientById(clientId); i++) await Bun.sleep(10);
    expect(t.app.realtime().broker.clientById(clientId)).toBeUndefined();
  });
});
