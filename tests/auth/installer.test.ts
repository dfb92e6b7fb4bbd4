import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { runCli } from "../../src/cmd/cli.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.ts";

let dir: string;
let smtp: TestSmtpServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-installer-"));
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A `satchel serve` run in process on the test's data directory, stopped by a simulated signal. */
async function startServe(withInstaller: boolean) {
  let output = "";
  let signal: ((s: string) => void) | undefined;
  let printed: () => void = () => {};
  const exited = runCli(["serve", "--http=127.0.0.1:0", `--dir=${dir}`], {
    version: "test",
    io: {
      out: (text) => {
        output += text;
        printed();
      },
      err: (text) => {
        output += text;
      },
    },
    makeApp: async ({ dir: d, dev }) =>
      createApp({ dataDir: d, isDev: dev, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations }),
    onStopSignal: (listener) => {
      signal = listener;
      return () => {};
    },
  });
  // the installer text follows the banner once the placeholder superuser is saved
  const complete = withInstaller ? /EMAIL PASS\)\n\n$/ : /REST API: .*\n/;
  // a serve that fails to start ends with its error printed: fail with it rather than wait for the timeout
  let ended = false;
  void exited.finally(() => {
    ended = true;
    printed();
  });
  while (!complete.test(output)) {
    if (ended) throw new Error(`serve ended before it printed what was expected:\n${output}`);
    await new Promise<void>((resolve) => (printed = resolve));
  }
  if (!withInstaller) await Bun.sleep(300);
  const url = /Server started at (\S+)/.exec(output)?.[1] ?? "";
  return {
    url,
    output: () => output,
    async stop() {
      signal?.("SIGTERM");
      expect(await exited).toBe(0);
    },
  };
}

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;

test("a first serve prints the installer link; its token acts as a superuser until a real one exists", async () => {
  const serve = await startServe(true);
  try {
    const out = serve.output();
    const link = new RegExp(
      `\\n\\(!\\) Launch the URL below in the browser if it hasn't been open already to create your first superuser account:\\n${serve.url.replaceAll(".", "\\.")}/_/#/pbinstall/([\\w-]+\\.[\\w-]+\\.[\\w-]+)\\n\\(you can also create your first superuser by running: satchel superuser upsert EMAIL PASS\\)\\n\\n$`,
    ).exec(out);
    expect(link).not.toBeNull();
    const token = link?.[1] ?? "";
    const c = claims(token);
    expect(c).toMatchObject({ type: "auth", refreshable: false });
    expect(Number(c.exp) - Date.now() / 1000).toBeGreaterThan(29 * 60);
    expect(Number(c.exp) - Date.now() / 1000).toBeLessThanOrEqual(30 * 60);

    const installer = new PocketBase(serve.url);
    installer.authStore.save(token);
    const list = await installer.collection("_superusers").getFullList();
    expect(list.map((s) => s.email)).toEqual(["__pbinstaller@example.com"]);

    // the placeholder can't get a password reset mail
    await installer.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port } });
    const guest = new PocketBase(serve.url);
    expect(await guest.collection("_superusers").requestPasswordReset("__pbinstaller@example.com")).toBe(true);
    await Bun.sleep(300);
    expect(smtp.mails).toHaveLength(0);

    await installer
      .collection("_superusers")
      .create({ email: "first@example.com", password: "First-pass-123", passwordConfirm: "First-pass-123" });
    const refused = await installer
      .collection("_superusers")
      .getFullList()
      .catch((err: { status: number }) => err.status);
    expect(refused).toBe(403);

    const admin = new PocketBase(serve.url);
    await admin.collection("_superusers").authWithPassword("first@example.com", "First-pass-123");
    expect((await admin.collection("_superusers").getFullList()).map((s) => s.email)).toEqual(["first@example.com"]);
    expect(await guest.collection("_superusers").requestPasswordReset("first@example.com")).toBe(true);
    expect((await smtp.waitForMail()).to).toEqual(["first@example.com"]);
  } finally {
    await serve.stop();
  }
});

test("once a superuser exists, serve prints no installer link", async () => {
  const serve = await startServe(false);
  try {
    expect(serve.output()).toContain("Server started at");
    expect(serve.output()).not.toContain("pbinstall");
  } finally {
    await serve.stop();
  }
});
