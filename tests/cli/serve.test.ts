import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { displayUrl, parseListen } from "../../src/cmd/listen-address.ts";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";
import { onPostgres } from "../helpers/test-engine.ts";
import { SlowRequest } from "./slow-request.ts";

/** serve() in process: how its stop drains requests, bounds the wait and closes the databases. */

let t: TestApp;
let running: RunningServer;

async function start(): Promise<void> {
  t = await newTestApp();
  running = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
}

const refused = (url: string) =>
  fetch(`${url}/api/health`).then(
    () => false,
    () => true,
  );

describe("stop", () => {
  afterEach(async () => {
    await running.stop({ graceMs: 0 });
    await t.cleanup();
  });

  test("with nothing in flight: stops listening and closes the databases (write-ahead log checkpointed)", async () => {
    await start();
    expect((await fetch(`${running.url}/api/health`)).status).toBe(200);
    // SQLite's write-ahead log is a file beside data.db (PostgreSQL's is the server's)
    const wal = onPostgres() ? null : join(t.dir, "data.db-wal");
    if (wal) expect(existsSync(wal)).toBe(true);

    expect(await running.stop()).toEqual({ interrupted: 0 });
    expect(await refused(running.url)).toBe(true);
    expect(t.app.isBootstrapped()).toBe(false);
    if (wal) expect(existsSync(wal)).toBe(false);
    expect(t.calls.get("onTerminate")).toBe(1);
  });

  test("waits for an in-flight request, which completes", async () => {
    await start();
    const slow = await SlowRequest.open(running.url, "/api/collections/_superusers/auth-with-password", "{}");
    await Bun.sleep(50);
    let stopped = false;
    const stopping = running.stop({ graceMs: 10_000 }).then((r) => {
      stopped = true;
      return r;
    });
    await Bun.sleep(200);
    expect(stopped).toBe(false);
    expect(await refused(running.url)).toBe(true);

    slow.finish();
    expect((await slow.response)?.status).toBe(400);
    expect(await stopping).toEqual({ interrupted: 0 });
    expect(t.app.isBootstrapped()).toBe(false);
  });

  test("closes the connection of a request still running after the grace period", async () => {
    await start();
    const stuck = await SlowRequest.open(running.url, "/api/collections/_superusers/auth-with-password", "{}");
    await Bun.sleep(50);
    const started = performance.now();
    expect(await running.stop({ graceMs: 200 })).toEqual({ interrupted: 1 });
    // far below the grace or the wait a stuck request would cause (machines are loaded: no tight bound)
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await stuck.response).toBeNull();
    expect(t.app.isBootstrapped()).toBe(false);
  });

  test("an abort signal cuts the grace period short", async () => {
    await start();
    const stuck = await SlowRequest.open(running.url, "/api/collections/_superusers/auth-with-password", "{}");
    await Bun.sleep(50);
    const started = performance.now();
    expect(await running.stop({ graceMs: 60_000, abort: Bun.sleep(100) })).toEqual({ interrupted: 1 });
    // far below the grace or the wait a stuck request would cause (machines are loaded: no tight bound)
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await stuck.response).toBeNull();
  });

  test("terminating the app directly stops the server too", async () => {
    await start();
    await t.app.terminate();
    expect(await refused(running.url)).toBe(true);
    expect(t.app.isBootstrapped()).toBe(false);
  });
});

describe("the --http address", () => {
  test("host:port, IPv6 in brackets, and an empty host for every interface", () => {
    expect(parseListen("127.0.0.1:8090")).toEqual({ hostname: "127.0.0.1", port: 8090 });
    expect(parseListen("localhost:0")).toEqual({ hostname: "localhost", port: 0 });
    expect(parseListen(":8090")).toEqual({ hostname: "0.0.0.0", port: 8090 });
    expect(parseListen("[::1]:8090")).toEqual({ hostname: "::1", port: 8090 });
  });

  test("malformed addresses are refused with the reason", () => {
    expect(() => parseListen("127.0.0.1")).toThrow('invalid --http address "127.0.0.1": expected host:port');
    expect(() => parseListen("127.0.0.1:")).toThrow("the port must be a number from 0 to 65535");
    expect(() => parseListen("127.0.0.1:http")).toThrow("the port must be a number from 0 to 65535");
    expect(() => parseListen("127.0.0.1:65536")).toThrow("the port must be a number from 0 to 65535");
    expect(() => parseListen("::1:8090")).toThrow("write IPv6 hosts in brackets");
  });

  test("the printed URL shows a wildcard host as loopback", () => {
    expect(displayUrl("0.0.0.0", 8090)).toBe("http://127.0.0.1:8090");
    expect(displayUrl("::", 8090)).toBe("http://[::1]:8090");
    expect(displayUrl("example.test", 80)).toBe("http://example.test:80");
  });
});
