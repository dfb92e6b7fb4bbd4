import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { runInProcess, runSatchel } from "../cli/process.ts";

// the command runs in process (runInProcess), and once as a real process: leave room for a busy machine
setDefaultTimeout(20_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-otp-cli-"));
  const upsert = await runInProcess(["superuser", "upsert", "root@example.com", "S3cret-pass-123", `--dir=${dir}`]);
  expect(upsert.code).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const otp = (...args: string[]) => runInProcess(["superuser", "otp", ...args, `--dir=${dir}`]);

/** setSuperusersOtp switches OTP auth of `_superusers` on the data directory (in process, no server). */
async function setSuperusersOtp(enabled: boolean): Promise<void> {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  try {
    const c = app.findCachedCollectionByNameOrId("_superusers");
    if (!c) throw new Error("no _superusers");
    c.auth.otp.enabled = enabled;
    await app.saveCollection(c);
  } finally {
    await app.terminate();
  }
}

test("superuser otp refuses bad input and a collection without OTP", async () => {
  expect(await otp("not-an-email")).toMatchObject({ stdout: "", stderr: "Error: invalid or missing email address\n" });
  expect((await otp()).stderr).toContain("Error: invalid or missing email address");
  const missing = await otp("nobody@example.com");
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toBe('Error: superuser with email "nobody@example.com" doesn\'t exist\n');
  const disabled = await otp("root@example.com");
  expect(disabled.code).not.toBe(0);
  expect(disabled.stderr).toBe("Error: OTP auth is not enabled for the _superusers collection\n");
});

test("superuser otp prints a fresh one-time password as PocketBase does", async () => {
  await setSuperusersOtp(true);
  // through a real process: what a user at the console sees
  const res = await runSatchel(["superuser", "otp", "root@example.com", `--dir=${dir}`]);
  expect(res.code).toBe(0);
  const m =
    /^Successfully created OTP for superuser "root@example\.com":\n├─ Id: {4}([a-z0-9]{15})\n├─ Pass: {2}(\d{8})\n└─ Valid: 180s\n\n$/.exec(
      res.stdout,
    );
  expect(m).not.toBeNull();
  const db = new Database(join(dir, "data.db"), { readonly: true });
  try {
    const row = db
      .query<{ password: string; sentTo: string }, [string]>("SELECT password, sentTo FROM _otps WHERE id = ?")
      .get(m?.[1] ?? "");
    expect(row?.sentTo).toBe("");
    expect(await Bun.password.verify(m?.[2] ?? "", row?.password ?? "")).toBe(true);
  } finally {
    db.close();
  }
});
