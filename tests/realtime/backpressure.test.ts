import { afterAll, beforeAll, expect, test } from "bun:test";
import net from "node:net";
import { fanOutBacklog } from "../../src/apis/realtime-record-events.ts";
import { SseTransport, sseMaxQueuedBytes } from "../../src/apis/realtime-sse.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { SseReader } from "./helpers.ts";

/** A subscriber that stops reading is cut off at a fixed bound and costs the others nothing. */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

/** stalledSocket opens a raw connection, sends `request` and stops reading once the first bytes arrive. */
function stalledSocket(request: string): Promise<{ socket: net.Socket; first: string }> {
  const port = Number(new URL(t.url).port);
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    socket.once("data", (d) => {
      socket.pause();
      resolve({ socket, first: d.toString() });
    });
  });
}

/**
 * flood sends `count` messages of `size` bytes in batches of 50; `paced` (given the number sent so far) may hold
 * the next batch back, so that a reading client on a loaded machine is never more than a batch behind.
 */
async function flood(
  topic: string,
  count: number,
  size: number,
  watch: () => void,
  paced: (sent: number) => Promise<unknown> = () => Bun.sleep(1),
): Promise<void> {
  const pad = "x".repeat(size);
  for (let i = 0; i < count; i++) {
    t.app.realtime().send(topic, { i, pad });
    watch();
    if ((i + 1) % 50 === 0) await paced(i + 1);
  }
}

test("an SSE client that stops reading is dropped once its queue reaches the bound; a reading one gets everything", async () => {
  const { socket, first } = await stalledSocket("GET /api/realtime HTTP/1.1\r\nHost: x\r\n\r\n");
  const slowId = /id:(\w+)/.exec(first)?.[1] ?? "";
  const healthy = await SseReader.open(t.url);
  const healthyId = await healthy.clientId();
  try {
    for (const clientId of [slowId, healthyId]) {
      const res = await fetch(`${t.url}/api/realtime`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId, subscriptions: ["flood"] }),
      });
      expect(res.status).toBe(204);
    }
    const slow = t.app.realtime().broker.clientById(slowId);
    expect(slow?.transport).toBeInstanceOf(SseTransport);
    const transport = slow?.transport as SseTransport;
    let maxQueued = 0;
    // 24 MB for each subscriber: far more than the socket buffers and the queue bound together
    const count = 3000;
    // the reading client keeps up within a batch (400 kB, under the 1 MiB bound); the stalled one can't
    await flood(
      "flood",
      count,
      8000,
      () => {
        maxQueued = Math.max(maxQueued, transport.queuedBytes);
      },
      (sent) => healthy.frames.waitFor(sent - 50 + 1, 20_000),
    );
    await healthy.frames.waitFor(count + 1, 20_000);
    expect(healthy.frames.items.length).toBe(count + 1);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(sseMaxQueuedBytes);
    expect(transport.isClosed).toBe(true);
    expect(t.app.realtime().broker.clientById(slowId)).toBeUndefined();
  } finally {
    socket.destroy();
    healthy.close();
  }
}, 30_000);

test("a WebSocket client that stops reading is closed at the backpressure limit", async () => {
  const { socket, first } = await stalledSocket(
    "GET /api/realtime/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  expect(first).toStartWith("HTTP/1.1 101");
  const clients = [...t.app.realtime().broker.clients()];
  const client = clients[clients.length - 1];
  expect(client).toBeDefined();
  client?.subscribe("flood");
  try {
    await flood("flood", 3000, 8000, () => {});
    for (let i = 0; i < 500 && t.app.realtime().broker.clientById(client?.id ?? ""); i++) await Bun.sleep(20);
    expect(t.app.realtime().broker.clientById(client?.id ?? "")).toBeUndefined();
  } finally {
    socket.destroy();
  }
}, 30_000);

test("record events past the fan-out's backlog hold their writes' answers back until there is room; none is lost", async () => {
  const bound = fanOutBacklog.events;
  fanOutBacklog.events = 3;
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // the fan-out's payloads (made for the client's own request) wait; the creates' own answers don't
  const enrich = t.app.onRecordEnrich(async (e) => {
    if (e.request?.url.pathname === "/api/realtime") await gate;
    return e.next();
  }, "backlog");
  const reader = await SseReader.open(t.url);
  try {
    await t.pb.collections.create({
      name: "backlog",
      listRule: "",
      createRule: "",
      fields: [{ name: "n", type: "number" }],
    });
    const clientId = await reader.clientId();
    const sub = await fetch(`${t.url}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId, subscriptions: ["backlog/*"] }),
    });
    expect(sub.status).toBe(204);
    const create = (n: number) =>
      fetch(`${t.url}/api/collections/backlog/records`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ n }),
      }).then((r) => r.status);
    // the first event's fan-out waits at the gate; three events are within the bound, the fourth is past it
    for (const n of [1, 2, 3]) expect(await create(n)).toBe(200);
    let answered = false;
    const fourth = create(4).then((status) => {
      answered = true;
      return status;
    });
    await Bun.sleep(500);
    expect(answered).toBe(false);
    release();
    expect(await fourth).toBe(200);
    const frames = await reader.frames.waitFor(5);
    expect(frames.slice(1).map((f) => (JSON.parse(f.data) as { record: { n: number } }).record.n)).toEqual([
      1, 2, 3, 4,
    ]);
  } finally {
    release();
    enrich.unbind();
    fanOutBacklog.events = bound;
    reader.close();
  }
});

test("a write made while an event fans out (an enrich handler's save) doesn't wait for the backlog it is part of", async () => {
  const bound = fanOutBacklog.events;
  // every write's answer waits until the backlog is empty: one made by the fan-out itself must not
  fanOutBacklog.events = 0;
  const enrich = t.app.onRecordEnrich(async (e) => {
    if (e.request?.url.pathname === "/api/realtime" && e.record.get("n") === 1) {
      const echo = new RecordModel(e.record.collection);
      echo.load({ n: 2 });
      await e.app.save(echo);
    }
    return e.next();
  }, "echoes");
  const reader = await SseReader.open(t.url);
  try {
    await t.pb.collections.create({
      name: "echoes",
      listRule: "",
      createRule: "",
      fields: [{ name: "n", type: "number" }],
    });
    const clientId = await reader.clientId();
    await fetch(`${t.url}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId, subscriptions: ["echoes/*"] }),
    });
    const res = await fetch(`${t.url}/api/collections/echoes/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: 1 }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    const frames = await reader.frames.waitFor(3);
    expect(frames.slice(1).map((f) => (JSON.parse(f.data) as { record: { n: number } }).record.n)).toEqual([1, 2]);
  } finally {
    enrich.unbind();
    fanOutBacklog.events = bound;
    reader.close();
  }
});
