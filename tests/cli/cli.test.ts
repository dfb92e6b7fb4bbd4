import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { decrypt } from "../../src/tools/security/encrypt.ts";
import { repoRoot, runInProcess, runSatchel } from "./process.ts";

/**
 * The command line as a user meets it. Most cases run the command tree in process (runInProcess: the same
 * tree, messages and exit codes); a few in each group run `bun src/main.ts` as a real process, for what only
 * a process shows (main.ts's output and exit code, the environment, npx).
 */

// some tests spawn processes: leave room for a busy machine
setDefaultTimeout(20_000);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-cli-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const version = `satchel version ${packageJson.version}\n`;

// npx spends seconds waiting before it runs the bin: started now, checked by the last test
const npxVersion = runSatchel(["satchel", "--version"], { cmd: ["npx"], cwd: repoRoot, timeoutMs: 60_000 });

describe.concurrent("help and version", () => {
  const commands = [
    [],
    ["serve"],
    ["superuser"],
    ...["upsert", "create", "update", "delete"].map((s) => ["superuser", s]),
  ];

  for (const path of commands) {
    const name = `satchel ${path.join(" ")}`.trim();
    test(`${name} --help prints its usage, ${name} --version the version; both exit 0`, async () => {
      const [help, ver] = await Promise.all([runInProcess([...path, "--help"]), runInProcess([...path, "--version"])]);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe("");
      expect(help.stdout).toContain(`Usage:\n  ${name} `);
      expect(help.stdout).toContain("-h, --help");
      expect(ver).toEqual({ code: 0, stdout: version, stderr: "" });
    });
  }

  test("the root help lists the commands and the global flags; -h and no command print it too", async () => {
    const [res, short, bare, v] = await Promise.all([
      runSatchel(["--help"]),
      runInProcess(["-h"]),
      runSatchel([]),
      runInProcess(["-v"]),
    ]);
    expect(res.stdout).toMatch(/^\s+serve\s+Starts the web server/m);
    expect(res.stdout).toMatch(/^\s+superuser\s+Manage superusers/m);
    expect(res.stdout).toMatch(/^\s+migrate\s+Executes app DB migration scripts/m);
    for (const flag of [
      "--dir string",
      "--dev",
      "--migrationsDir string",
      "--automigrate",
      "--hooksDir string",
      "--hooksWatch",
      "--hooksTypecheck",
      "--hookTimeout int",
      "-h, --help",
      "-v, --version",
    ])
      expect(res.stdout).toContain(flag);
    expect(short.stdout).toBe(res.stdout);
    expect(bare).toEqual({ code: 0, stdout: res.stdout, stderr: "" });
    expect(v.stdout).toBe(version);
  });

  test("serve --help documents its flags and their defaults", async () => {
    const res = await runInProcess(["serve", "--help"]);
    expect(res.stdout).toContain(
      '--http string       TCP address to listen for the HTTP server (default "127.0.0.1:8090")',
    );
    expect(res.stdout).toContain("--origins strings");
    expect(res.stdout).toContain("(default [*])");
    expect(res.stdout).toMatch(/--dir string +the Satchel data directory \(default "satchel_data"\)/);
    expect(res.stdout).toMatch(/--queryTimeout int +the default SELECT queries timeout in seconds \(default 30\)/);
    expect(res.stdout).toMatch(/--maxExpandRecords int +the most expanded records in one response \(default 20000\)/);
    expect(res.stdout).toMatch(/--maxExpandMiB int +the most MiB of expanded records in one response \(default 64\)/);
    // a usage of two lines continues under its first, as cobra prints PocketBase's
    expect(res.stdout).toContain(
      "--encryptionEnv string   the env variable whose value of 32 characters will be used \n" +
        `${" ".repeat(31)}as encryption key for the app settings (default none)`,
    );
  });

  test("superuser --help lists its subcommands; each shows its arguments", async () => {
    const [group, upsert, del] = await Promise.all([
      runInProcess(["superuser", "--help"]),
      runInProcess(["superuser", "upsert", "--help"]),
      runInProcess(["superuser", "delete", "--help"]),
    ]);
    for (const sub of ["create", "delete", "update", "upsert"])
      expect(group.stdout).toMatch(new RegExp(`^\\s+${sub}\\s`, "m"));
    expect(upsert.stdout).toContain("satchel superuser upsert EMAIL PASSWORD [flags]");
    expect(del.stdout).toContain("satchel superuser delete EMAIL [flags]");
  });
});

