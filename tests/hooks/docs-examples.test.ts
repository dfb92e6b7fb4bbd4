import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EventSource } from "eventsource";
import PocketBase from "pocketbase";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { registerHooks } from "../../src/plugins/hooks/hooks.ts";
import { newTestApp, superuserEmail, superuserPassword, type TestApp } from "../helpers/test-app.ts";

// Bun has no EventSource: the SDK's realtime service uses this WHATWG-compliant one
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

/** The hook files of docs/hooks.md: each ```ts block that starts with `// file: <name>`. */
async function docsHookFiles(): Promise<Map<string, string>> {
  const page = await readFile(resolve(import.meta.dir, "../../docs/hooks.md"), "utf8");
  const files = new Map<string, string>();
  for (const m of page.matchAll(/```ts\n\/\/ file: (\S+)\n([\s\S]*?)```/g)) files.set(m[1] as string, m[2] as string);
  return files;
}

let t: TestApp;
let running: RunningServer;
let root: string;
let files: Map<string, string>;

beforeAll(async () => {
  files = await docsHookFiles();
  root = await mkdtemp(join(tmpdir(), "satchel-docs-hooks-"));
  const hooksDir = join(root, "satchel_hooks");
  await mkdir(hooksDir);
  for (const [name, text] of files) await writeFile(join(hooksDir, name), text);
  t = await newTestApp({ dir: join(root, "satchel_data") });
  await registerHooks(t.app, { dir: hooksDir, watch: false, typeCheck: true });
  await upsertSuperuser(t.app, superuserEmail, superuserPassword);
  const posts = Collection.create("base", "posts");
  posts.applyJSON({ listRule: "", viewRule: "", createRule: "", fields: [{ name: "title", type: "text" }] });
  await t.app.saveCollection(posts);
  running = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
});
afterAll(async () => {
  await running?.stop();
  await t?.cleanup();
  await rm(root, { recursive: true, force: true });
});

const client = () => {
  const pb = new PocketBase(running.url);
  pb.autoCancellation(false);
  return pb;
};
async function superuser(): Promise<PocketBase> {
  const pb = client();
  await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  return pb;
}
/** status is the request's status, and the error's message for a failure. */
async function status(p: Promise<unknown>): Promise<number | string> {
  return p.then(
    () => 200,
    (err: { status: number; response: { message?: string } }) => `${err.status} ${err.response.message}`,
  );
}

test("the page has a hook file per family", () => {
  expect([...files.keys()]).toEqual([
    "00_hello.ts",
    "10_posts.ts",
    "20_models.ts",
    "30_routes.ts",
    "40_realtime.ts",
    "50_cron.ts",
    "60_settings.ts",
    "70_backups.ts",
  ]);
});

test("records: spam is refused, posts are sent with their title's length", async () => {
  expect(await status(client().collection("posts").create({ title: "SPAM offer" }))).toBe("400 No spam, please.");
  const post = await client().collection("posts").create({ title: "hello" });
  expect(await client().collection("posts").getOne(post.id)).toMatchObject({ title: "hello", titleLength: 5 });
});

test("models: collection ids starting with tmp are refused", async () => {
  const pb = await superuser();
  expect(await status(pb.collections.create({ id: "tmpthings000001", name: "things", type: "base" }))).toBe(
    "400 Collection ids starting with tmp are reserved.",
  );
  expect(await status(pb.collections.create({ name: "things", type: "base" }))).toBe(200);
});

test("routes and realtime: /hello/{name} needs an auth record; a shop route broadcasts to subscribers", async () => {
  expect((await fetch(`${running.url}/hello/ann`)).status).toBe(401);
  const pb = await superuser();
  expect(await pb.send("/hello/ann", {})).toEqual({ hello: "ann", you: pb.authStore.record?.id });

  const listener = client();
  const got = Promise.withResolvers<unknown>();
  const internal: unknown[] = [];
  await listener.realtime.subscribe("shop/news", (data) => got.resolve(data));
  await listener.realtime.subscribe("internal/secrets", (data) => internal.push(data));
  try {
    expect(await client().send("/api/shop/news", { method: "POST", body: { text: "sale" } })).toEqual({ sent: 1 });
    expect(await got.promise).toEqual({ text: "sale" });
    // the subscribe hook dropped the internal topic
    expect(t.app.realtime().send("internal/secrets", { x: 1 })).toBe(0);
  } finally {
    await listener.realtime.unsubscribe();
  }
  expect(internal).toEqual([]);
});

test("cron: the job is listed by /api/crons", async () => {
  expect(await (await superuser()).crons.getFullList()).toContainEqual({
    id: "nightlyReport",
    expression: "0 3 * * *",
  });
});

test("settings: the application name can't change", async () => {
  const pb = await superuser();
  expect(await status(pb.settings.update({ meta: { appName: "Other" } }))).toBe(
    "400 The application name is fixed by a hook.",
  );
  expect(await status(pb.settings.update({ meta: { senderName: "Support" } }))).toBe(200);
});

test("backups: the names get a site_ prefix", async () => {
  const pb = await superuser();
  await pb.backups.create("adhoc.zip");
  expect((await pb.backups.getFullList()).map((b) => b.key)).toEqual(["site_adhoc.zip"]);
});
