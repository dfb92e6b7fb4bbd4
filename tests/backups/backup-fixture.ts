import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { App } from "../../src/core/app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { UploadedFile } from "../../src/tools/filesystem/file.ts";
import { defineFixture } from "../helpers/api-scenario.ts";

export const userEmail = "user@example.com";

/** seedPosts makes posts with a title and files, three of them seeded with a file each, and a user. */
export async function seedPosts(app: App): Promise<void> {
  const posts = Collection.create("base", "posts");
  posts.applyJSON({
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "doc", type: "file", maxSelect: 2, maxSize: 1 << 20 },
    ],
  });
  await app.saveCollection(posts);
  for (let i = 1; i <= 3; i++) await addPost(app, `post ${i}`, `doc${i}.txt`, `content of post ${i}`);
  const users = app.findCachedCollectionByNameOrId("users") as Collection;
  const user = new RecordModel(users);
  user.load({ email: userEmail, password: "1234567890", passwordConfirm: "1234567890" });
  await app.save(user);
}

export const backupFixture = defineFixture(seedPosts);

/** addPost saves a post with one file, through the records pipeline (the file goes to storage). */
export async function addPost(app: App, title: string, fileName: string, content: string): Promise<RecordModel> {
  const posts = app.findCachedCollectionByNameOrId("posts") as Collection;
  const post = new RecordModel(posts);
  post.load({ title, doc: [new UploadedFile(fileName, new TextEncoder().encode(content))] });
  await app.save(post);
  return post;
}

/** DataState is what a restore must bring back: the posts' rows and the stored files' bytes. */
export interface DataState {
  posts: unknown[];
  users: number;
  files: Record<string, string>;
}

export async function dataState(app: App): Promise<DataState> {
  return {
    posts: await app.db.all(`SELECT * FROM posts ORDER BY id`),
    users: ((await app.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM users"))?.n ?? -1) as number,
    files: storedFiles(join(app.dataDir, "storage")),
  };
}

/** storedFiles reads every file under a storage root (without the `.attrs` side files), by relative path. */
export function storedFiles(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  for (const rel of (readdirSync(root, { recursive: true }) as string[]).sort()) {
    const path = join(root, rel);
    if (rel.endsWith(".attrs") || !statSync(path).isFile()) continue;
    out[rel] = readFileSync(path, "utf8");
  }
  return out;
}

/** settled waits until no backup or restore runs on the app (a restore goes on after its answer). */
export async function settled(app: App, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (app.activeBackup() !== null) {
    if (Date.now() > deadline) throw new Error(`the backup ${app.activeBackup()} did not finish in time`);
    await Bun.sleep(5);
  }
}

/** holdBackups makes the next backup or restore wait (inside its hook) until the returned release is called. */
export function holdBackups(app: App): { started: Promise<void>; release: () => void } {
  const started = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  for (const hook of [app.onBackupCreate(), app.onBackupRestore()]) {
    hook.bind({
      id: "testHoldBackups",
      func: async (e) => {
        started.resolve();
        await gate.promise;
        await e.next();
      },
    });
  }
  return { started: started.promise, release: () => gate.resolve() };
}
