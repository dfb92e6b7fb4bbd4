import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EventSource } from "eventsource";
import PocketBase from "pocketbase";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { registerHooks } from "../../src/plugins/hooks/hooks.ts";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.ts";
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
let smtp: TestSmtpServer;

beforeAll(async () => {
  files = await docsHookFiles();
  root = await mkdtemp(join(tmpdir(), "satchel-docs-hooks-"));
  const hooksDir = join(root, "satchel_hooks");
  await mkdir(hooksDir);
  for (const [name, text] of files) await writeFile(join(hooksDir, name), text);
  t = await newTestApp({ dir: join(root, "satchel_data") });
  // type-checked as serve does it (which takes seconds on a loaded machine): the page's code compiles
  await registerHooks(t.app, { dir: hooksDir, watch: false, typeCheck: true });
  await upsertSuperuser(t.app, superuserEmail, superuserPassword);
  const posts = Collection.create("base", "posts");
  posts.applyJSON({ listRule: "", viewRule: "", createRule: "", fields: [{ name: "title", type: "text" }] });
  await t.app.saveCollection(posts);
  const orders = Collection.create("base", "orders");
  orders.applyJSON({
    createRule: "",
    fields: [
      { name: "item", type: "text" },
      { name: "quantity", type: "number" },
    ],
  });
  await t.app.saveCollection(orders);
  const documents = Collection.create("base", "documents");
  documents.applyJSON({
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "draft", type: "bool" },
      { name: "file", type: "file", maxSelect: 1 },
    ],
  });
  await t.app.saveCollection(documents);
  // the app's mails go to a real SMTP server
  smtp = await startSmtpServer();
  const settings = structuredClone(t.app.settings());
  settings.smtp = { ...settings.smtp, enabled: true, host: smtp.host, port: smtp.port };
  await t.app.saveSettings(settings);
  running = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
}, 60_000);
afterAll(async () => {
  await running?.stop();
  await smtp?.stop();
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
    "80_mail.ts",
    "90_files.ts",
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

test("mail: a new order is mailed to the shop; every mail has the site's header; the reset mail its own subject", async () => {
  await client().collection("orders").create({ item: "teapot", quantity: 2 });
  const order = await smtp.waitForMail((m) => m.subject === "New order: teapot");
  expect(order.to).toEqual(["shop@example.com"]);
  expect(order.html).toContain("<p>2 × teapot</p>");
  expect(order.headers["x-site"]).toBe("shop");

  const users = await t.app.findCollectionByNameOrId("users");
  const ann = new RecordModel(users);
  ann.load({ email: "ann@example.com", password: "1234567890", passwordConfirm: "1234567890" });
  await t.app.save(ann);
  await client().collection("users").requestPasswordReset("ann@example.com");
  const reset = await smtp.waitForMail((m) => m.to.includes("ann@example.com"));
  expect(reset.subject).toBe("ann@example.com, here is your reset link");
  expect(reset.headers["x-site"]).toBe("shop");
});

test("files: a draft isn't downloaded, the others under their title; a route reads a record's file", async () => {
  const pb = client();
  const upload = (title: string, draft: boolean) => {
    const form = new FormData();
    form.set("title", title);
    form.set("draft", String(draft));
    form.set("file", new File(["first line\nsecond line\n"], "notes.txt", { type: "text/plain" }));
    return pb.collection("documents").create(form);
  };
  const doc = await upload("minutes", false);
  const res = await fetch(pb.files.getURL(doc, doc.file));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toContain("filename=minutes.txt");
  expect(await res.text()).toBe("first line\nsecond line\n");

  const draft = await upload("plans", true);
  const refused = await fetch(pb.files.getURL(draft, draft.file));
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { message: string }).message).toBe("This document is a draft.");

  expect(await pb.send(`/api/documents/${doc.id}/summary`, {})).toEqual({ size: 23, firstLine: "first line" });
  expect(await status(pb.send("/api/documents/nope/summary", {}))).toBe("404 No such document.");
});
