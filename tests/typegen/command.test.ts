import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cmd/cli.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

/** `satchel typegen [--out=file]`, run in process through the command line. */

let root: string;
let dataDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "satchel-typegen-cli-"));
  dataDir = join(root, "data");
  const app = createApp({ dataDir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  await app.saveCollection(
    Collection.fromJSON({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] }),
  );
  await app.terminate();
});

afterEach(async () => {
  await chmod(root, 0o700).catch(() => {});
  await rm(root, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const run = { code: -1, out: "", err: "" };
  run.code = await runCli(["--dir", dataDir, ...args], {
    version: "0.0.0",
    io: {
      out: (t) => {
        run.out += t;
      },
      err: (t) => {
        run.err += t;
      },
    },
    makeApp: async ({ dir }) =>
      createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations }),
    onStopSignal: () => () => {},
  });
  return run;
}

test("without --out the types go to the standard output", async () => {
  const run = await cli(["typegen"]);
  expect(run).toMatchObject({ code: 0, err: "" });
  expect(run.out).toContain("export interface PostsResponse<Texpand = PostsExpand> {");
  expect(run.out).toContain("  title: string;\n");
  expect(run.out).toContain("export interface TypedPocketBase extends PocketBase {");
});

test("--out writes the file, replacing an older one, and says so", async () => {
  const out = join(root, "satchel-types.ts");
  await writeFile(out, "// old types\n");
  const run = await cli(["typegen", `--out=${out}`]);
  expect(run).toMatchObject({ code: 0, err: "" });
  expect(run.out).toMatch(/^Wrote the types of \d+ collections to ".*satchel-types\.ts"\.\n$/);
  const text = await readFile(out, "utf8");
  expect(text).toContain("export interface PostsRecord {");
  expect(text).not.toContain("// old types");
  // nothing else is left beside it
  expect((await readdir(root)).sort()).toEqual(["data", "satchel-types.ts"]);
});

test("--out to a folder that doesn't exist is a clear error, and writes nothing", async () => {
  const run = await cli(["typegen", "--out", join(root, "missing", "types.ts")]);
  expect(run.code).toBe(1);
  expect(run.err).toContain(
    `failed to write the types to "${join(root, "missing", "types.ts")}": its folder doesn't exist`,
  );
  expect(run.out).toBe("");
});

test("--out to an unwritable folder is a clear error, and leaves no temporary file", async () => {
  // root writes through permission bits: sysfs refuses new files to everybody
  const isRoot = process.getuid?.() === 0;
  const locked = isRoot ? "/sys" : join(root, "locked");
  if (!isRoot) {
    await mkdir(locked);
    await chmod(locked, 0o500);
  }
  const before = await readdir(locked);
  const run = await cli(["typegen", `--out=${join(locked, "satchel-types.ts")}`]);
  expect(run.code).toBe(1);
  expect(run.err).toContain(`failed to write the types to "${join(locked, "satchel-types.ts")}": permission denied`);
  expect(await readdir(locked)).toEqual(before);
});

test("--out under a file is a clear error", async () => {
  const file = join(root, "file.txt");
  await writeFile(file, "x");
  const run = await cli(["typegen", `--out=${join(file, "types.ts")}`]);
  expect(run.code).toBe(1);
  expect(run.err).toContain("a part of the path is not a folder");
});

test("--out naming a folder is a clear error and leaves the folder as it was", async () => {
  const folder = join(root, "folder");
  await mkdir(folder);
  const run = await cli(["typegen", `--out=${folder}`]);
  expect(run.code).toBe(1);
  expect(run.err).toContain(`failed to write the types to "${folder}": it is a folder`);
  expect(await readdir(folder)).toEqual([]);
});

test("an empty --out and extra arguments are usage errors", async () => {
  const empty = await cli(["typegen", "--out="]);
  expect(empty.code).toBe(1);
  expect(empty.err).toContain('"--out" needs a file name');
  const extra = await cli(["typegen", "types.ts"]);
  expect(extra.code).toBe(1);
  expect(extra.err).toContain('unexpected argument "types.ts"');
});
