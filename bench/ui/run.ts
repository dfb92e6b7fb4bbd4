/**
 * The dashboard's first load, measured in Debian's Chromium (see README.md beside this file):
 *   bun bench/ui/run.ts [--loads=15] [--no-exe]
 * Budgets (issue 12): under 400 KB gzipped transferred, interactive in under 300 ms on loopback, and under
 * 2 MB added to the executable. Prints a table and exits 1 when a budget is missed.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import PocketBase from "pocketbase";
import { loadDashboard } from "../../src/cmd/dashboard-source.ts";
import type { StaticAssets } from "../../src/tools/router/static-assets.ts";
import { runSatchel, ServeProcess } from "../../tests/cli/process.ts";
import { superuserEmail, superuserPassword } from "../../tests/helpers/test-app.ts";

const root = resolve(import.meta.dir, "..", "..");
const chromiumPath = process.env.SATCHEL_CHROMIUM ?? "/usr/bin/chromium";
const budgets = { gzipBytes: 400 * 1024, interactiveMs: 300, exeBytes: 2 * 1024 * 1024 };

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { loads: { type: "string", default: "15" }, "no-exe": { type: "boolean", default: false } },
});
const loads = Number(values.loads);

if (!existsSync(chromiumPath)) {
  process.stderr.write(`${chromiumPath} is missing: install Debian's chromium (apt-get install chromium)\n`);
  process.exit(1);
}

function run(cmd: string[]): void {
  const res = Bun.spawnSync(cmd, { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (res.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited with ${res.exitCode}`);
}

run([join(root, "node_modules", ".bin", "vite"), "build", "--logLevel", "warn", "ui"]);

// the server runs in its own process (`satchel serve` from source), as a user runs it
const dataDir = await mkdtemp(join(tmpdir(), "satchel-bench-ui-data-"));
const upsert = await runSatchel(["superuser", "upsert", superuserEmail, superuserPassword, `--dir=${dataDir}`]);
if (upsert.code !== 0) throw new Error(`superuser upsert failed: ${upsert.stderr}`);
const server = await ServeProcess.start(dataDir);
const source = await loadDashboard();
if ("missing" in source) throw new Error(source.missing);
const dashboardUrl = `${server.url}/_/`;
const pb = new PocketBase(server.url);
await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
});

/** What one cold load (empty cache, new profile) cost. */
interface LoadResult {
  /** From the start of the navigation to the screen's form being usable. */
  interactiveMs: number;
  /** Bytes on the wire as the browser took them (brotli where offered), headers included. */
  wireBytes: number;
  /** The dashboard's files fetched, by path. */
  files: string[];
}

/**
 * The time at which the screen's submit button exists and is enabled, recorded in the page by a mutation
 * observer installed before any script runs (no polling delay).
 */
function readyProbe(selector: string): string {
  return `(() => {
    const check = () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (el && !el.disabled && window.__satchelReady === undefined) window.__satchelReady = performance.now();
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  })();`;
}

/** The ceiling: a bare page with a form and its button, served by a bare Bun.serve, loaded the same way. */
const ceiling = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () =>
    new Response(
      '<!doctype html><meta charset="utf-8"><title>ceiling</title><form><button type="submit">Go</button></form>',
      {
        headers: { "content-type": "text/html; charset=utf-8" },
      },
    ),
});

async function coldLoad(
  hash: string,
  readySelector: string,
  signedIn: boolean,
  base = dashboardUrl,
): Promise<LoadResult> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  await page.addInitScript(readyProbe(readySelector));
  if (signedIn) {
    const auth = JSON.stringify({ token: pb.authStore.token, record: pb.authStore.record });
    await page.addInitScript(`localStorage.setItem("__pb_superusers__/_", ${JSON.stringify(auth)});`);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  let wireBytes = 0;
  const files: string[] = [];
  cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
    wireBytes += e.encodedDataLength;
  });
  cdp.on("Network.responseReceived", (e: { response: { url: string } }) => {
    const path = new URL(e.response.url).pathname;
    if (path.startsWith("/_/")) files.push(path);
  });
  await page.goto(`${base}${hash}`);
  await page.waitForFunction(
    () => (globalThis as { __satchelReady?: number }).__satchelReady !== undefined,
    undefined,
    {
      timeout: 10_000,
    },
  );
  const interactiveMs = Number(await page.evaluate("window.__satchelReady"));
  // let the screen's own data requests finish before counting the bytes
  await page.waitForLoadState("networkidle");
  await context.close();
  return { interactiveMs, wireBytes, files };
}

