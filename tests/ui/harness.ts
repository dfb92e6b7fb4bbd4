import { beforeAll, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import PocketBase from "pocketbase";
import type { DashboardSource } from "../../src/apis/dashboard.ts";
import { loadDashboard } from "../../src/cmd/dashboard-source.ts";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import { closeAfterRun } from "../helpers/run-scratch.ts";
import { newTestApp, superuserEmail, type TestApp } from "../helpers/test-app.ts";

/**
 * The dashboard's browser tests: Debian's Chromium driven by playwright-core, against a real server
 * started in process on a fresh data directory for each test. Tests find elements as assistive technology
 * does: by role and accessible name, by label, by text; never by CSS class.
 */

/** Debian's Chromium (`apt-get install chromium`); no browser is ever downloaded. */
export const chromiumPath = process.env.SATCHEL_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests can't run here, or null when they can. */
export const browserSkipReason: string | null = existsSync(chromiumPath)
  ? null
  : `${chromiumPath} is missing (install Debian's chromium with apt-get, or set SATCHEL_CHROMIUM)`;

let warned = false;
if (browserSkipReason && !warned) {
  warned = true;
  process.stderr.write(`\n⚠ skipping the dashboard's browser tests: ${browserSkipReason}\n`);
}

/** Failing tests save a screenshot here (ignored by git). */
export const screenshotDir = join(import.meta.dir, ".screenshots");

const launchArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: Promise<Browser> | undefined;

/**
 * sharedBrowser launches the browser once for all the browser test files of the run (each test gets its own
 * context, so they don't see each other's pages, storage or cookies); it is closed when the run ends. A
 * browser that went away is launched again: bun kills the processes a test started when that test times
 * out, and the browser, launched during the first test, counts as one of them.
 */
function sharedBrowser(): Promise<Browser> {
  if (!browser) {
    const launched = chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
    browser = launched;
    launched.then(
      (b) =>
        b.on("disconnected", () => {
          if (browser === launched) browser = undefined;
        }),
      () => {
        if (browser === launched) browser = undefined;
      },
    );
    closeAfterRun(async () => {
      if (browser === launched) browser = undefined;
      await (await launched).close();
    });
  }
  return browser;
}

let dashboard: Promise<DashboardSource> | undefined;

// what every browser test needs is made before the first one's clock starts: a Chromium start, the built
// dashboard's files and the data directory template take seconds on a busy machine (this module is evaluated
// once, so the hook belongs to the first file that imports it)
if (browserSkipReason === null)
  beforeAll(async () => {
    dashboard ??= loadDashboard();
    const [, , warm] = await Promise.all([sharedBrowser(), dashboard, newTestApp({ withSuperuser: true })]);
    await warm.cleanup();
  }, 60_000);

/** A server with the dashboard, on a fresh data directory. */
export interface DashboardServer extends TestApp {
  url: string;
  /** The dashboard's address (`http://127.0.0.1:PORT/_/`). */
  dashboardUrl: string;
  server: RunningServer;
  /** A client signed in as the superuser (when the server has one). */
  pb: PocketBase;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Create the test superuser (`root@example.com`), true by default. */
  superuser?: boolean;
}

/** startServer serves the built dashboard (ui/dist, which `npm test` builds first) with a fresh app. */
export async function startServer(options: ServerOptions = {}): Promise<DashboardServer> {
  dashboard ??= loadDashboard();
  const source = await dashboard;
  if ("missing" in source) throw new Error(source.missing);
  const withSuperuser = options.superuser ?? true;
  // the superuser comes from a template directory and signs in with a token: no bcrypt hash or comparison
  const t = await newTestApp({ withSuperuser });
  const server = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"], dashboard: source });
  const pb = new PocketBase(server.url);
  pb.autoCancellation(false);
  if (withSuperuser) {
    const superuser = await t.app.findAuthRecordByEmail("_superusers", superuserEmail);
    if (!superuser) throw new Error("the template lost its superuser");
    pb.authStore.save(await newAuthToken(superuser));
    await pb.collection("_superusers").authRefresh();
  }
  let stopped = false;
  return {
    ...t,
    url: server.url,
    dashboardUrl: server.dashboardUrl ?? `${server.url}/_/`,
    server,
    pb,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop({ graceMs: 500 });
      await t.cleanup();
    },
  };
}

