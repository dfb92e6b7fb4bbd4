/**
 * bun scripts/screenshots.ts: the README's pictures of the dashboard, taken in Debian's Chromium from a
 * freshly seeded server and written to docs/screenshots/ (committed). Add a screen to `shots`, with the seed
 * it needs, and rerun after changing what it shows.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import type PocketBase from "pocketbase";
import { loadDashboard } from "../src/cmd/dashboard-source.ts";
import { serve } from "../src/cmd/serve.ts";
import { upsertSuperuser } from "../src/cmd/superuser.ts";
import { newTestApp, superuserEmail, superuserPassword } from "../tests/helpers/test-app.ts";

const root = resolve(import.meta.dir, "..");
const outDir = join(root, "docs", "screenshots");
const chromiumPath = process.env.SATCHEL_CHROMIUM ?? "/usr/bin/chromium";

interface Shot {
  /** The file name, without `.png`. */
  name: string;
  /** The dashboard path after `#`. */
  path: string;
  /** Prepares the server's data (the superuser client is signed in). */
  seed?: (pb: PocketBase) => Promise<void>;
  /** Waits until the screen shows what the picture is about. */
  ready: (page: Page) => Promise<void>;
  theme?: "light" | "dark";
}

const shots: Shot[] = [
  {
    name: "application-settings",
    path: "/settings",
    seed: async (pb) => {
      await pb.settings.update({ meta: { appName: "Acme Notes", appURL: "https://notes.example.com" } });
    },
    ready: (page) => page.getByLabel("Application name").waitFor(),
  },
  {
    name: "login-dark",
    path: "/login",
    theme: "dark",
    ready: (page) => page.getByRole("button", { name: "Log in" }).waitFor(),
  },
];

if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
const build = Bun.spawnSync([join(root, "node_modules", ".bin", "vite"), "build", "--logLevel", "warn", "ui"], {
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
});
if (build.exitCode !== 0) throw new Error("the dashboard's build failed");
const source = await loadDashboard();
if ("missing" in source) throw new Error(source.missing);

await mkdir(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] });
try {
  for (const shot of shots) {
    const t = await newTestApp();
    await upsertSuperuser(t.app, superuserEmail, superuserPassword);
    const server = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"], dashboard: source });
    try {
      const { default: PocketBase } = await import("pocketbase");
      const pb = new PocketBase(server.url);
      await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
      await shot.seed?.(pb);
      const context = await browser.newContext({
        viewport: { width: 1200, height: 760 },
        colorScheme: shot.theme ?? "light",
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      if (shot.path !== "/login") {
        const auth = JSON.stringify({ token: pb.authStore.token, record: pb.authStore.record });
        await page.addInitScript(`localStorage.setItem("__pb_superusers__/_", ${JSON.stringify(auth)});`);
      }
      await page.goto(`${server.url}/_/#${shot.path}`);
      await shot.ready(page);
      const file = join(outDir, `${shot.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`✔ ${file}\n`);
      await context.close();
    } finally {
      await server.stop();
      await t.cleanup();
    }
  }
} finally {
  await browser.close();
}
