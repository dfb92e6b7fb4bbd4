/**
 * bun scripts/screenshots.ts: the README's pictures of the dashboard, taken in Debian's Chromium from a
 * freshly seeded server and written to docs/screenshots/ (committed). Add a screen to `shots`, with the seed
 * it needs, and rerun after changing what it shows (naming shots retakes only those).
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
    name: "collection-editor",
    path: "/collections/posts/edit",
    seed: async (pb) => {
      await pb.settings.update({ meta: { appName: "Acme Notes" } });
      const users = await pb.collections.getOne("users");
      await pb.collections.create({
        name: "tags",
        type: "base",
        listRule: "",
        viewRule: "",
        fields: [{ name: "label", type: "text", required: true }],
      });
      const tags = await pb.collections.getOne("tags");
      await pb.collections.create({
        name: "posts",
        type: "base",
        listRule: "published = true || author = @request.auth.id",
        viewRule: "published = true || author = @request.auth.id",
        createRule: '@request.auth.id != "" && @request.body.author = @request.auth.id',
        updateRule: "author = @request.auth.id",
        deleteRule: "author = @request.auth.id",
        fields: [
          { name: "title", type: "text", required: true, max: 200, presentable: true },
          { name: "body", type: "editor" },
          { name: "author", type: "relation", collectionId: users.id, maxSelect: 1, required: true },
          { name: "tags", type: "relation", collectionId: tags.id, maxSelect: 10 },
          { name: "cover", type: "file", maxSelect: 1, mimeTypes: ["image/jpeg", "image/png"], thumbs: ["480x320"] },
          { name: "published", type: "bool" },
          { name: "created", type: "autodate", onCreate: true },
          { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
        ],
        indexes: ["CREATE INDEX idx_posts_created ON posts (created)"],
      });
    },
    ready: async (page) => {
      await page.getByRole("heading", { level: 1, name: "posts" }).waitFor();
      await page.getByRole("button", { name: "Options of title" }).click();
      await page.getByLabel("Max length").waitFor();
    },
  },
  {
    name: "collection-rules",
    path: "/collections/posts/edit",
    seed: async (pb) => {
      const users = await pb.collections.getOne("users");
      await pb.collections.create({
        name: "posts",
        type: "base",
        listRule: "",
        fields: [
          { name: "title", type: "text" },
          { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
          { name: "status", type: "select", values: ["draft", "published"], maxSelect: 1 },
        ],
      });
    },
    ready: async (page) => {
      await page.getByRole("heading", { level: 1, name: "posts" }).waitFor();
      await page.getByRole("tab", { name: "API rules" }).click();
      const rule = page.getByLabel("List/Search rule");
      await rule.pressSequentially('status = "published" || author = @request.auth.');
      await page.getByRole("listbox", { name: "Suggestions" }).waitFor();
    },
    theme: "dark",
  },
  {
    name: "records",
    path: "/collections/posts/records",
    seed: seedPosts,
    ready: async (page) => {
      await page
        .getByRole("button", { name: /^Open record / })
        .first()
        .waitFor();
      await page.getByText("Live", { exact: true }).waitFor();
    },
  },
  {
    name: "login-dark",
    path: "/login",
    theme: "dark",
    ready: (page) => page.getByRole("button", { name: "Log in" }).waitFor(),
  },
];

/** A blog's posts, written by two authors, for the records screen's picture. */
async function seedPosts(pb: PocketBase): Promise<void> {
  await pb.settings.update({ meta: { appName: "Acme Blog" } });
  const users = await pb.collections.getOne("users");
  await pb.collections.create({
    name: "posts",
    type: "base",
    fields: [
      { name: "title", type: "text", required: true, presentable: true },
      { name: "status", type: "select", values: ["draft", "review", "published"], maxSelect: 1 },
      { name: "tags", type: "select", values: ["news", "howto", "release", "opinion"], maxSelect: 3 },
      { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
      { name: "views", type: "number" },
      { name: "featured", type: "bool" },
      { name: "published", type: "date" },
    ],
  });
  const authors = [];
  for (const [name, email] of [
    ["Ada Lovelace", "ada@example.com"],
    ["Grace Hopper", "grace@example.com"],
  ]) {
    authors.push(
      await pb.collection("users").create({ name, email, password: "Pass-word-123", passwordConfirm: "Pass-word-123" }),
    );
  }
  const posts: [string, string, string[], number, boolean][] = [
    ["Hello, world", "published", ["news"], 1280, true],
    ["Backups without downtime", "published", ["howto"], 864, false],
    ["Version 0.4 is out", "published", ["release", "news"], 2210, true],
    ["Realtime rules, explained", "review", ["howto"], 0, false],
    ["Why one file is enough", "draft", ["opinion"], 0, false],
    ["Importing records from CSV", "published", ["howto"], 517, false],
    ["What we learned from PocketBase", "review", ["opinion", "news"], 0, false],
  ];
  for (const [i, [title, status, tags, views, featured]] of posts.entries()) {
    await pb.collection("posts").create({
      title,
      status,
      tags,
      views,
      featured,
      author: authors[i % 2]?.id,
      published: status === "published" ? `2026-0${(i % 9) + 1}-1${i} 09:30:00.000Z` : "",
    });
  }
}

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
  // `bun scripts/screenshots.ts records` retakes only the pictures named
  const only = process.argv.slice(2);
  for (const shot of shots.filter((s) => only.length === 0 || only.includes(s.name))) {
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
