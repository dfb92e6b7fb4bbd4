import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import packageJson from "../../package.json" with { type: "json" };
import { copyExecutable } from "../helpers/executable.ts";
import { runSatchel, ServeProcess } from "./process.ts";

/**
 * The single-file executable (compiled once for the test run by tests/helpers/executable.ts) runs alone in
 * an empty directory with a PATH that holds neither bun nor node.
 */

setDefaultTimeout(30_000);

let tmp: string;
let runDir: string;
let exe: string;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-exe-"));
  const run = await copyExecutable(tmp);
  runDir = run.cwd;
  exe = run.exe;
  env = run.env;
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("the environment really lacks bun and node, and the executable is alone in its directory", async () => {
  expect(Bun.which("bun", { PATH: env.PATH })).toBeNull();
  expect(Bun.which("node", { PATH: env.PATH })).toBeNull();
  expect(await readdir(runDir)).toEqual(["satchel"]);
});

test("the executable serves the dashboard embedded in it", async () => {
  const run = { cmd: [exe], cwd: runDir, env };
  const server = await ServeProcess.start("dashboard_data", run);
  try {
    await server.stdout.waitFor(/Dashboard: /, 5000);
    expect(server.stdout.text).toContain(`├─ REST API:  ${server.url}/api/\n└─ Dashboard: ${server.url}/_/\n`);

    const redirect = await fetch(`${server.url}/_`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/_/");

    const index = await fetch(`${server.url}/_/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    expect(html).toContain('<div id="app"></div>');

    const script = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${server.url}/_/${script}`, { headers: { "accept-encoding": "br" } });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-encoding")).toBe("br");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await js.text()).length).toBeGreaterThan(10_000);
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(10_000)).toBe(0);
  await rm(join(runDir, "dashboard_data"), { recursive: true, force: true });
});

test("the executable creates a superuser, serves the API and stops cleanly", async () => {
  const run = { cmd: [exe], cwd: runDir, env };
  expect(await runSatchel(["--version"], run)).toEqual({
    code: 0,
    stdout: `satchel version ${packageJson.version}\n`,
    stderr: "",
  });
  const upsert = await runSatchel(["superuser", "upsert", "root@example.com", "S3cret-pass-123"], run);
  expect(upsert).toEqual({ code: 0, stdout: 'Successfully saved superuser "root@example.com"!\n', stderr: "" });

  const server = await ServeProcess.start("satchel_data", run);
  try {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ message: "API is healthy.", code: 200, data: {} });

    const pb = new PocketBase(server.url);
    await pb.collection("_superusers").authWithPassword("root@example.com", "S3cret-pass-123");
    await pb.collections.create({ name: "notes", type: "base", fields: [{ name: "title", type: "text" }] });
    const created = await pb.collection("notes").create({ title: "from the single file" });
    const read = await pb.collection("notes").getOne(created.id);
    expect(read).toMatchObject({ id: created.id, collectionName: "notes", title: "from the single file" });
    // the SQL console runs its scripts in a child process of the executable itself
    expect(await pb.sql.run("SELECT title FROM notes")).toMatchObject({ rows: [["from the single file"]] });
    // a backup: the databases copied by a child process of the executable, zipped; restored in place
    await pb.backups.create("exe.zip");
    await pb.collection("notes").create({ title: "after the backup" });
    await pb.backups.restore("exe.zip");
    const deadline = Date.now() + 10_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      titles = (await pb.collection("notes").getFullList()).map((n) => n.title as string);
      if (titles.length === 1) break;
      await Bun.sleep(50);
    }
    expect(titles).toEqual(["from the single file"]);
    expect((await pb.backups.getFullList()).map((b) => b.key)).toEqual(["exe.zip"]);
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(10_000)).toBe(0);
  expect(server.stdout.text).toContain("Server stopped.");
  expect(server.stderr.text).toBe("");

  // the data directory sits beside the executable, closed cleanly (no write-ahead log left behind)
  expect((await readdir(runDir)).sort()).toEqual(["satchel", "satchel_data"]);
  const data = join(runDir, "satchel_data");
  for (const f of ["data.db", "auxiliary.db"]) expect(existsSync(join(data, f))).toBe(true);
  expect(existsSync(join(data, "data.db-wal"))).toBe(false);
});

test("the executable runs TypeScript migrations that import satchel/migrate, their helpers and packages", async () => {
  const dir = join(tmp, "migrating");
  const migrations = join(dir, "satchel_migrations");
  await mkdir(join(migrations, "lib"), { recursive: true });
  await mkdir(join(migrations, "node_modules", "slugs"), { recursive: true });
  await Bun.write(join(migrations, "node_modules", "slugs", "package.json"), '{ "name": "slugs", "main": "index.js" }');
  await Bun.write(
    join(migrations, "node_modules", "slugs", "index.js"),
    "export const slug = (s) => s.toLowerCase();\n",
  );
  await Bun.write(join(migrations, "lib", "names.ts"), 'export const notes: string = "Notes";\n');
  await Bun.write(
    join(migrations, "1700000001_notes.ts"),
    `import { Collection, migrate, type App } from "satchel/migrate";
import { slug } from "slugs";
import { notes } from "./lib/names.ts";

export default migrate(
  async (app: App) => {
    await app.saveCollection(Collection.fromJSON({ name: slug(notes), type: "base", fields: [{ name: "title", type: "text" }] }));
  },
  async (app: App) => {
    await app.deleteCollection(await app.findCollectionByNameOrId("notes"));
  },
);
`,
  );
  const run = { cmd: [exe], cwd: dir, env };
  expect(await runSatchel(["migrate", "up"], run)).toEqual({
    code: 0,
    stdout: "Applied 1700000001_notes.ts\n",
    stderr: "",
  });
  const db = new Database(join(dir, "satchel_data", "data.db"), { readonly: true });
  try {
    expect(db.query("SELECT name FROM _collections WHERE name = 'notes'").all()).toEqual([{ name: "notes" }]);
  } finally {
    db.close();
  }
  expect(await runSatchel(["migrate", "down", "--yes"], run)).toEqual({
    code: 0,
    stdout: "Reverted 1700000001_notes.ts\n",
    stderr: "",
  });

  await Bun.write(join(migrations, "1700000002_broken.ts"), "export default migrate(() => { const = 1 });\n");
  const broken = await runSatchel(["migrate", "up"], run);
  expect(broken).toEqual({
    code: 1,
    stdout: "",
    stderr:
      'Error: failed to load migration 1700000002_broken.ts: Expected identifier but found "=" (line 1, column 38)\n',
  });
});

