import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { newRouter } from "../../src/apis/base.ts";
import { dashboardCsp } from "../../src/apis/dashboard.ts";
import { loadDashboard } from "../../src/cmd/dashboard-source.ts";
import { ServeProcess } from "../cli/process.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

/**
 * The dashboard's routes, through the app's fetch handler (no socket), on a built dashboard made here: an
 * index, a hashed asset with its .br and .gz siblings, and a file without siblings. The last test serves
 * the real build (ui/dist, which `npm test` makes first) with `satchel serve`.
 */

let t: TestApp;
let dir: string;
const js = `console.log(${JSON.stringify("x".repeat(2000))});`;
let router: ReturnType<typeof newRouter>;

beforeAll(async () => {
  t = await newTestApp();
  dir = await mkdtemp(join(tmpdir(), "satchel-dashboard-"));
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), '<!doctype html><div id="app"></div>');
  await writeFile(join(dir, "assets", "index-abc123.js"), js);
  await writeFile(join(dir, "assets", "index-abc123.js.gz"), gzipSync(js));
  await writeFile(join(dir, "assets", "index-abc123.js.br"), Bun.gzipSync(js)); // any bytes: served as they are
  await writeFile(join(dir, "favicon.svg"), "<svg/>");
  const dashboard = await loadDashboard(dir);
  router = newRouter(t.app, { dashboard });
});

afterAll(async () => {
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  router.request(path, { method, headers });

test("/_/ is the index, revalidated by its ETag, with the dashboard's CSP", async () => {
  const res = await get("/_/");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-cache");
  expect(res.headers.get("content-security-policy")).toBe(dashboardCsp);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(await res.text()).toBe('<!doctype html><div id="app"></div>');

  const etag = res.headers.get("etag") ?? "";
  expect(etag).toMatch(/^"\w+"$/);
  const again = await get("/_/", { "if-none-match": etag });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe("");
  expect((await get("/_/", { "if-none-match": `"other", W/${etag}` })).status).toBe(304);
  expect((await get("/_/", { "if-none-match": '"other"' })).status).toBe(200);
  expect((await get("/_/index.html")).status).toBe(200);
});

test("/_ redirects to /_/, keeping the query", async () => {
  const res = await get("/_?a=1");
  expect(res.status).toBe(301);
  expect(res.headers.get("location")).toBe("/_/?a=1");
  expect((await get("/_", {}, "HEAD")).status).toBe(301);
});

test("hashed assets are cached for good and sent in the encoding the client takes", async () => {
  const br = await get("/_/assets/index-abc123.js", { "accept-encoding": "gzip, deflate, br" });
  expect(br.status).toBe(200);
  expect(br.headers.get("content-encoding")).toBe("br");
  expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(br.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(br.headers.get("vary")).toContain("Accept-Encoding");

  const gz = await get("/_/assets/index-abc123.js", { "accept-encoding": "gzip" });
  expect(gz.headers.get("content-encoding")).toBe("gzip");
  expect(Bun.gunzipSync(new Uint8Array(await gz.arrayBuffer())).byteLength).toBe(js.length);

  // br refused with q=0: gzip; nothing accepted: the file itself
  const noBr = await get("/_/assets/index-abc123.js", { "accept-encoding": "br;q=0, gzip" });
  expect(noBr.headers.get("content-encoding")).toBe("gzip");
  const plain = await get("/_/assets/index-abc123.js", { "accept-encoding": "identity" });
  expect(plain.headers.get("content-encoding")).toBeNull();
  expect(await plain.text()).toBe(js);

  const head = await get("/_/assets/index-abc123.js", { "accept-encoding": "identity" }, "HEAD");
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe(String(js.length));
  expect(await head.text()).toBe("");
});

test("the compressed siblings are not files of their own; other files revalidate", async () => {
  expect((await get("/_/assets/index-abc123.js.gz")).status).toBe(404);
  const icon = await get("/_/favicon.svg");
  expect(icon.status).toBe(200);
  expect(icon.headers.get("content-type")).toBe("image/svg+xml");
  expect(icon.headers.get("cache-control")).toBe("no-cache");
  expect(icon.headers.get("vary") ?? "").not.toContain("Accept-Encoding");
});

test("unknown, traversing and malformed paths are a JSON 404, never a file outside the folder", async () => {
  for (const path of [
    "/_/nope.js",
    "/_/assets/",
    "/_/../package.json",
    "/_/%2e%2e/package.json",
    "/_/assets//index-abc123.js",
    "/_/%E0%A4%A",
    "/_/%00",
  ]) {
    const res = await get(path);
    expect(res.status, path).toBe(404);
    expect(await res.json(), path).toEqual({ status: 404, message: "File not found.", data: {} });
  }
  // a URL's dot segments are resolved before routing (WHATWG URL): this is /_/index.html, inside the folder
  expect((await get("/_/assets/%2e%2e/index.html")).status).toBe(200);
  // other methods than GET and HEAD are not the dashboard's
  expect((await get("/_/", {}, "POST")).status).toBe(404);
});

test("without built files, /_/ says how to build them and the API still works", async () => {
  const missing = await loadDashboard(join(dir, "no-such-folder"));
  expect("missing" in missing && missing.missing).toBe(
    `${join(dir, "no-such-folder", "index.html")} is missing: run "npm run build:ui" in the Satchel folder, then restart the server.`,
  );
  const bare = newRouter(t.app, { dashboard: missing });
  const res = await bare.request("/_/");
  expect(res.status).toBe(404);
  expect(res.headers.get("content-type")).toBe("text/html; charset=UTF-8");
  const html = await res.text();
  expect(html).toContain("The dashboard is not built");
  expect(html).toContain("npm run build:ui");
  expect((await bare.request("/api/health")).status).toBe(200);
});

test("a router without a dashboard has no /_/ routes (PocketBase built without its UI)", async () => {
  const res = await newRouter(t.app).request("/_/");
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ status: 404, message: "File not found.", data: {} });
});

test("`satchel serve` from source prints the dashboard's address, as PocketBase's banner does", async () => {
  const data = await mkdtemp(join(tmpdir(), "satchel-dashboard-serve-"));
  const server = await ServeProcess.start(data);
  try {
    await server.stdout.waitFor(/Launch the URL below/, 10_000);
    expect(server.stdout.text).toContain(`├─ REST API:  ${server.url}/api/\n└─ Dashboard: ${server.url}/_/\n`);
    expect(server.stdout.text).toContain(`${server.url}/_/#/pbinstall/`);
    expect((await fetch(`${server.url}/_/`)).status).toBe(200);
  } finally {
    server.signal("SIGTERM");
    await server.exit(10_000);
    await rm(data, { recursive: true, force: true });
  }
});
