import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SocketBus } from "../../src/tools/cluster/socket-bus.ts";
import { SocketHub } from "../../src/tools/cluster/socket-hub.ts";

/** The bus between processes on one machine: the primary's hub and the nodes' connections to it. */

let dir: string;
let hub: SocketHub;
let hubErrors: string[];
let nodes: SocketBus[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-bus-"));
  hubErrors = [];
  hub = new SocketHub(join(dir, "bus.sock"), { onBadFrame: (from, reason) => hubErrors.push(`${from}: ${reason}`) });
  hub.listen();
  nodes = [];
});

afterEach(async () => {
  for (const n of nodes) await n.close();
  hub.close();
  await rm(dir, { recursive: true, force: true });
});

async function join_(id: string, errors: string[] = []): Promise<SocketBus> {
  const bus = await SocketBus.connect(join(dir, "bus.sock"), id, { onError: (m) => errors.push(m) });
  nodes.push(bus);
  return bus;
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await Bun.sleep(2);
  }
}

test("messages reach every other node, in order, never the sender", async () => {
  const a = await join_("a");
  const b = await join_("b");
  const c = await join_("c");
  await until(() => a.peers() === 2 && b.peers() === 2 && c.peers() === 2);
  const got: string[] = [];
  for (const [name, n] of [
    ["a", a],
    ["b", b],
    ["c", c],
  ] as const) {
    n.subscribe("ch", (data, from) => {
      got.push(`${name}<-${from}:${(data as { i: number }).i}`);
    });
  }
  for (let i = 0; i < 3; i++) a.publish("ch", { i });
  await until(() => got.length === 6);
  expect(got.filter((g) => g.startsWith("b"))).toEqual(["b<-a:0", "b<-a:1", "b<-a:2"]);
  expect(got.filter((g) => g.startsWith("c"))).toEqual(["c<-a:0", "c<-a:1", "c<-a:2"]);
});

test("publishAndWait settles once the others ran their handlers, and at once when alone", async () => {
  const a = await join_("a");
  await a.publishAndWait("ch", null);
  const b = await join_("b");
  await until(() => a.peers() === 1);
  let applied = false;
  b.subscribe("ch", async () => {
    await Bun.sleep(50);
    applied = true;
  });
  await a.publishAndWait("ch", null);
  expect(applied).toBe(true);
});

test("publishAndWait does not wait for a node that leaves", async () => {
  const a = await join_("a");
  const b = await join_("b");
  await until(() => a.peers() === 1);
  b.subscribe("ch", () => new Promise(() => {}));
  const waited = a.publishAndWait("ch", null, 10_000);
  await Bun.sleep(20);
  await b.close();
  const started = Date.now();
  await waited;
  // well before the 10 s it would wait for a node that stays
  expect(Date.now() - started).toBeLessThan(5000);
});

test("one leader at a time; the leadership passes on when the leader leaves", async () => {
  const a = await join_("a");
  const b = await join_("b");
  const state = { a: false, b: false };
  a.lead("cron", (v) => {
    state.a = v;
  });
  await until(() => state.a);
  b.lead("cron", (v) => {
    state.b = v;
  });
  await Bun.sleep(30);
  expect(state).toEqual({ a: true, b: false });
  await a.close();
  await until(() => state.b);
  expect(state).toEqual({ a: false, b: true });
});

test("frames that can't be read are reported and dropped; the bus goes on", async () => {
  const a = await join_("a");
  const bErrors: string[] = [];
  const b = await join_("b", bErrors);
  await until(() => a.peers() === 1);
  const got: unknown[] = [];
  b.subscribe("ch", (data) => {
    got.push(data);
  });
  // a raw client writing garbage to the hub
  const raw = await Bun.connect({ unix: join(dir, "bus.sock"), socket: { data() {} } });
  raw.write('{"t":"hello","node":"raw"}\nnot json\n{"t":"pub"}\n[1,2]\n{"t":"warp"}\n');
  await until(() => hubErrors.length >= 4);
  // a message the hub relays as is, but whose content the node's handler must judge
  hub.send("ch", { fine: true });
  a.publish("ch", { after: "garbage" });
  await until(() => got.length === 2);
  expect(got).toEqual([{ fine: true }, { after: "garbage" }]);
  raw.end();
  expect(hubErrors.join("\n")).toContain("not a frame");
});

