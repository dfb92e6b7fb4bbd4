import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { recordEventsChannel } from "../../src/apis/realtime-record-events.ts";
import { ResendThrottle } from "../../src/apis/record-auth-throttle.ts";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { clusterChannels } from "../../src/core/cluster-sync.ts";
import { MemoryHub } from "../../src/tools/cluster/memory-bus.ts";
import { newTestApp, superuserEmail, superuserPassword, type TestApp } from "../helpers/test-app.ts";
import { type TestDatabases, testDatabases } from "../helpers/test-engine.ts";
import { bestOf, Inbox, type RecordEvent } from "../realtime/helpers.ts";
import { RoundRobinProxy } from "./proxy.ts";

/**
 * Two apps on one data directory joined by an in-process bus act as two processes of a cluster: what one
 * changes, the other learns (record events for its subscribers, collections, settings, auth, rate limits),
 * and the cron jobs run on one of them only.
 */

interface Node {
  t: TestApp;
  server: RunningServer;
  pb: PocketBase;
  client(): PocketBase;
}

let dir: string;
/** The nodes' databases: the data directory's files, or one PostgreSQL database they all open. */
let databases: TestDatabases;
let hub: MemoryHub;
let a: Node;
let b: Node;

async function startNode(name: string): Promise<Node> {
  const t = await newTestApp({ dir, bus: hub.join(name), keepDir: true, databases });
  const server = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
  const client = () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    return pb;
  };
  const pb = client();
  await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  return { t, server, pb, client };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-cluster-"));
  hub = new MemoryHub();
  databases = await testDatabases();
  const first = await newTestApp({ dir, keepDir: true, databases });
  await upsertSuperuser(first.app, superuserEmail, superuserPassword);
  await first.cleanup();
  a = await startNode("a");
  b = await startNode("b");
  await a.pb.collections.create({
    name: "notes",
    type: "base",
    listRule: "public = true || owner = @request.auth.id",
    viewRule: "public = true || owner = @request.auth.id",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "body", type: "text" },
      { name: "public", type: "bool" },
      { name: "owner", type: "text" },
    ],
  });
  await a.pb.collection("users").create({
    email: "u@example.com",
    password: "user-pass-123",
    passwordConfirm: "user-pass-123",
  });
}, 30000);

