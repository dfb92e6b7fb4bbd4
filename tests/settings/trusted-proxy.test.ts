import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

async function trust(headers: string[], useLeftmostIP = false): Promise<void> {
  const settings = cloneSettings(t.app.settings());
  settings.trustedProxy = { headers, useLeftmostIP };
  await t.app.saveSettings(settings);
}
afterEach(() => trust([]));

/** What /api/health tells a superuser of a request with these headers. */
async function health(headers: Record<string, string>): Promise<{ realIP: string; possibleProxyHeader: string }> {
  const res = await fetch(`${t.url}/api/health`, { headers: { ...headers, authorization: t.pb.authStore.token } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { realIP: string; possibleProxyHeader: string } }).data;
}

test("without trusted proxy headers the client's IP is the socket's, and a proxy header is only reported", async () => {
  expect(await health({ "x-forwarded-for": "10.1.2.3" })).toMatchObject({
    realIP: "127.0.0.1",
    possibleProxyHeader: "X-Forwarded-For",
  });
  expect(await health({})).toMatchObject({ realIP: "127.0.0.1", possibleProxyHeader: "" });
});

test("a trusted header gives its rightmost valid IP (the nearest proxy's), or its leftmost when asked", async () => {
  await trust(["X-Forwarded-For"]);
  expect((await health({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" })).realIP).toBe("2.2.2.2");
  expect((await health({ "x-forwarded-for": "1.1.1.1, not-an-ip , " })).realIP).toBe("1.1.1.1");
  expect((await health({ "x-forwarded-for": "2001:db8::1" })).realIP).toBe("2001:0db8:0000:0000:0000:0000:0000:0001");
  expect((await health({ "x-forwarded-for": "::ffff:1.2.3.4" })).realIP).toBe(
    "0000:0000:0000:0000:0000:ffff:0102:0304",
  );
  // nothing valid (a port, leading zeros), or no header: the socket's address
  expect((await health({ "x-forwarded-for": "1.2.3.4:80, 01.2.3.4" })).realIP).toBe("127.0.0.1");
  expect(await health({})).toMatchObject({ realIP: "127.0.0.1", possibleProxyHeader: "" });

  await trust(["X-Forwarded-For"], true);
  expect((await health({ "x-forwarded-for": "bad, 1.1.1.1, 2.2.2.2" })).realIP).toBe("1.1.1.1");
});

test("the trusted headers are tried in order; the first carrying a valid IP wins", async () => {
  await trust(["CF-Connecting-IP", "X-Real-IP"]);
  expect(await health({ "x-real-ip": "3.3.3.3", "cf-connecting-ip": "4.4.4.4" })).toMatchObject({
    realIP: "4.4.4.4",
    possibleProxyHeader: "CF-Connecting-IP",
  });
  expect(await health({ "x-real-ip": "3.3.3.3", "cf-connecting-ip": "nope" })).toMatchObject({ realIP: "3.3.3.3" });
  // an untrusted header is never read
  expect((await health({ "x-forwarded-for": "5.5.5.5" })).realIP).toBe("127.0.0.1");
});

test("the IP a trusted proxy names is the one superuserIPs and the request log see", async () => {
  await trust(["X-Real-IP"]);
  const settings = cloneSettings(t.app.settings());
  settings.superuserIPs = ["10.0.0.0/8"];
  await t.app.saveSettings(settings);
  try {
    const asSuperuser = { authorization: t.pb.authStore.token };
    const outside = await fetch(`${t.url}/api/settings`, { headers: { ...asSuperuser, "x-real-ip": "192.168.1.1" } });
    expect(outside.status).toBe(403);
    const inside = await fetch(`${t.url}/api/settings?marker=proxied`, {
      headers: { ...asSuperuser, "x-real-ip": "10.2.3.4" },
    });
    expect(inside.status).toBe(200);
  } finally {
    const reset = cloneSettings(t.app.settings());
    reset.superuserIPs = [];
    await t.app.saveSettings(reset);
  }
  await t.app.logger().flush();
  const logs = await t.pb.logs.getList(1, 1, { filter: 'data.url ~ "marker=proxied"' });
  expect(logs.items[0]?.data).toMatchObject({ userIP: "10.2.3.4", remoteIP: "127.0.0.1" });
});
