import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
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

/** The hook files of these tests: each one a thing the issue asks hook files to do. */
const hookFiles: Record<string, string> = {
  // rejects a create on a condition, with the ApiError it throws
  "01_reject.ts": `
    import { type App, ApiError } from "satchel/hooks";
    export default (app: App) => {
      app.onRecordCreate((e) => {
        if (e.record.getString("title").includes("spam")) throw new ApiError(400, "No spam, please.");
        return e.next();
      }, "posts");
    };`,
  // enriches records on view
  "02_enrich.ts": `
    import type { App } from "satchel/hooks";
    export default (app: App) => {
      app.onRecordEnrich((e) => {
        e.record.exportCustomData = true;
        e.record.set("shout", e.record.getString("title").toUpperCase());
        return e.next();
      }, "posts");
    };`,
  // a route behind requireAuth, with an npm package (zod, from the hooks folder's node_modules)
  "03_routes.ts": `
    import { type App, requireAuth } from "satchel/hooks";
    import { z } from "zod";
    const name = z.string().min(2);
    export default (app: App) => {
      app.onServe((e) => {
        e.router.get("/hello/{name}", (re) => {
          const parsed = name.safeParse(re.params.name);
          if (!parsed.success) return re.json(400, { message: "too short" });
          return re.json(200, { hello: parsed.data, by: re.auth?.getString("email") });
        }, requireAuth("users"));
        const api = e.router.group("/api/shop");
        api.post("/notify", async (re) => {
          const { data } = await re.body();
          const sent = re.app.realtime().send("shop/news", { text: data.text });
          return re.json(200, { sent });
        });
        api.get("/boom", () => { throw new Error("the route broke"); });
        return e.next();
      });
    };`,
  // a cron job
  "04_cron.ts": `
    import type { App } from "satchel/hooks";
    export default (app: App) => {
      app.cron().add("hooksCleanup", "*/5 * * * *", () => {});
    };`,
  // a hook that fails after the INSERT, inside the create's transaction
  "05_fail.ts": `
    import type { App } from "satchel/hooks";
    export default (app: App) => {
      app.onRecordCreateExecute(async (e) => {
        await e.next();
        if (e.record.getString("title") === "explode") throw new TypeError("the hook broke");
      }, "posts");
    };`,
};

let t: TestApp;
let running: RunningServer;
let root: string;
let hooksDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "satchel-hook-files-"));
  hooksDir = join(root, "satchel_hooks");
  await mkdir(join(hooksDir, "node_modules"), { recursive: true });
  await symlink(resolve(import.meta.dir, "../../node_modules/zod"), join(hooksDir, "node_modules/zod"));
  for (const [name, text] of Object.entries(hookFiles)) await writeFile(join(hooksDir, name), text);

  t = await newTestApp({ dir: join(root, "satchel_data") });
  await registerHooks(t.app, { dir: hooksDir, watch: false, typeCheck: false });
  await upsertSuperuser(t.app, superuserEmail, superuserPassword);
  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "doc", type: "file", maxSelect: 1, maxSize: 1 << 20 },
    ],
  });
  await t.app.saveCollection(posts);
  const users = t.app.findCachedCollectionByNameOrId("users");
  if (!users) throw new Error("no users collection");
  users.createRule = "";
  await t.app.saveCollection(users);
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

describe("hook files", () => {
  test("a hook file rejects a record create with a 400 on a condition", async () => {
    const res = await fetch(`${running.url}/api/collections/posts/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "buy spam now" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 400, message: "No spam, please.", data: {} });
    expect(await client().collection("posts").getFullList()).toHaveLength(0);
    expect((await client().collection("posts").create({ title: "fine" })).title).toBe("fine");
  });

  test("a hook file enriches records on view", async () => {
    const rec = await client().collection("posts").create({ title: "quiet" });
    expect(await client().collection("posts").getOne(rec.id)).toMatchObject({ title: "quiet", shout: "QUIET" });
  });

  test("a hook file adds GET /hello/{name} behind requireAuth, using an npm package", async () => {
    const guest = await fetch(`${running.url}/hello/ann`);
    expect(guest.status).toBe(401);
    expect(((await guest.json()) as { message: string }).message).toBe(
      "The request requires valid record authorization token.",
    );

    const asSuperuser = await fetch(`${running.url}/hello/ann`, {
      headers: { authorization: (await superuser()).authStore.token },
    });
    expect(asSuperuser.status).toBe(403);

    const pb = client();
    await pb
      .collection("users")
      .create({ email: "ann@example.com", password: "1234567890", passwordConfirm: "1234567890" });
    await pb.collection("users").authWithPassword("ann@example.com", "1234567890");
    expect(await pb.send("/hello/ann", {})).toEqual({ hello: "ann", by: "ann@example.com" });
    // zod refused the name
    const short = await fetch(`${running.url}/hello/a`, { headers: { authorization: pb.authStore.token } });
    expect(short.status).toBe(400);
  });

  test("a route that throws something else than an ApiError answers a 500, and the server goes on", async () => {
    const res = await fetch(`${running.url}/api/shop/boom`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toBe(
      "Something went wrong while processing your request.",
    );
    expect((await fetch(`${running.url}/api/health`)).status).toBe(200);
  });

  test("a hook file schedules a cron job, listed in /api/crons", async () => {
    const crons = await (await superuser()).crons.getFullList();
    expect(crons).toContainEqual({ id: "hooksCleanup", expression: "*/5 * * * *" });
  });

  test("a custom realtime message sent by a hook file's route reaches pb.realtime.subscribe", async () => {
    const pb = client();
    const got = Promise.withResolvers<unknown>();
    const unsubscribe = await pb.realtime.subscribe("shop/news", (data) => got.resolve(data));
    try {
      const res = await client().send("/api/shop/notify", { method: "POST", body: { text: "sale!" } });
      expect(res).toEqual({ sent: 1 });
      expect(await got.promise).toEqual({ text: "sale!" });
    } finally {
      await unsubscribe();
    }
  });

  test("a hook that throws inside a create's transaction leaves no record and no file behind", async () => {
    const form = new FormData();
    form.set("title", "explode");
    form.set("doc", new File(["file content"], "doc.txt", { type: "text/plain" }));
    const res = await fetch(`${running.url}/api/collections/posts/records`, { method: "POST", body: form });
    expect(res.status).toBe(500);
    const posts = await client().collection("posts").getFullList({ filter: 'title = "explode"' });
    expect(posts).toHaveLength(0);
    const storage = join(t.dir, "storage", t.app.findCachedCollectionByNameOrId("posts")?.id ?? "");
    const files = existsSync(storage)
      ? readdirSync(storage, { recursive: true }).filter((f) => String(f).endsWith(".txt"))
      : [];
    expect(files).toEqual([]);
  });
});