afterAll(async () => {
  for (const n of [a, b]) {
    n?.pb.realtime.unsubscribe().catch(() => {});
    await n?.server.stop();
    await n?.t.cleanup();
  }
  await databases?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("across the cluster", () => {
  describe("realtime subscriptions set through another node than the stream's", () => {
    let proxy: RoundRobinProxy;
    beforeAll(() => {
      // a balancer without sticky sessions that happens to send each stream to a, its requests to b
      proxy = new RoundRobinProxy(
        () => [a.server.url, b.server.url],
        (req, [onA, onB]) =>
          new URL(req.url).pathname === "/api/realtime" ? (req.method === "GET" ? onA : onB) : undefined,
      );
    });
    afterAll(() => proxy.stop());

    /** streamOnA is a client behind the proxy: its stream on node a, its subscription requests to b. */
    const streamOnA = () => {
      const pb = new PocketBase(proxy.url);
      pb.autoCancellation(false);
      return pb;
    };

    /** post sends `POST /api/realtime` straight to a node. */
    const post = (node: Node, body: unknown, token = "") =>
      fetch(`${node.server.url}/api/realtime`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
        body: JSON.stringify(body),
      });

    test("the SDK subscribes behind a round-robin balancer: the stream on one node, the request on the other", async () => {
      const pb = streamOnA();
      const inbox = new Inbox<RecordEvent>();
      const first = proxy.routed.length;
      const stop = await pb.collection("notes").subscribe("*", inbox.push);
      try {
        expect(proxy.routed.slice(first, first + 2)).toEqual([
          `GET /api/realtime -> ${a.server.url}`,
          `POST /api/realtime -> ${b.server.url}`,
        ]);
        expect(a.t.app.realtime().broker.clientById(pb.realtime.clientId)).toBeDefined();
        expect(b.t.app.realtime().broker.clientById(pb.realtime.clientId)).toBeUndefined();
        await b.client().collection("notes").create({ body: "through b", public: true });
        const [event] = await inbox.waitFor(1);
        expect(event?.record.body).toBe("through b");
      } finally {
        await stop();
      }
      // the unsubscribe went through the other node too: nothing more arrives
      await a.client().collection("notes").create({ body: "after", public: true });
      await Bun.sleep(100);
      expect(inbox.items.map((e) => e.record.body)).toEqual(["through b"]);
    });

    test("the holder checks the request's auth as for its own requests", async () => {
      const user = streamOnA();
      await user.collection("users").authWithPassword("u@example.com", "user-pass-123");
      const inbox = new Inbox<RecordEvent>();
      const stop = await user.collection("notes").subscribe("*", inbox.push);
      const clientId = user.realtime.clientId;
      try {
        const client = a.t.app.realtime().broker.clientById(clientId);
        expect(client && a.t.app.realtime().clientAuth(client)?.id).toBe(user.authStore.record?.id);
        // another auth, or none, than the client's: 403 from the holder, as PocketBase answers
        for (const token of [a.pb.authStore.token, ""]) {
          const res = await post(b, { clientId, subscriptions: ["notes"] }, token);
          expect(res.status).toBe(403);
          expect(await res.json()).toEqual({
            status: 403,
            message: "The current and the previous request authorization don't match.",
            data: {},
          });
        }
        // the same auth: applied
        const res = await post(b, { clientId, subscriptions: ["notes/x"] }, user.authStore.token);
        expect(res.status).toBe(204);
        expect([...(client?.subscriptions().keys() ?? [])]).toEqual(["notes/x"]);
      } finally {
        await stop();
      }
    });

    test("an unknown client id is 404 from any node; a bad body is answered where it came", async () => {
      for (const node of [a, b]) {
        const res = await post(node, { clientId: "nobody-holds-this", subscriptions: [] });
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ status: 404, message: "Missing or invalid client id.", data: {} });
      }
      const res = await post(b, { clientId: "", subscriptions: "x" });
      expect(res.status).toBe(400);
    });

    test("the holder's hooks answer, and their answer comes back as is", async () => {
      const pb = streamOnA();
      await pb.realtime.subscribe("news", () => {});
      const id = a.t.app.onRealtimeSubscribeRequest().bindFunc((e) => {
        if (e.subscriptions.includes("secret")) {
          e.json(418, { held: "on a", ip: e.realIp });
          return;
        }
        return e.next();
      });
      try {
        const res = await post(b, { clientId: pb.realtime.clientId, subscriptions: ["secret"] });
        expect(res.status).toBe(418);
        expect(await res.json()).toEqual({ held: "on a", ip: "127.0.0.1" });
      } finally {
        a.t.app.onRealtimeSubscribeRequest().unbind(id);
        await pb.realtime.unsubscribe();
      }
    });

    test("a malformed forwarded request is logged and dropped; the node keeps answering", async () => {
      const bus = hub.join("intruder");
      try {
        bus.publish("realtime.subscribe", { id: "x" });
        await bus.publishAndWait("realtime.subscribe", null);
        const res = await post(b, { clientId: "nobody", subscriptions: [] });
        expect(res.status).toBe(404);
      } finally {
        await bus.close();
      }
    });
  });

  test("a record created on one node reaches the subscribers of the other, rule-checked", async () => {
    const guestOnB = b.client();
    const inbox = new Inbox<RecordEvent>();
    const stop = await guestOnB.collection("notes").subscribe("*", inbox.push);
    try {
      await a.client().collection("notes").create({ body: "hidden", public: false, owner: "someone" });
      const sent: string[] = [];
      const best = await bestOf(3, 200, async (i) => {
        sent.push(`seen ${i}`);
        await a
          .client()
          .collection("notes")
          .create({ body: `seen ${i}`, public: true });
        // from the create's answer (its commit came just before): the request's own time is no part of it
        const committed = performance.now();
        await inbox.waitFor(i);
        return performance.now() - committed;
      });
      expect(best).toBeLessThan(200);
      await Bun.sleep(50);
      expect(inbox.items.map((e) => e.record.body)).toEqual(sent);
    } finally {
      await stop();
    }
  });

  test("deletes and custom messages cross too", async () => {
    const guestOnB = b.client();
    const notes = new Inbox<RecordEvent>();
    const custom = new Inbox<unknown>();
    const stopNotes = await guestOnB.collection("notes").subscribe("*", notes.push);
    const stopCustom = await guestOnB.realtime.subscribe("news", custom.push);
    try {
      const note = await a.client().collection("notes").create({ body: "gone", public: true });
      await a.client().collection("notes").delete(note.id);
      const events = await notes.waitFor(2);
      expect(events.map((e) => e.action)).toEqual(["create", "delete"]);
      expect(a.t.app.realtime().send("news", { text: "hello" })).toBe(0);
      expect(await custom.waitFor(1)).toEqual([{ text: "hello" }]);
    } finally {
      await stopNotes();
      await stopCustom();
    }
  });

  test("a rule changed on one node applies on the other at its next request", async () => {
    const guestOnB = b.client();
    const note = await a.client().collection("notes").create({ body: "x", public: true });
    await expect(guestOnB.collection("notes").getOne(note.id)).resolves.toBeDefined();
    await a.pb.collections.update("notes", { viewRule: null });
    await expect(guestOnB.collection("notes").getOne(note.id)).rejects.toMatchObject({ status: 403 });
    await a.pb.collections.update("notes", { viewRule: "public = true || owner = @request.auth.id" });
    await expect(guestOnB.collection("notes").getOne(note.id)).resolves.toBeDefined();
  });

  test("settings saved on one node are in force on the other at once", async () => {
    await a.pb.settings.update({ meta: { appName: "Clustered" } });
    expect(b.t.app.settings().meta.appName).toBe("Clustered");
  });

  test("a password changed on one node drops the user's private events on the other", async () => {
    const user = b.client();
    await user.collection("users").authWithPassword("u@example.com", "user-pass-123");
    const id = user.authStore.record?.id ?? "";
    const inbox = new Inbox<RecordEvent>();
    const stop = await user.collection("notes").subscribe("*", inbox.push);
    try {
      await a.client().collection("notes").create({ body: "mine", public: false, owner: id });
      await inbox.waitFor(1);
      await a.pb.collection("users").update(id, { password: "new-pass-456", passwordConfirm: "new-pass-456" });
      await a.client().collection("notes").create({ body: "after", public: false, owner: id });
      await Bun.sleep(100);
      expect(inbox.items.map((e) => e.record.body)).toEqual(["mine"]);
    } finally {
      await stop().catch(() => {});
    }
  });

  test("rate limits count the requests of every node", async () => {
    await a.pb.settings.update({
      rateLimits: { enabled: true, rules: [{ label: "/api/health", maxRequests: 4, duration: 60, audience: "" }] },
    });
    try {
      const statuses: number[] = [];
      for (const n of [a, b, a, b, a, b]) statuses.push((await fetch(`${n.server.url}/api/health`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await a.pb.settings.update({ rateLimits: { enabled: false, rules: [] } });
    }
  });

  test("a verification or password reset mail sent by one node holds back the same mail on the others", async () => {
    ResendThrottle.of(a.t.app).set("@limitVerificationEmail_x");
    await Bun.sleep(5);
    expect(ResendThrottle.of(b.t.app).has("@limitVerificationEmail_x")).toBe(true);
    ResendThrottle.of(b.t.app).remove("@limitVerificationEmail_x");
    await Bun.sleep(5);
    expect(ResendThrottle.of(a.t.app).has("@limitVerificationEmail_x")).toBe(false);
  });

  test("the cron jobs run on one node, and on the other once it stops", async () => {
    const third = await startNode("c");
    try {
      const started = [a, b, third].filter((n) => n.t.app.cron().hasStarted());
      expect(started.length).toBe(1);
      const leader = started[0] === a ? a : started[0] === b ? b : third;
      expect(leader).toBe(a);
      await third.server.stop();
      expect(a.t.app.cron().hasStarted()).toBe(true);
      expect(b.t.app.cron().hasStarted()).toBe(false);
    } finally {
      await third.t.cleanup();
      await third.t.app.cluster().close();
    }
  });

  test("a backup can be made, but not restored, while other processes share the data directory", async () => {
    await a.pb.backups.create("cluster.zip");
    await expect(b.pb.backups.restore("cluster.zip")).rejects.toMatchObject({
      status: 400,
      response: { message: expect.stringContaining("restart with --workers=1 to restore") },
    });
    expect((await b.pb.collection("notes").getList(1, 1)).totalItems).toBeGreaterThan(0);
  });

  test("malformed bus messages are logged and dropped; the node keeps serving", async () => {
    const rogue = hub.join("rogue");
    try {
      rogue.publish(recordEventsChannel, { action: "explode", row: 5 });
      rogue.publish(recordEventsChannel, "not an object");
      rogue.publish(clusterChannels.auth, { collectionId: 1 });
      rogue.publish(clusterChannels.realtimeMessage, null);
      rogue.publish("ratelimit.hit", [1, 2]);
      rogue.publish("no such channel", { a: 1 });
      await Bun.sleep(20);
      expect((await fetch(`${b.server.url}/api/health`)).status).toBe(200);
      expect((await fetch(`${a.server.url}/api/health`)).status).toBe(200);
    } finally {
      await rogue.close();
    }
  });
});