/** What a browser test receives: its page (in a fresh browser context) and its server. */
export interface UiTestContext {
  page: Page;
  server: DashboardServer;
}

export interface UiTestOptions extends ServerOptions {
  /** The page's size (a laptop by default). */
  viewport?: { width: number; height: number };
  /** Open the dashboard already signed in as the test superuser. */
  signedIn?: boolean;
}

/**
 * uiTest declares a browser test: a server and a page are made for it and closed after it. When it fails,
 * a screenshot of the page is saved to tests/ui/.screenshots/. Without Chromium it is skipped.
 */
export function uiTest(name: string, fn: (ctx: UiTestContext) => Promise<void>, options: UiTestOptions = {}): void {
  test.skipIf(browserSkipReason !== null)(name, async () => {
    const server = await startServer(options);
    const context = await (await sharedBrowser()).newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    try {
      await screenshotOnFailure(name, page, async () => {
        if (options.signedIn) await signIn(page, server);
        await fn({ page, server });
      });
    } finally {
      await context.close();
      await server.stop();
    }
  });
}

/** screenshotPath is where the screenshot of the failed test `name` goes. */
export function screenshotPath(name: string): string {
  return join(screenshotDir, `${name.replace(/[^\w-]+/g, "-").slice(0, 80)}.png`);
}

/** screenshotOnFailure runs `fn`; when it throws, the page is saved to screenshotPath(name) and the error rethrown. */
export async function screenshotOnFailure(name: string, page: Page, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    await mkdir(screenshotDir, { recursive: true });
    const file = screenshotPath(name);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    process.stderr.write(`  screenshot of the failed test: ${file}\n`);
    throw err;
  }
}

/** newPage opens a page in a fresh context of the file's browser (close the context after). */
export async function newPage(): Promise<Page> {
  const context = await (await sharedBrowser()).newContext();
  return context.newPage();
}

/** The localStorage key under which the dashboard at `/_/` keeps the superuser's session. */
export const authStorageKey = "__pb_superusers__/_";

/** signIn stores the test superuser's session the way the dashboard does, before any page script runs. */
export async function signIn(page: Page, server: DashboardServer): Promise<void> {
  const auth = { token: server.pb.authStore.token, record: server.pb.authStore.record };
  await page.addInitScript(
    ([key, value]) => {
      if (!sessionStorage.getItem("satchel-test-signed-in")) {
        localStorage.setItem(key, value);
        sessionStorage.setItem("satchel-test-signed-in", "1");
      }
    },
    [authStorageKey, JSON.stringify(auth)] as const,
  );
}

/** describedBy is the text of the elements that describe a control (its help and its error). */
export async function describedBy(control: Locator): Promise<string> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => control.page().locator(`[id="${id}"]`).innerText()));
  return texts.join(" ");
}

/**
 * describedSoon waits for a control to be described (an error the server's answer brings, a step later on a
 * loaded machine) and gives the text, or "" after 10 s.
 */
export async function describedSoon(control: Locator): Promise<string> {
  const deadline = performance.now() + 10_000;
  let text = await describedBy(control);
  while (text.trim() === "" && performance.now() < deadline) {
    await Bun.sleep(20);
    text = await describedBy(control);
  }
  return text;
}

/**
 * addressMatches waits for the page's address to match (the dashboard updates it after the view it belongs to,
 * a step later on a loaded machine) and fails with the address it had after 10 s. A text is matched as the
 * address's end.
 */
export async function addressMatches(page: Page, pattern: RegExp | string): Promise<void> {
  const matches = (url: string) => (typeof pattern === "string" ? url.endsWith(pattern) : pattern.test(url));
  const deadline = performance.now() + 10_000;
  while (!matches(page.url())) {
    if (performance.now() > deadline) throw new Error(`the address ${page.url()} does not match ${pattern}`);
    await Bun.sleep(20);
  }
}

/** countIs waits for `locator` to match `n` elements (a list re-rendered after its status line, say), up to 10 s. */
export async function countIs(locator: Locator, n: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (let count = await locator.count(); count !== n; count = await locator.count()) {
    if (performance.now() > deadline) throw new Error(`expected ${n} elements, found ${count}: ${locator}`);
    await Bun.sleep(20);
  }
}
