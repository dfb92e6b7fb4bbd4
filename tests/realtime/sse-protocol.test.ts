import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { createFixtures, loginAs, SseReader, settle } from "./helpers.ts";

/** The SSE protocol on the wire, as PocketBase speaks it: framing, the subscription POST and its errors. */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await createFixtures(t.pb);
});
afterAll(async () => {
  await t.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}, raw?: string): Promise<Response> {
  return fetch(`${t.url}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw ?? JSON.stringify(body),
  });
}

describe("GET /api/realtime", () => {
  test("answers an event stream whose first event is PB_CONNECT with a 40-character client id", async () => {
    const sse = await SseReader.open(t.url);
    try {
      expect(sse.response.status).toBe(200);
      expect(sse.response.headers.get("content-type")).toBe("text/event-stream");
      expect(sse.response.headers.get("cache-control")).toBe("no-store");
      expect(sse.response.headers.get("x-accel-buffering")).toBe("no");
      const [connect] = await sse.frames.waitFor(1);
      expect(connect?.event).toBe("PB_CONNECT");
      expect(connect?.id).toMatch(/^[a-zA-Z0-9]{40}$/);
      expect(JSON.parse(connect?.data ?? "")).toEqual({ clientId: connect?.id });
      expect(t.app.realtime().broker.clientById(connect?.id ?? "")).toBeDefined();
    } finally {
      sse.close();
    }
  });

  test("a client that disconnects is forgotten", async () => {
    const sse = await SseReader.open(t.url);
    const id = await sse.clientId();
    sse.close();
    for (let i = 0; i < 50 && t.app.realtime().broker.clientById(id); i++) await Bun.sleep(20);
    expect(t.app.realtime().broker.clientById(id)).toBeUndefined();
  });

  test("the connection closes after the idle timeout without messages, and after the max lifetime", async () => {
    const id = t.app.onRealtimeConnectRequest().bindFunc((e) => {
      if (e.request.headers.get("x-test-timeout") === "idle") e.idleTimeoutMs = 150;
      if (e.request.headers.get("x-test-timeout") === "max") {
        e.maxTimeoutMs = 300;
        e.idleTimeoutMs = 100_000;
      }
      return e.next();
    });
    try {
      const idle = await SseReader.open(t.url, { headers: { "x-test-timeout": "idle" } });
      const started = Date.now();
      await idle.done;
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(t.app.realtime().broker.clientById(idle.frames.items[0]?.id ?? "")).toBeUndefined();

      // messages keep an idle connection alive, but not past its max lifetime
      const max = await SseReader.open(t.url, { headers: { "x-test-timeout": "max" } });
      const maxId = await max.clientId();
      await post({ clientId: maxId, subscriptions: ["tick"] });
      const ticker = setInterval(() => t.app.realtime().send("tick", {}), 50);
      const start = Date.now();
      await max.done;
      clearInterval(ticker);
      expect(Date.now() - start).toBeGreaterThanOrEqual(200);
      expect(max.frames.items.filter((f) => f.event === "tick").length).toBeGreaterThan(0);
    } finally {
      t.app.onRealtimeConnectRequest().unbind(id);
    }
  });
});

describe("POST /api/realtime", () => {
  test("an unknown client id is a 404", async () => {
    const res = await post({ clientId: "missing", subscriptions: [] });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 404, message: "Missing or invalid client id.", data: {} });
  });

  test("bad bodies are 400s in PocketBase's shape", async () => {
    const required = await post({});
    expect(required.status).toBe(400);
    expect(await required.json()).toEqual({
      status: 400,
      message: "Something went wrong while processing your request.",
      data: { clientId: { code: "validation_required", message: "Cannot be blank." } },
    });
    const long = await post({ clientId: "x".repeat(256) });
    expect(((await long.json()) as { data: Record<string, { code: string }> }).data.clientId?.code).toBe(
      "validation_length_out_of_range",
    );
    const tooMany = await post({ clientId: "x", subscriptions: Array(1001).fill("a") });
    expect(await tooMany.json()).toMatchObject({
      data: {
        subscriptions: {
          code: "validation_length_too_long",
          message: "The length must be no more than 1000.",
          params: { max: 1000, min: 0 },
        },
      },
    });
    const tooLong = await post({ clientId: "x", subscriptions: ["a".repeat(2501), "b"] });
    expect(await tooLong.json()).toMatchObject({
      data: { subscriptions: { "0": { code: "validation_length_too_long" } } },
    });
    for (const body of [
      { clientId: 123 },
      { clientId: "x", subscriptions: "a" },
      { clientId: "x", subscriptions: [1] },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { data: unknown }).data).toEqual({});
    }
    const malformed = await post(null, {}, "{");
    expect(malformed.status).toBe(400);
    const plain = await post(null, { "content-type": "text/plain" }, "{}");
    expect(plain.status).toBe(400);
  });

  test("replaces the whole subscription set; form bodies work too; empty strings are ignored", async () => {
    const sse = await SseReader.open(t.url);
    try {
      const clientId = await sse.clientId();
      const client = t.app.realtime().broker.clientById(clientId);
      expect((await post({ clientId, subscriptions: ["a", "b", "", null] })).status).toBe(204);
      expect([...(client?.subscriptions().keys() ?? [])].sort()).toEqual(["a", "b"]);
      const form = await fetch(`${t.url}/api/realtime`, {
        method: "POST",
        body: new URLSearchParams([
          ["clientId", clientId],
          ["subscriptions", "c"],
          ["subscriptions", "12"],
        ]),
      });
      expect(form.status).toBe(204);
      expect([...(client?.subscriptions().keys() ?? [])].sort()).toEqual(["12", "c"]);
      expect((await post({ clientId, subscriptions: [] })).status).toBe(204);
      expect(client?.subscriptionCount).toBe(0);
    } finally {
      sse.close();
    }
  });

  test("auth may go from guest to a user, never from one auth to another or back to guest", async () => {
    const alice = await loginAs(t, "alice-auth@example.com");
    const bob = await loginAs(t, "bob-auth@example.com");
    const sse = await SseReader.open(t.url);
    try {
      const clientId = await sse.clientId();
      expect((await post({ clientId, subscriptions: ["a"] })).status).toBe(204);
      const asAlice = { authorization: alice.authStore.token };
      expect((await post({ clientId, subscriptions: ["a"] }, asAlice)).status).toBe(204);
      expect(t.app.realtime().clientAuth(t.app.realtime().broker.clientById(clientId)!)?.email()).toBe(
        "alice-auth@example.com",
      );
      expect((await post({ clientId, subscriptions: ["a"] }, asAlice)).status).toBe(204);
      const otherAuths: Record<string, string>[] = [{ authorization: bob.authStore.token }, {}];
      for (const headers of otherAuths) {
        const res = await post({ clientId, subscriptions: ["a"] }, headers);
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({
          status: 403,
          message: "The current and the previous request authorization don't match.",
          data: {},
        });
      }
    } finally {
      sse.close();
    }
  });
});

describe("record events on the wire", () => {
  test("the event name is the whole subscription string, options included; the data is {record, action}", async () => {
    const sse = await SseReader.open(t.url);
    try {
      const clientId = await sse.clientId();
      const notes = await t.pb.collections.getOne("notes");
      const withOptions = `notes/*?options=${encodeURIComponent(JSON.stringify({ query: { fields: "body" } }))}`;
      const subs = [withOptions, "notes", `${notes.id}/*`];
      expect((await post({ clientId, subscriptions: subs })).status).toBe(204);
      const note = await t.pb.collection("notes").create({ body: "hello" });
      await settle(t.app);
      const frames = await sse.frames.waitFor(4);
      const events = frames.slice(1);
      expect(events.map((f) => f.event).sort()).toEqual([...subs].sort());
      for (const f of events) expect(f.id).toBe(clientId);
      const byName = new Map(events.map((f) => [f.event, JSON.parse(f.data)]));
      expect(byName.get(withOptions)).toEqual({ record: { body: "hello" }, action: "create" });
      expect(byName.get("notes")).toMatchObject({ action: "create", record: { id: note.id, body: "hello" } });
    } finally {
      sse.close();
    }
  });

  test("onRealtimeMessageSend sees every message and may change or skip it", async () => {
    const id = t.app.onRealtimeMessageSend().bindFunc((e) => {
      if (e.message.name === "skip-me") return;
      if (e.message.name === "change-me") e.message = { name: e.message.name, data: '{"changed":true}' };
      return e.next();
    });
    const sse = await SseReader.open(t.url);
    try {
      const clientId = await sse.clientId();
      await post({ clientId, subscriptions: ["skip-me", "change-me"] });
      t.app.realtime().send("skip-me", { a: 1 });
      t.app.realtime().send("change-me", { a: 1 });
      const frames = await sse.frames.waitFor(2);
      await Bun.sleep(50);
      expect(sse.frames.items.slice(1)).toEqual([{ id: clientId, event: "change-me", data: '{"changed":true}' }]);
      expect(frames[0]?.event).toBe("PB_CONNECT");
    } finally {
      sse.close();
      t.app.onRealtimeMessageSend().unbind(id);
    }
  });
});
