import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase, { ClientResponseError } from "pocketbase";
import { compile } from "../../src/cmd/compile.ts";
import { repoRoot, runSatchel, ServeProcess } from "../cli/process.ts";

/**
 * examples/blog, a program embedding Satchel as a library, made into its own executable by
 * `satchel/compile` (once: the slow part), then run alone in an empty directory with a PATH that holds
 * neither bun nor node: its migration, hook (with an npm package), route and cron job are there, and so
 * is the dashboard.
 */

let tmp: string;
let runDir: string;
let exe: string;
let env: Record<string, string>;
let size = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-example-blog-"));
  const built = await compile({
    entry: join(repoRoot, "examples", "blog", "app.ts"),
    outfile: join(tmp, "build", "blog"),
  });
  size = built.size;
  runDir = join(tmp, "run");
  await mkdir(runDir);
  exe = join(runDir, "blog");
  await copyFile(built.outfile, exe);
  await chmod(exe, 0o755);
  const emptyBin = join(tmp, "empty-bin");
  await mkdir(emptyBin);
  env = { PATH: emptyBin, HOME: runDir };
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("the blog runs from its own executable, with neither bun nor node on PATH", async () => {
  expect(Bun.which("bun", { PATH: env.PATH })).toBeNull();
  expect(Bun.which("node", { PATH: env.PATH })).toBeNull();
  expect(await readdir(runDir)).toEqual(["blog"]);
  expect(size).toBeGreaterThan(1_000_000);

  const run = { cmd: [exe], cwd: runDir, env };
  // the library's command line: other commands than serve work on the same app
  const upsert = await runSatchel(["superuser", "upsert", "admin@example.com", "1234567890"], run);
  expect(upsert.stderr).toBe("");
  expect(upsert.code).toBe(0);

  // createApp's dataDir is the default; --dir would override it
  const server = await ServeProcess.start("blog_data", run);
  try {
    expect(server.stdout.text).toContain(`└─ Dashboard: ${server.url}/_/\n`);
    const pb = new PocketBase(server.url);
    await pb.collection("_superusers").authWithPassword("admin@example.com", "1234567890");

    // the migration in code made the collection; the hook slugs the title with an npm package
    const post = await pb
      .collection("posts")
      .create({ title: "Hello, Wörld & friends!", body: "<p>First <b>post</b>.</p>", published: true });
    expect(post.slug).toBe("hello-woerld-and-friends");
    const draft = await pb.collection("posts").create({ title: "Draft" });
    const refused = await pb
      .collection("posts")
      .create({ title: "?!" })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ClientResponseError);
    expect((refused as ClientResponseError).status).toBe(400);
    expect((refused as ClientResponseError).response).toEqual({
      status: 400,
      message: "The post has no slug.",
      data: { title: { code: "validation_no_slug", message: "The title needs a letter or a digit." } },
    });

    // the custom route, to anybody, for published posts only
    const preview = await fetch(`${server.url}/api/blog/posts/${post.id}/preview`);
    expect(preview.status).toBe(200);
    expect(await preview.json()).toEqual({
      title: "Hello, Wörld & friends!",
      url: "/posts/hello-woerld-and-friends",
      excerpt: "First post.",
    });
    const hidden = await fetch(`${server.url}/api/blog/posts/${draft.id}/preview`);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { message: string }).message).toBe(
      "The post doesn't exist or isn't published yet.",
    );

    // the cron job is listed beside PocketBase's own
    const crons = await pb.crons.getFullList();
    expect(crons).toContainEqual({ id: "nightlyBackup", expression: "0 3 * * *" });

    // the dashboard is embedded in the program's executable
    const index = await fetch(`${server.url}/_/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="app"></div>');
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(15_000)).toBe(0);
  expect(server.stderr.text).toBe("");
}, 60_000);