describe.concurrent("bad command lines fail with a clear error on stderr, a non-zero exit, and no data directory", () => {
  const cases: [string, string[], string][] = [
    ["an unknown flag", ["serve", "--nope"], "Error: unknown flag: --nope"],
    ["an unknown shorthand flag", ["serve", "-x"], 'Error: unknown shorthand flag: "x" in -x'],
    ["a flag without its value", ["serve", "--http"], "Error: flag needs an argument: --http"],
    ["a malformed --http", ["serve", "--http=localhost"], 'Error: invalid --http address "localhost"'],
    ["an out of range port", ["serve", "--http=127.0.0.1:70000"], "the port must be a number from 0 to 65535"],
    ["a bad boolean", ["serve", "--dev=maybe"], 'Error: invalid argument "maybe" for "--dev" flag'],
    ["a bad integer", ["serve", "--queryTimeout=soon"], 'Error: invalid argument "soon" for "--queryTimeout" flag'],
    ["a domain argument", ["serve", "example.com"], 'Error: unexpected argument "example.com"'],
    ["an unknown command", ["nope"], 'Error: unknown command "nope" for "satchel"'],
    ["an unknown subcommand", ["superuser", "nope"], 'Error: unknown command "nope" for "satchel superuser"'],
    ["a superuser flag of serve", ["superuser", "upsert", "--http=x"], "Error: unknown flag: --http"],
    ["missing arguments", ["superuser", "upsert", "a@example.com"], "Error: missing email and password arguments"],
    ["too many arguments", ["superuser", "delete", "a@example.com", "b"], "Error: invalid or missing email address"],
  ];
  for (const [i, [name, args, message]] of cases.entries()) {
    test(name, async () => {
      const dir = join(tmp, `bad-${name.replaceAll(" ", "-")}`);
      // the first through a real process, the others in process
      const res = await (i === 0 ? runSatchel : runInProcess)([`--dir=${dir}`, ...args]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(message);
      expect(res.stderr).toMatch(/Run 'satchel[a-z ]*--help' for usage\.\n$/);
      expect(res.stdout).toBe("");
      expect(existsSync(dir)).toBe(false);
    });
  }
});

describe("superuser commands", () => {
  let dir: string;
  const su = (...args: string[]) => runInProcess(["superuser", ...args, `--dir=${dir}`]);

  /** The superusers stored in data.db, as email → password hash. */
  function stored(): Map<string, string> {
    const db = new Database(join(dir, "data.db"), { readonly: true });
    try {
      const rows = db.query<{ email: string; password: string }, []>("SELECT email, password FROM _superusers").all();
      return new Map(rows.map((r) => [r.email, r.password]));
    } finally {
      db.close();
    }
  }

  async function expectPassword(email: string, password: string): Promise<void> {
    const hash = stored().get(email);
    expect(hash).toMatch(/^\$2[aby]\$/);
    expect(await Bun.password.verify(password, hash ?? "")).toBe(true);
  }

  beforeAll(() => {
    dir = join(tmp, "superusers");
  });

  test("upsert creates a superuser on a new data directory, then changes its password", async () => {
    // through a real process: the app main.ts builds, and its output
    let res = await runSatchel(["superuser", "upsert", "root@example.com", "S3cret-pass-123", `--dir=${dir}`]);
    expect(res).toEqual({ code: 0, stdout: 'Successfully saved superuser "root@example.com"!\n', stderr: "" });
    for (const f of ["data.db", "auxiliary.db"]) expect(existsSync(join(dir, f))).toBe(true);
    await expectPassword("root@example.com", "S3cret-pass-123");

    res = await su("upsert", "root@example.com", "An0ther-pass-456");
    expect(res.code).toBe(0);
    expect([...stored().keys()]).toEqual(["root@example.com"]);
    await expectPassword("root@example.com", "An0ther-pass-456");
  });

  test("create adds a new superuser and refuses an existing email", async () => {
    const res = await su("create", "second@example.com", "S3cret-pass-789");
    expect(res).toEqual({ code: 0, stdout: 'Successfully created new superuser "second@example.com"!\n', stderr: "" });
    await expectPassword("second@example.com", "S3cret-pass-789");

    const dup = await su("create", "root@example.com", "Whatever-pass-1");
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toBe("Error: failed to create new superuser account: email: Value must be unique.\n");
    await expectPassword("root@example.com", "An0ther-pass-456");
  });

  test("update changes the password of an existing superuser and refuses a missing one", async () => {
    const res = await su("update", "second@example.com", "Upd4ted-pass-000");
    expect(res).toEqual({
      code: 0,
      stdout: 'Successfully changed superuser "second@example.com" password!\n',
      stderr: "",
    });
    await expectPassword("second@example.com", "Upd4ted-pass-000");

    const missing = await su("update", "nobody@example.com", "S3cret-pass-123");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe('Error: superuser with email "nobody@example.com" doesn\'t exist\n');
    expect(stored().has("nobody@example.com")).toBe(false);
  });

  test("an invalid email or a too short password is refused and changes nothing", async () => {
    for (const cmd of ["upsert", "create", "update"]) {
      const bad = await su(cmd, "not-an-email", "S3cret-pass-123");
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toBe("Error: missing or invalid email address\n");
    }
    const badDelete = await su("delete", "not-an-email");
    expect(badDelete.code).not.toBe(0);
    expect(badDelete.stderr).toBe("Error: invalid or missing email address\n");

    const short = await su("upsert", "third@example.com", "short");
    expect(short.code).not.toBe(0);
    expect(short.stderr).toBe(
      "Error: failed to upsert superuser account: password: Must be at least 8 character(s).\n",
    );
    const shortUpdate = await su("update", "root@example.com", "short");
    expect(shortUpdate.code).not.toBe(0);
    expect(shortUpdate.stderr).toContain("password: Must be at least 8 character(s).");
    expect([...stored().keys()].sort()).toEqual(["root@example.com", "second@example.com"]);
    await expectPassword("root@example.com", "An0ther-pass-456");
  });

  test("delete removes a superuser, refuses a missing one and never deletes the last one", async () => {
    const missing = await su("delete", "nobody@example.com");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe('Error: superuser with email "nobody@example.com" doesn\'t exist\n');

    const res = await su("delete", "second@example.com");
    expect(res).toEqual({ code: 0, stdout: 'Successfully deleted superuser "second@example.com"!\n', stderr: "" });
    expect([...stored().keys()]).toEqual(["root@example.com"]);

    const last = await su("delete", "root@example.com");
    expect(last.code).not.toBe(0);
    expect(last.stderr).toBe(
      'Error: failed to delete superuser "root@example.com": You can\'t delete the only existing superuser.\n',
    );
    expect([...stored().keys()]).toEqual(["root@example.com"]);
  });

  test("global flags may come before the command names", async () => {
    const res = await runInProcess(["--dir", dir, "superuser", "update", "root@example.com", "Fl4gs-first-pass"]);
    expect(res.code).toBe(0);
    await expectPassword("root@example.com", "Fl4gs-first-pass");
  });
});

test("--encryptionEnv encrypts the settings of a new data directory, which won't open without the key", async () => {
  const dir = join(tmp, "encrypted");
  const env = { ...process.env, SATCHEL_CLI_KEY: "0123456789abcdef0123456789abcdef" };
  const args = ["superuser", "upsert", "root@example.com", "S3cret-pass-123", `--dir=${dir}`];
  expect((await runSatchel([...args, "--encryptionEnv=SATCHEL_CLI_KEY"], { env })).code).toBe(0);
  const db = new Database(join(dir, "data.db"), { readonly: true });
  const row = db.query("SELECT typeof(value) AS type, value FROM _params WHERE id = 'settings'").get() as {
    type: string;
    value: string;
  };
  db.close();
  expect(row.type).toBe("text");
  expect(new TextDecoder().decode(decrypt(row.value, env.SATCHEL_CLI_KEY)).startsWith('{"superuserIPs":[]')).toBe(true);

  // the same command without the key: PocketBase's error, nothing changed
  const res = await runInProcess(args);
  expect(res).toEqual({
    code: 1,
    stdout: "",
    stderr: `Error: failed to open the data directory ${JSON.stringify(dir)}: invalid settings db data or missing encryption key ""\n`,
  });
  process.env.SATCHEL_CLI_WRONG_KEY = "0123456789abcdef0123456789abcdeX";
  const wrong = await runInProcess([...args, "--encryptionEnv", "SATCHEL_CLI_WRONG_KEY"]);
  delete process.env.SATCHEL_CLI_WRONG_KEY;
  expect(wrong.stderr).toContain("cipher: message authentication failed");
  expect(wrong.code).toBe(1);
});

describe.concurrent("an unusable environment fails with a clear error, not a stack or a hang", () => {
  test("serve on a port already in use", async () => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    try {
      const res = await runInProcess(["serve", `--http=127.0.0.1:${taken.port}`, `--dir=${join(tmp, "port-taken")}`]);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        `Error: failed to start the server: Failed to start server. Is port ${taken.port} in use?\n`,
      );
    } finally {
      await taken.stop(true);
    }
  });

  test("a data directory path that is a file, and a data.db that is not a database", async () => {
    const file = join(tmp, "a-file");
    await Bun.write(file, "not a directory");
    const garbage = join(tmp, "garbage");
    await Bun.write(
      join(garbage, "data.db"),
      "not a database, just text long enough to be read as a header".repeat(10),
    );

    const [onFile, serveGarbage, upsertGarbage] = await Promise.all([
      runInProcess(["superuser", "upsert", "a@example.com", "S3cret-pass-123", `--dir=${file}`]),
      runInProcess(["serve", "--http=127.0.0.1:0", `--dir=${garbage}`]),
      runInProcess(["superuser", "upsert", "a@example.com", "S3cret-pass-123", `--dir=${garbage}`]),
    ]);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toStartWith(`Error: failed to open the data directory ${JSON.stringify(file)}: EEXIST`);
    expect(serveGarbage.code).toBe(1);
    expect(serveGarbage.stderr).toBe("Error: failed to start the server: file is not a database\n");
    expect(upsertGarbage.code).toBe(1);
    expect(upsertGarbage.stderr).toBe(
      `Error: failed to open the data directory ${JSON.stringify(garbage)}: file is not a database\n`,
    );
  });
});

test("npx satchel works from the checkout (the package's bin entry)", async () => {
  const res = await npxVersion;
  expect(res.code).toBe(0);
  expect(res.stdout).toBe(version);
}, 60_000);
