import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { runCli } from "../../src/cmd/cli.ts";
import { parseFlags } from "../../src/cmd/command.ts";
import { migrateConfig, migrateFlags } from "../../src/cmd/migrate-command.ts";
import { createApp } from "../../src/core/base-app.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { blankTemplate } from "../../src/plugins/migratecmd/templates.ts";
import { appliedFiles, newWorkspace, schemaOf, type Workspace } from "./helpers.ts";

/** `satchel migrate ...` and the start of `satchel serve`, run in process through the command line. */

let ws: Workspace;
let dataDir: string;

beforeEach(async () => {
  ws = await newWorkspace();
  dataDir = join(ws.root, "data");
});

afterEach(async () => {
  await ws.dispose();
});

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** cli runs one command line on the workspace's data directory; `input` are the lines typed at prompts. */
async function cli(args: readonly string[], input: readonly string[] = [], onStarted?: () => void): Promise<CliRun> {
  const run: CliRun = { code: -1, out: "", err: "" };
  const lines = [...input];
  let stop: ((signal: string) => void) | undefined;
  run.code = await runCli(["--dir", dataDir, ...args], {
    version: "0.0.0",
    io: {
      out: (t) => {
        run.out += t;
        if (t.includes("Server started")) {
          onStarted?.();
          stop?.("SIGTERM");
        }
      },
      err: (t) => {
        run.err += t;
      },
      readLine: async () => lines.shift() ?? null,
    },
    makeApp: async ({ dir, dev }) =>
      createApp({
        dataDir: dir,
        isDev: dev,
        openDatabase: (await ws.databases(basename(dir))).openDatabase,
        migrations: systemMigrations,
      }),
    onStopSignal: (listener) => {
      stop = listener;
      return () => {
        stop = undefined;
      };
    },
  });
  return run;
}

async function writeMigration(file: string, content: string): Promise<void> {
  await mkdir(ws.migrations, { recursive: true });
  await writeFile(join(ws.migrations, file), content);
}

/** A migration that creates a base collection (with a relation to another when asked) and deletes it on down. */
function createsCollection(name: string, relationTo?: string): string {
  const relation = relationTo
    ? `{ name: "ref", type: "relation", collectionId: (await app.findCollectionByNameOrId("${relationTo}")).id }`
    : `{ name: "title", type: "text" }`;
  return `import { Collection, migrate } from "satchel/migrate";

export default migrate(
  async (app) => {
    await app.saveCollection(Collection.fromJSON({ name: "${name}", type: "base", fields: [${relation}] }));
  },
  async (app) => {
    await app.deleteCollection(await app.findCollectionByNameOrId("${name}"));
  },
);
`;
}

/** collectionNames opens the data directory and lists its collections, but the system ones and `users`. */
async function collectionNames(): Promise<string[]> {
  const t = await ws.app("data");
  const names = t.app
    .findAllCollections()
    .filter((c) => !c.system && c.name !== "users")
    .map((c) => c.name)
    .sort();
  await t.app.terminate();
  return names;
}

async function migrationRows(): Promise<string[]> {
  const t = await ws.app("data");
  const rows = await appliedFiles(t.app);
  await t.app.terminate();
  return rows;
}