test("a node reports and drops frames it can't read from the hub", async () => {
  const path = join(dir, "fake.sock");
  const fake = Bun.listen({
    unix: path,
    socket: {
      // the answer to hello (the count of the others), then what the node can't read, then a good message
      data(socket) {
        socket.write('{"t":"peers","n":1}\n');
        setTimeout(() => socket.write('garbage\n{"t":"msg"}\n{"t":"msg","c":"ch","d":{"ok":1},"f":"x"}\n'), 20);
      },
    },
  });
  const errors: string[] = [];
  const bus = await SocketBus.connect(path, "n", { onError: (m) => errors.push(m) });
  nodes.push(bus);
  const got: unknown[] = [];
  bus.subscribe("ch", (d) => {
    got.push(d);
  });
  await until(() => got.length === 1);
  expect(got).toEqual([{ ok: 1 }]);
  expect(errors.length).toBe(2);
  fake.stop(true);
});

test("a node knows the others once connected: a wait right after it waits for them", async () => {
  const a = await join_("a");
  const applied: string[] = [];
  a.subscribe("ch", async () => {
    await Bun.sleep(20);
    applied.push("a");
  });
  // a short-lived node (a command run beside the workers) publishes at once
  const cli = await join_("cli");
  expect(cli.peers()).toBe(1);
  await cli.publishAndWait("ch", null);
  expect(applied).toEqual(["a"]);
});

test("claims published while handling a waited message are handled before received() settles", async () => {
  const a = await join_("a");
  const b = await join_("b");
  await until(() => a.peers() === 1 && b.peers() === 1);
  const heard: string[] = [];
  // a busy handler chain on a: the claim queues behind it, while the wait's end comes at once
  a.subscribe("slow", () => Bun.sleep(50));
  a.subscribe("claim", () => {
    heard.push("claim");
  });
  b.subscribe("ask", () => b.publish("claim", null));
  b.publish("slow", null);
  await a.publishAndWait("ask", null);
  await a.received();
  expect(heard).toEqual(["claim"]);
});

test("the hub's own node (join) is a node like the others, through function calls", async () => {
  const local = hub.join("local");
  // alone: known at once (no socket round trip), a wait settles at once, the leadership is granted in lead()
  expect(local.peers()).toBe(0);
  await local.publishAndWait("ch", null);
  let leads = false;
  const withdraw = local.lead("cron", (v) => {
    leads = v;
  });
  expect(leads).toBe(true);

  const got: string[] = [];
  local.subscribe("ch", (data, from) => {
    got.push(`${from}:${JSON.stringify(data)}`);
  });
  const remote = await join_("remote");
  const heard: unknown[] = [];
  remote.subscribe("ch", async (data) => {
    await Bun.sleep(20);
    heard.push(data);
  });
  await until(() => local.peers() === 1 && remote.peers() === 1);
  // a command's change waits until the server's node applied it, and the other way round
  await remote.publishAndWait("ch", { n: 1 });
  expect(got).toEqual(['remote:{"n":1}']);
  await local.publishAndWait("ch", { n: 2 });
  expect(heard).toEqual([{ n: 2 }]);
  // the remote node does not lead while the hub's node does
  let remoteLeads = false;
  remote.lead("cron", (v) => {
    remoteLeads = v;
  });
  withdraw();
  expect(leads).toBe(false);
  await until(() => remoteLeads);
  // closing the hub cuts its own node off too
  hub.close();
  await until(() => remote.peers() === 0 && local.peers() === 0);
});