test("the executable runs as a primary with worker processes of itself (--workers=2)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "satchel-exe-workers-"));
  const run = { cmd: [exe], cwd: dir, env: { ...env, HOME: dir } };
  const server = await ServeProcess.start("workers_data", { ...run, args: ["--workers=2"] });
  try {
    await server.stdout.waitFor(/Serving with 2 worker processes/, 15_000);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${server.url}/api/health`, { headers: { connection: "close" } });
      expect(res.status).toBe(200);
    }
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(20_000)).toBe(0);
  expect(server.stderr.text).toBe("");
  await rm(dir, { recursive: true, force: true });
});

test("the executable loads and type-checks hook files that import satchel/hooks and npm packages; a broken or mistyped one stops serve", async () => {
  const dir = join(tmp, "hooked");
  const hooks = join(dir, "satchel_hooks");
  await mkdir(join(hooks, "node_modules", "greet"), { recursive: true });
  await Bun.write(join(hooks, "node_modules", "greet", "package.json"), '{ "name": "greet", "main": "index.js" }');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the module written holds a template literal
  await Bun.write(join(hooks, "node_modules", "greet", "index.js"), "export const greet = (n) => `hello ${n}`;\n");
  await Bun.write(
    join(hooks, "routes.ts"),
    `import { type App, requireGuestOnly } from "satchel/hooks";
import { greet } from "greet";

export default (app: App) => {
  app.onServe((e) => {
    e.router.get("/hello/{name}", (re) => re.json(200, { text: greet(re.params.name ?? "") }), requireGuestOnly());
    return e.next();
  });
};
`,
  );
  // a temporary directory and a cache of its own, to see where the compiler written out for the check goes
  const ownTmp = join(dir, "tmp");
  const ownCache = join(dir, "cache");
  await mkdir(ownTmp);
  const run = { cmd: [exe], cwd: dir, env: { ...env, TMPDIR: ownTmp, XDG_CACHE_HOME: ownCache } };
  // the type check (the compiler written out, then run) takes seconds on a loaded machine
  const server = await ServeProcess.start("satchel_data", { ...run, readyTimeoutMs: 60_000 });
  try {
    const res = await fetch(`${server.url}/hello/ann`);
    expect(await res.json()).toEqual({ text: "hello ann" });
    // the compiler embedded in the executable checked them: nothing says they were not
    expect(server.stderr.text).not.toContain("not type-checked");
    expect(server.stdout.text).not.toContain("not type-checked");
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(10_000)).toBe(0);
  // the compiler was written out once, whole, into the user's cache (a folder named by its hash), nothing in
  // the temporary directory
  expect((await readdir(ownTmp)).filter((n) => n.startsWith("satchel-typescript-"))).toEqual([]);
  const cached = await readdir(join(ownCache, "satchel"));
  expect(cached).toHaveLength(1);
  expect(cached[0]).toMatch(/^typescript-[0-9a-f]+-[0-9a-f]+$/);
  const compilerFolder = join(ownCache, "satchel", cached[0] ?? "");
  expect(existsSync(join(compilerFolder, ".complete"))).toBe(true);
  const writtenAt = (await stat(join(compilerFolder, "compiler", "tsc"))).mtimeMs;

  // a type error (in a file that bundles fine) stops serve before any hook runs, naming the file and line
  await Bun.write(
    join(hooks, "typed.ts"),
    `import type { App } from "satchel/hooks";

export default (app: App) => {
  app.onRecordCreate((e) => {
    const title: number = e.record.getString("title");
    return title > 0 ? e.next() : e.next();
  });
};
`,
  );
  const typed = await runSatchel(["serve", "--http=127.0.0.1:0"], { ...run, timeoutMs: 60_000 });
  expect(typed.code).toBe(1);
  expect(typed.stderr).toContain(
    "failed to load hook file typed.ts: Type 'string' is not assignable to type 'number'. (TS2322, line 5, column 11)",
  );
  // the later start checked with the compiler the first one wrote out: not written again
  expect(await readdir(join(ownCache, "satchel"))).toEqual(cached);
  expect((await stat(join(compilerFolder, "compiler", "tsc"))).mtimeMs).toBe(writtenAt);
  await rm(join(hooks, "typed.ts"));

  await Bun.write(join(hooks, "zz_broken.ts"), "export default (app) => {\n  app.onServe((e) => e.next(;\n};\n");
  const broken = await runSatchel(["serve", "--http=127.0.0.1:0"], { ...run, timeoutMs: 20_000 });
  expect(broken.code).toBe(1);
  expect(broken.stderr).toMatch(/failed to load hook file zz_broken\.ts: .*\(line 2, column \d+\)/);
}, 150_000);