describe("migrate create", () => {
  test("writes a blank TypeScript migration named <unix seconds>_<snake_case name>.ts after a yes", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await cli(["migrate", "create", "Add posts-Slug"], ["y"]);
    expect(res.code).toBe(0);
    const files = await readdir(ws.migrations);
    expect(files).toHaveLength(1);
    const [file = ""] = files;
    expect(file).toMatch(/^\d{10}_add_posts_slug\.ts$/);
    expect(Number(file.slice(0, 10))).toBeGreaterThanOrEqual(before);
    expect(res.err).toBe(`Do you really want to create migration ${JSON.stringify(join(ws.migrations, file))}? (y/N) `);
    expect(res.out).toBe(`Successfully created file ${JSON.stringify(join(ws.migrations, file))}\n`);
    expect(await readFile(join(ws.migrations, file), "utf8")).toBe(blankTemplate());

    // a second file made within the same second still sorts after the first
    expect((await cli(["migrate", "create", "second", "--yes"])).code).toBe(0);
    const [first, second] = (await readdir(ws.migrations)).sort();
    expect(second).toEndWith("_second.ts");
    expect(Number(second?.slice(0, 10))).toBeGreaterThan(Number(first?.slice(0, 10)));
  });

  test("a no, an empty answer or the end of input cancels without writing; other answers ask again", async () => {
    for (const input of [["n"], [""], [], ["maybe", "no"]]) {
      const res = await cli(["migrate", "create", "x"], input);
      expect(res).toMatchObject({ code: 0, out: "The command has been cancelled\n" });
    }
    expect((await cli(["migrate", "create", "x"], ["maybe", "no"])).err.match(/\(y\/N\)/g)).toHaveLength(2);
    expect(await readdir(ws.root)).not.toContain("satchel_migrations");
  });

  test("a missing, extra or invalid name is a usage error and writes nothing", async () => {
    const cases: [string[], string][] = [
      [[], "Error: missing migration file name\n"],
      [["a", "b"], 'Error: unexpected argument "b"\n'],
      [["!!!"], 'Error: invalid migration name "!!!"'],
      [["../../etc/passwd"], ""],
      [["x".repeat(151)], "Error: invalid migration name"],
    ];
    for (const [args, message] of cases) {
      const res = await cli(["migrate", "create", ...args, "-y"]);
      if (args[0] === "../../etc/passwd") {
        // the name is reduced to a snake case file name inside the migrations directory
        expect(res.code).toBe(0);
        expect(await readdir(ws.migrations)).toEqual([expect.stringMatching(/^\d{10}_etc_passwd\.ts$/)]);
        await rm(ws.migrations, { recursive: true });
        continue;
      }
      expect(res.code).toBe(1);
      expect(res.err).toStartWith(message);
      expect(res.err).toContain("Run 'satchel migrate create --help' for usage.");
    }
    expect(await readdir(ws.root)).not.toContain("satchel_migrations");
  });
});

