import { afterEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Collection, createApp, migrate } from "satchel";
import { readAppFlags } from "../../src/cmd/library.ts";

/** Satchel as a library (`import { createApp } from "satchel"`): options, flags and in-code migrations. */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

test("the app's flags are read ahead of the command, the program's options being their defaults", () => {
  const flags = readAppFlags(["serve", "--http", "0.0.0.0:80", "--dir", "x", "--dev", "--queryTimeout=5"], {});
  expect(flags).toMatchObject({ dir: "x", dev: true, queryTimeout: 5, encryptionEnv: "" });
  expect(readAppFlags(["serve"], { dir: "mine", dev: true, queryTimeout: 9, hookTimeout: 0 })).toMatchObject({
    dir: "mine",
    dev: true,
    queryTimeout: 9,
    hookTimeout: 0,
  });
  expect(readAppFlags(["--dir=given", "--dev=false"], { dir: "mine", dev: true })).toMatchObject({
    dir: "given",
    dev: false,
  });
  // a bad value is left to the command line to report; the flags after it still count
  expect(readAppFlags(["--queryTimeout=soon", "--dir", "y"], {})).toMatchObject({ dir: "y", queryTimeout: 30 });
  // after "--" nothing is a flag
  expect(readAppFlags(["--", "--dir", "z"], {}).dir).toBe("satchel_data");
});

test("createApp: the data directory from the options unless the command line gives one", () => {
  expect(createApp({ dataDir: "opt", args: [] }).dataDir).toBe("opt");
  expect(createApp({ dataDir: "opt", args: ["serve", "--dir=cli"] }).dataDir).toBe("cli");
  expect(createApp({ args: [] }).dataDir).toBe("satchel_data");
});

test("start runs a command on the app, with the program's migrations applied once, in name order", async () => {
  const dir = await mkdtemp(join(tmpdir(), "satchel-library-"));
  dirs.push(dir);
  const order: string[] = [];
  const migrations = {
    "2_second": migrate(async (app) => {
      order.push("2_second");
      await app.saveCollection(Collection.fromJSON({ name: "notes", type: "base" }));
    }),
    "1_first": migrate(() => {
      order.push("1_first");
    }),
  };
  const args = ["superuser", "upsert", "lib@example.com", "1234567890"];
  const app = createApp({ dataDir: dir, args, migrations });
  let bootstraps = 0;
  app.onBootstrap(async (e) => {
    await e.next();
    bootstraps++;
    expect(e.app.findCachedCollectionByNameOrId("notes")?.name).toBe("notes");
  });
  expect(await app.start()).toBe(0);
  expect(bootstraps).toBe(1);
  expect(order).toEqual(["1_first", "2_second"]);

  // a second run of the program on the same data directory applies nothing again
  const again = createApp({ dataDir: dir, args, migrations });
  expect(await again.start()).toBe(0);
  expect(order).toEqual(["1_first", "2_second"]);
});
