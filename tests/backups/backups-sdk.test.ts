import { afterAll, beforeAll, expect, test } from "bun:test";
import { EventSource } from "eventsource";
import type PocketBase from "pocketbase";
import type { RecordModel as SdkRecord } from "pocketbase";
import { startTestServer, superuserEmail, superuserPassword, type TestServer } from "../helpers/test-app.ts";
import { addPost, seedPosts, settled } from "./backup-fixture.ts";

/** The backups API through the official SDK, against served apps: make, download, upload elsewhere, restore. */

// Bun has no EventSource: the SDK's realtime service uses this WHATWG-compliant one
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

let source: TestServer;
let target: TestServer;

beforeAll(async () => {
  [source, target] = await Promise.all([startTestServer(), startTestServer()]);
  await seedPosts(source.app);
  await seedPosts(target.app);
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

/** posts lists the posts as a client sees them, with each file's bytes as served. */
async function posts(pb: PocketBase): Promise<{ title: string; id: string; files: string[] }[]> {
  const list = await pb.collection("posts").getFullList({ sort: "title" });
  return Promise.all(
    list.map(async (p: SdkRecord) => ({
      id: p.id,
      title: p.title as string,
      files: await Promise.all((p.doc as string[]).map(async (name) => (await fetch(pb.files.getURL(p, name))).text())),
    })),
  );
}

test("a backup made, downloaded, uploaded to another server and restored there brings its records and files", async () => {
  const pb = source.pb;
  await pb.collection("posts").create({ title: "post 4", doc: new File(["content of post 4"], "doc4.txt") });
  const atBackup = await posts(pb);
  expect(atBackup.map((p) => p.title)).toEqual(["post 1", "post 2", "post 3", "post 4"]);

  expect(await pb.backups.create("sdk_backup.zip")).toBe(true);
  const list = await pb.backups.getFullList();
  expect(list.map((b) => b.key)).toEqual(["sdk_backup.zip"]);
  expect(list[0]?.size).toBeGreaterThan(0);

  const token = await pb.files.getToken();
  const download = await fetch(pb.backups.getDownloadURL(token, "sdk_backup.zip"));
  expect(download.status).toBe(200);
  const bytes = new Uint8Array(await download.arrayBuffer());
  expect(bytes.length).toBe(list[0]?.size ?? -1);
  // without a file token, no download
  expect((await fetch(pb.backups.getDownloadURL("", "sdk_backup.zip"))).status).toBe(403);

  // the target has changed data of its own
  const pb2 = target.pb;
  await addPost(target.app, "only on the target", "t.txt", "target");
  await pb2.collection("posts").delete((await pb2.collection("posts").getFirstListItem('title = "post 1"')).id);
  expect(await pb2.backups.upload({ file: new File([bytes], "sdk_backup.zip") })).toBe(true);
  expect((await pb2.backups.getFullList()).map((b) => b.key)).toEqual(["sdk_backup.zip"]);
  await expect(pb2.backups.upload({ file: new File([bytes], "sdk_backup.zip") })).rejects.toMatchObject({
    status: 400,
  });

  expect(await pb2.backups.restore("sdk_backup.zip")).toBe(true);
  await settled(target.app);
  // the restored superuser is the source's (same email and password, another record): sign in again
  await pb2.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  const restored = await posts(pb2);
  expect(restored).toEqual(atBackup);
  expect(restored.flatMap((p) => p.files)).toEqual([
    "content of post 1",
    "content of post 2",
    "content of post 3",
    "content of post 4",
  ]);
  // the backups folder stayed as it was
  expect((await pb2.backups.getFullList()).map((b) => b.key)).toEqual(["sdk_backup.zip"]);
  expect(await pb2.backups.delete("sdk_backup.zip")).toBe(true);
  expect(await pb2.backups.getFullList()).toEqual([]);
  await expect(pb2.backups.delete("sdk_backup.zip")).rejects.toMatchObject({ status: 400 });
});

test("a restore while clients are connected: requests in flight finish, later ones wait and see only the restored data", async () => {
  const { app, pb } = source;
  await pb.backups.create("live.zip");
  const atBackup = await posts(pb);
  await pb.collection("posts").create({ title: "after the backup" });
  const changed = atBackup.length + 1;

  // a slow request in flight when the restore starts
  const events: string[] = [];
  const slowStarted = Promise.withResolvers<void>();
  app.onRecordsListRequest("posts").bind({
    id: "slow",
    func: async (e) => {
      if (e.url.searchParams.get("slow") !== "1") return e.next();
      slowStarted.resolve();
      await Bun.sleep(300);
      await e.next();
      events.push("slow request done");
    },
  });
  app.onTerminate().bind({
    id: "record",
    func: async (e) => {
      events.push(`terminate (restart: ${e.isRestart})`);
      await e.next();
    },
  });
  const slow = pb.collection("posts").getList(1, 50, { slow: "1" });
  await slowStarted.promise;

  // a realtime subscriber
  const subscriber = source.client();
  const seen: string[] = [];
  await subscriber.collection("posts").subscribe("*", (e) => seen.push(`${e.action} ${e.record.title}`));

  expect(await pb.backups.restore("live.zip")).toBe(true);
  // a client polling all through the restore: every answer is whole, before or after, never an error
  const counts: number[] = [];
  const poller = source.client();
  while (app.activeBackup() !== null) {
    const res = await poller.collection("posts").getList(1, 1);
    counts.push(res.totalItems);
  }
  await settled(app);
  counts.push((await poller.collection("posts").getList(1, 1)).totalItems);

  expect((await slow).totalItems).toBe(changed);
  expect(events.slice(0, 2)).toEqual(["slow request done", "terminate (restart: true)"]);
  expect(counts.at(-1)).toBe(atBackup.length);
  // never back to the old data once the restored one was seen
  const firstRestored = counts.indexOf(atBackup.length);
  expect(counts.slice(firstRestored).every((n) => n === atBackup.length)).toBe(true);
  expect(counts.slice(0, firstRestored).every((n) => n === changed)).toBe(true);

  await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  expect(await posts(pb)).toEqual(atBackup);

  // the subscriber reconnects on its own and hears about the restored app's changes
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await pb.collection("posts").create({ title: `ping ${seen.length}` });
    await Bun.sleep(100);
    if (seen.some((s) => s.startsWith("create ping"))) break;
  }
  expect(seen.some((s) => s.startsWith("create ping"))).toBe(true);
  await subscriber.realtime.unsubscribe();
}, 30_000);