describe("migrate up and down", () => {
  test("up applies the files in name order, once; down reverts the last applied ones, most recent first", async () => {
    // written in the opposite order: b needs a's collection, so only name order works
    await writeMigration("1700000002_b.ts", createsCollection("b_things", "a_things"));
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    await writeMigration("1700000003_empty.ts", blankTemplate());

    expect(await cli(["migrate", "up"])).toEqual({
      code: 0,
      out: "Applied 1700000001_a.ts\nApplied 1700000002_b.ts\nApplied 1700000003_empty.ts\n",
      err: "",
    });
    expect(await cli(["migrate"])).toEqual({ code: 0, out: "No new migrations to apply.\n", err: "" });
    expect(await collectionNames()).toEqual(["a_things", "b_things"]);
    expect(await migrationRows()).toEqual(["1700000001_a.ts", "1700000002_b.ts", "1700000003_empty.ts"]);

    const one = await cli(["migrate", "down"], ["y"]);
    expect(one).toEqual({
      code: 0,
      out: "Reverted 1700000003_empty.ts\n",
      err: "\n1700000003_empty.ts\nDo you really want to revert the last 1 applied migration(s)? (y/N) ",
    });
    const cancelled = await cli(["migrate", "down", "2"], ["n"]);
    expect(cancelled).toMatchObject({ code: 0, out: "The command has been cancelled\n" });
    expect(cancelled.err).toContain("\n1700000002_b.ts\n1700000001_a.ts\nDo you really want to revert the last 2");
    expect(await collectionNames()).toEqual(["a_things", "b_things"]);

    expect(await cli(["migrate", "down", "5", "-y"])).toEqual({
      code: 0,
      out: "Reverted 1700000002_b.ts\nReverted 1700000001_a.ts\n",
      err: "",
    });
    expect(await collectionNames()).toEqual([]);
    expect(await migrationRows()).toEqual([]);

    // applied again, then all reverted at once with -1
    expect((await cli(["migrate", "up"])).code).toBe(0);
    expect((await cli(["migrate", "down", "-1", "-y"])).out).toBe(
      "Reverted 1700000003_empty.ts\nReverted 1700000002_b.ts\nReverted 1700000001_a.ts\n",
    );
  });

  test("down with nothing to revert is an error that touches nothing, system migrations included", async () => {
    const res = await cli(["migrate", "down", "-y"]);
    expect(res).toEqual({
      code: 1,
      out: "",
      err: `Error: no applied migrations to revert (the migration files are in ${JSON.stringify(ws.migrations)})\n`,
    });
    const t = await ws.app("data");
    const rows = await t.app.db.all<{ file: string }>("SELECT file FROM _migrations");
    expect(rows.map((r) => r.file).sort()).toEqual(systemMigrations.map((m) => m.file).sort());
    await t.app.terminate();
  });

  test("down refuses a count that is not a non-zero number; unknown subcommands are usage errors", async () => {
    for (const [args, message] of [
      [["down", "0"], 'Error: invalid number of migrations to revert "0"'],
      [["down", "two"], 'Error: invalid number of migrations to revert "two"'],
      [["down", "1", "2"], 'Error: unexpected argument "2"'],
      [["up", "now"], 'Error: unexpected argument "now"'],
      [["sideways"], 'Error: unsupported command "sideways"'],
    ] as const) {
      const res = await cli(["migrate", ...args]);
      expect(res.code).toBe(1);
      expect(res.err).toStartWith(message);
    }
  });

  test("a migration that throws rolls them all back, and the error names its file", async () => {
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    await writeMigration(
      "1700000002_boom.ts",
      `import { Collection, migrate } from "satchel/migrate";

export default migrate(async (app) => {
  await app.saveCollection(Collection.fromJSON({ name: "half_done", type: "base" }));
  throw new Error("boom");
});
`,
    );
    const res = await cli(["migrate", "up"]);
    expect(res).toEqual({ code: 1, out: "", err: "Error: failed to apply migration 1700000002_boom.ts: boom\n" });
    expect(await collectionNames()).toEqual([]);
    expect(await migrationRows()).toEqual([]);
  });

  test("a migration whose change is invalid says what is wrong", async () => {
    await writeMigration(
      "1700000001_invalid.ts",
      `import { Collection, migrate } from "satchel/migrate";

export default migrate(async (app) => {
  await app.saveCollection(Collection.fromJSON({ name: "bad name!", type: "base" }));
});
`,
    );
    const res = await cli(["migrate", "up"]);
    expect(res.code).toBe(1);
    expect(res.err).toStartWith("Error: failed to apply migration 1700000001_invalid.ts: name: ");
    expect(await migrationRows()).toEqual([]);
  });

  test("a file with a syntax error, a bad import or no migration export stops before anything runs", async () => {
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    const bad: [string, string][] = [
      [
        'import { migrate } from "satchel/migrate";\nexport default migrate(async () => { const = 1; });\n',
        'failed to load migration 1700000002_bad.ts: Expected identifier but found "=" (line 2, column 44)',
      ],
      [
        'import { nothing } from "satchel/migrate";\nexport default nothing;\n',
        "failed to load migration 1700000002_bad.ts: ",
      ],
      ['import x from "no-such-package";\nexport default x;\n', 'Could not resolve: "no-such-package"'],
      ["export default 42;\n", "1700000002_bad.ts: it must `export default migrate(up, down)`"],
      ['import { migrate } from "satchel/migrate";\nexport default migrate("up");\n', "up must be a function"],
      ['throw new Error("at load");\n', "failed to load migration 1700000002_bad.ts: at load"],
    ];
    for (const [content, message] of bad) {
      await writeMigration("1700000002_bad.ts", content);
      const res = await cli(["migrate", "up"]);
      expect(res.code).toBe(1);
      expect(res.err).toContain(message);
      expect(res.err).not.toContain("    at ");
    }
    expect(await collectionNames()).toEqual([]);
    expect(await migrationRows()).toEqual([]);
  });
});

