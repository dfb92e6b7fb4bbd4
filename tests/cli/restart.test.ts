import { afterEach, describe, expect, test } from "bun:test";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

/** app.restart() on a served app: the port stays open, requests wait for it, onServe routes are made again. */

let t: TestApp;
let running: RunningServer;

afterEach(async () => {
  await running.stop({ graceMs: 0 });
  await t.cleanup();
});

/** serveWithRoutes serves a fresh app with a route added in onServe and a slow one. */
async function serveWithRoutes(): Promise<void> {
  t = await newTestApp();
  t.app.onServe().bind({
    id: "routes",
    func: async (e) => {
      e.router.get("/hello", () => new Response(`hello ${t.app.isBootstrapped()}`));
      e.router.get("/slow", async () => {
        await Bun.sleep(200);
        return new Response(`slow done ${t.app.isBootstrapped()}`);
      });
      await e.next();
    },
  });
  running = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
}

describe("restart in process", () => {
  test("lets the request in flight finish, holds new ones, then serves them on the restarted app", async () => {
    await serveWithRoutes();
    const slow = fetch(`${running.url}/slow`).then((r) => r.text());
    await Bun.sleep(50);
    const restarted = t.app.restart();
    await Bun.sleep(20);
    // arrives while the app is down: waits, then gets the restarted app's answer
    const held = fetch(`${running.url}/hello`).then((r) => r.text());
    expect(await slow).toBe("slow done true");
    await restarted;
    expect(await held).toBe("hello true");
    expect(t.calls.get("onTerminate")).toBe(1);
    expect(t.calls.get("onServe")).toBe(2);
    expect(await (await fetch(`${running.url}/hello`)).text()).toBe("hello true");
    expect((await fetch(`${running.url}/api/health`)).status).toBe(200);
  });

  test("an app that can't start again is stopped: held requests get a 503 and the server closes", async () => {
    await serveWithRoutes();
    let broken = false;
    t.app.onBootstrap().bind({
      id: "broken",
      func: async (e) => {
        if (broken) throw new Error("no way");
        await e.next();
      },
    });
    broken = true;
    const gate = Promise.withResolvers<void>();
    t.app.onTerminate().bind({
      id: "slowTerminate",
      func: async (e) => {
        await gate.promise;
        await e.next();
      },
    });
    const restarted = t.app.restart().catch((err: unknown) => err);
    await Bun.sleep(20);
    const held = fetch(`${running.url}/hello`);
    await Bun.sleep(20);
    gate.resolve();
    expect(String(await restarted)).toContain("the app failed to start again and was stopped: no way");
    const res = await held;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ data: {}, message: "The server is shutting down.", status: 503 });
    await running.closed;
    expect(t.app.isBootstrapped()).toBe(false);
    await expect(fetch(`${running.url}/api/health`)).rejects.toThrow();
  });
});
