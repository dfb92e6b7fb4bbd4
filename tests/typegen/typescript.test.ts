import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateTypeScript } from "../../src/core/typegen.ts";
import { newTestApp } from "../helpers/test-app.ts";
import { seedEveryFieldType } from "./schema-fixture.ts";

const repo = resolve(import.meta.dir, "../..");

/**
 * The generated types compile under `tsc --strict` and type the official SDK and hook code: a small project
 * uses them, with `@ts-expect-error` on each call that must not compile (tsc fails on an unused one, so a
 * wrong field name that compiled would fail the test).
 */
const clientCode = `import PocketBase from "pocketbase";
import { Collections, type PostsResponse, type TypedPocketBase } from "./satchel-types";

const pb = new PocketBase("http://127.0.0.1:8090") as TypedPocketBase;

export async function typedCalls(file: File): Promise<unknown[]> {
  const post = await pb.collection("posts").getOne("abc", { expand: "author,tags" });
  const title: string = post.title;
  const status: "draft" | "published" = post.status;
  const labels: ("a" | "b" | "c")[] = post.labels;
  const where: { lon: number; lat: number } = post.location;
  const second: string = post["2nd"];
  const author: string | undefined = post.expand?.author?.name;
  const tagNames: string[] | undefined = post.expand?.tags?.map((t) => t.name);
  const comments: string[] | undefined = post.expand?.comments_via_post?.map((c) => c.message);
  const secret: string | undefined = post.secret;
  // @ts-expect-error a field the collection doesn't have
  post.titel;
  // @ts-expect-error a select holds only its values
  const archived: PostsResponse["status"] = "archived";
  // @ts-expect-error a relation's id is not a number
  const authorId: number = post.author;

  await pb.collection("posts").create({ title: "x", status: "draft", cover: file, gallery: [file], tags: ["t"], meta: { any: 1 } });
  await pb.collection("posts").create({ title: "x", status: "draft", "slug:autogenerate": "post-" });
  // @ts-expect-error a misspelled field in a create body
  await pb.collection("posts").create({ title: "x", status: "draft", titel: "y" });
  // @ts-expect-error a required field left out of a create body
  await pb.collection("posts").create({ status: "draft" });
  // @ts-expect-error the server stamps autodate fields
  await pb.collection("posts").create({ title: "x", status: "draft", created: "2024-01-01" });
  await pb.collection("posts").update("abc", { "tags+": "t1", "views+": 1, "gallery-": ["a.png"], gallery: [file, "b.png"] });
  // @ts-expect-error a number field takes numbers
  await pb.collection("posts").update("abc", { views: "many" });
  // @ts-expect-error views are read-only
  await pb.collection("post_stats").create({ total: 1 });

  const stats = await pb.collection(Collections.PostStats).getFullList();
  const total: number = stats[0]?.total ?? 0;
  const auth = await pb.collection("members").authWithPassword("a@example.com", "secret123");
  const nickname: string = auth.record.nickname;
  const email: string | undefined = auth.record.email;
  // @ts-expect-error the password is never in a response
  auth.record.password;
  await pb.collection("members").create({ email: "a@example.com", password: "12345678", passwordConfirm: "12345678" });
  // @ts-expect-error an auth record is created with its password confirmed
  await pb.collection("members").create({ email: "a@example.com", password: "12345678" });
  await pb.collection("members").update("m", { password: "x", passwordConfirm: "x", oldPassword: "y" });
  const user = await pb.collection("users").getOne("u", { expand: "profiles_via_user" });
  const bio: string | undefined = user.expand?.profiles_via_user?.bio;
  // collection ids and names outside the schema still work, untyped
  await pb.collection("pbc_123").getList();
  await pb.collection("posts").subscribe("*", (e) => {
    const changed: string = e.record.title;
    return changed;
  });
  return [title, status, labels, where, second, author, tagNames, comments, secret, archived, authorId, total, nickname, email, bio];
}
`;

const hooksCode = `import type { RecordModel, TypedRecordModel } from "satchel/migrate";
import type { CollectionRecords, PostsRecord } from "./satchel-types";

export function countView(record: RecordModel): string {
  const post = record as TypedRecordModel<PostsRecord>;
  post.set("views", post.get("views") + 1);
  const labels: ("a" | "b" | "c")[] = post.get("labels");
  const member = record as TypedRecordModel<CollectionRecords["members"]>;
  const hash: string = member.get("tokenKey");
  // @ts-expect-error a field the collection doesn't have
  post.get("titel");
  // @ts-expect-error a number field holds numbers
  post.set("views", "many");
  return post.get("title") + labels.join() + hash;
}
`;

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "Preserve",
    moduleResolution: "bundler",
    // Bun's types bring File, Blob and FormData (a browser project has them from the DOM library)
    lib: ["ESNext"],
    types: ["bun"],
    typeRoots: [join(repo, "node_modules/@types")],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
  },
  files: ["satchel-types.ts", "client.ts", "hooks.ts"],
};

let dir = "";

beforeAll(async () => {
  const t = await newTestApp();
  let types: string;
  try {
    await seedEveryFieldType(t.app);
    types = generateTypeScript(t.app.findAllCollections(), "Acme");
  } finally {
    await t.cleanup();
  }
  dir = await mkdtemp(join(tmpdir(), "satchel-typegen-"));
  await mkdir(join(dir, "node_modules"));
  // the project sees the SDK and Satchel as installed packages
  await symlink(join(repo, "node_modules/pocketbase"), join(dir, "node_modules/pocketbase"));
  await symlink(repo, join(dir, "node_modules/satchel"));
  await writeFile(join(dir, "satchel-types.ts"), types);
  await writeFile(join(dir, "client.ts"), clientCode);
  await writeFile(join(dir, "hooks.ts"), hooksCode);
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the generated types compile under tsc --strict, and wrong field names don't", async () => {
  const tsc = Bun.spawnSync([join(repo, "node_modules/.bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: dir });
  const output = tsc.stdout.toString() + tsc.stderr.toString();
  expect(output).toBe("");
  expect(tsc.exitCode).toBe(0);
}, 60_000);