describe("migrate at start, history-sync and collections", () => {
  test("serve applies pending migrations before it listens; a failing one stops the start and keeps the data", async () => {
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    let started = false;
    const ok = await cli(["serve", "--http", "127.0.0.1:0"], [], () => {
      started = true;
    });
    expect(ok.code).toBe(0);
    expect(started).toBe(true);
    expect(await migrationRows()).toEqual(["1700000001_a.ts"]);

    await writeMigration("1700000002_b.ts", createsCollection("b_things"));
    await writeMigration(
      "1700000003_c.ts",
      'import { migrate } from "satchel/migrate";\nexport default migrate(() => { throw new Error("no way"); });\n',
    );
    const failed = await cli(["serve", "--http", "127.0.0.1:0"], [], () => {
      started = false;
    });
    expect(failed).toEqual({
      code: 1,
      out: "",
      err: "Error: failed to start the server: failed to apply migration 1700000003_c.ts: no way\n",
    });
    expect(started).toBe(true);
    expect(await collectionNames()).toEqual(["a_things"]);
    expect(await migrationRows()).toEqual(["1700000001_a.ts"]);
  });

  test("history-sync forgets applied files that are gone, never system migrations", async () => {
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    await writeMigration("1700000002_b.ts", createsCollection("b_things"));
    expect((await cli(["migrate", "up"])).code).toBe(0);
    await rm(join(ws.migrations, "1700000002_b.ts"));
    expect(await cli(["migrate", "history-sync"])).toEqual({
      code: 0,
      out: "Forgot 1700000002_b.ts\nThe _migrations table was synced with the available migrations.\n",
      err: "",
    });
    expect(await migrationRows()).toEqual(["1700000001_a.ts"]);
    const t = await ws.app("data");
    const system = await t.app.db.all<{ file: string }>("SELECT file FROM _migrations WHERE file LIKE '%.go'");
    expect(system).toHaveLength(systemMigrations.length);
    await t.app.terminate();
  });

  test("collections writes a snapshot that rebuilds the collections on an empty directory", async () => {
    await writeMigration("1700000001_a.ts", createsCollection("a_things"));
    await writeMigration("1700000002_b.ts", createsCollection("b_things", "a_things"));
    expect((await cli(["migrate", "up"])).code).toBe(0);
    const res = await cli(["migrate", "collections"], ["y"]);
    expect(res.code).toBe(0);
    const snapshot = (await readdir(ws.migrations)).find((f) => f.endsWith("_collections_snapshot.ts")) ?? "";
    expect(res.out).toBe(`Successfully created file ${JSON.stringify(join(ws.migrations, snapshot))}\n`);
    const content = await readFile(join(ws.migrations, snapshot), "utf8");
    expect(content).toContain("await app.importCollections(snapshot, false);");

    // the snapshot alone, on an empty directory
    for (const f of await readdir(ws.migrations)) if (f !== snapshot) await rm(join(ws.migrations, f));
    dataDir = join(ws.root, "rebuilt");
    expect(await cli(["migrate", "up"])).toMatchObject({ code: 0, out: `Applied ${snapshot}\n` });
    const source = await ws.app("data");
    const rebuilt = await ws.app("rebuilt");
    expect((await schemaOf(rebuilt.app)).collections).toEqual((await schemaOf(source.app)).collections);
  });

  test("--automigrate is on by default with --dev, and the flag wins either way", () => {
    const config = (...tokens: string[]) =>
      migrateConfig({
        args: [],
        io: { out() {}, err() {} },
        flags: parseFlags(tokens, [
          ...migrateFlags,
          { name: "dir", kind: "string", default: "pb/satchel_data", usage: "" },
          { name: "dev", kind: "boolean", usage: "" },
        ]).flags,
      });
    expect(config()).toEqual({ dir: join("pb", "satchel_migrations"), automigrate: false });
    expect(config("--dev").automigrate).toBe(true);
    expect(config("--dev", "--automigrate=false").automigrate).toBe(false);
    expect(config("--automigrate").automigrate).toBe(true);
    expect(config("--migrationsDir", "/m").dir).toBe("/m");
  });
});