/**
 * The gzip size of the dashboard's files a load fetched: what the server sends a browser that accepts gzip
 * but not brotli (the .gz sibling, or the file itself when it is too small to have one).
 */
function gzipBytes(assets: StaticAssets, files: readonly string[]): number {
  let total = 0;
  for (const path of new Set(files)) {
    const name = path === "/_/" ? "index.html" : path.slice("/_/".length);
    const asset = assets.get(name);
    total += asset?.gzip?.byteLength ?? asset?.body.byteLength ?? 0;
  }
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const screens = [
  { name: "login (signed out)", hash: "#/login", ready: 'form button[type="submit"]', signedIn: false },
  { name: "application settings (signed in)", hash: "#/settings", ready: 'input[name="meta.appName"]', signedIn: true },
  {
    name: "collection editor (signed in)",
    hash: "#/collections/users/edit",
    ready: 'input[name="name"]',
    signedIn: true,
  },
];

const rows: string[] = [];
let failed = false;
{
  const ceilingUrl = `http://127.0.0.1:${ceiling.port}/`;
  await coldLoad("", 'form button[type="submit"]', false, ceilingUrl);
  const tti: number[] = [];
  for (let i = 0; i < loads; i++)
    tti.push((await coldLoad("", 'form button[type="submit"]', false, ceilingUrl)).interactiveMs);
  rows.push(
    `| ceiling: a bare page with one button | | | ${median(tti).toFixed(0)} ms | ${Math.max(...tti).toFixed(0)} ms | |`,
  );
}
for (const screen of screens) {
  await coldLoad(screen.hash, screen.ready, screen.signedIn); // warm the server and the disk cache
  const results: LoadResult[] = [];
  for (let i = 0; i < loads; i++) results.push(await coldLoad(screen.hash, screen.ready, screen.signedIn));
  const tti = results.map((r) => r.interactiveMs);
  const gz = gzipBytes(source.assets, results[0]?.files ?? []);
  const wire = median(results.map((r) => r.wireBytes));
  const ok = median(tti) < budgets.interactiveMs && gz < budgets.gzipBytes;
  failed ||= !ok;
  rows.push(
    `| ${screen.name} | ${(gz / 1024).toFixed(1)} KB | ${(wire / 1024).toFixed(1)} KB | ${median(tti).toFixed(0)} ms | ${Math.max(...tti).toFixed(0)} ms | ${ok ? "yes" : "NO"} |`,
  );
}
await browser.close();
ceiling.stop(true);
server.signal("SIGTERM");
await server.exit(10_000);
await rm(dataDir, { recursive: true, force: true });

process.stdout.write(
  `\nDashboard first load, ${loads} cold loads each (new browser profile, empty cache), loopback:\n\n` +
    "| screen | dashboard files, gzip | on the wire (br, with headers and API calls) | interactive, median | max | within budget |\n" +
    "|---|---|---|---|---|---|\n" +
    `${rows.join("\n")}\n`,
);

if (!values["no-exe"]) {
  // the executable with and without the dashboard: what embedding it costs
  const dir = await mkdtemp(join(tmpdir(), "satchel-bench-ui-"));
  try {
    run([process.execPath, join(root, "scripts", "build.ts"), `--outfile=${join(dir, "with")}`]);
    run([process.execPath, join(root, "scripts", "build.ts"), "--no-ui", `--outfile=${join(dir, "without")}`]);
    const added = (await stat(join(dir, "with"))).size - (await stat(join(dir, "without"))).size;
    const ok = added < budgets.exeBytes;
    failed ||= !ok;
    process.stdout.write(
      `\nThe dashboard adds ${(added / 1024).toFixed(1)} KB to the executable (budget 2048 KB): ${ok ? "within" : "OVER"} budget\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
