import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRouter } from "../../src/apis/base.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { decrypt } from "../../src/tools/security/encrypt.ts";

// The fixtures come from a PocketBase v0.39 data directory: its data.db and auxiliary.db as `sqlite3 .dump`
// (statistics left out), the settings value it stored after a PATCH of /api/settings (a BLOB), the same
// settings stored with `--encryptionEnv` set to `key` below (TEXT), and its GET /api/settings answer.
const fixtures = join(import.meta.dir, "fixtures");
const dataSql = readFileSync(join(fixtures, "pocketbase-data.sql"), "utf8");
const auxiliarySql = readFileSync(join(fixtures, "pocketbase-auxiliary.sql"), "utf8");
const settingsBlob = new Uint8Array(readFileSync(join(fixtures, "pocketbase-settings.json")));
const settingsEncrypted = readFileSync(join(fixtures, "pocketbase-settings-encrypted.txt"), "utf8");
const settingsResponse = readFileSync(join(fixtures, "pocketbase-settings-response.json"), "utf8");
const key = "0123456789abcdef0123456789abcdef";
const superuser = { identity: "a@b.co", password: "1234567890" };

let dirs: string[] = [];
let apps: (BaseApp & App)[] = [];
let envNames: string[] = [];
afterEach(async () => {
  for (const app of apps) if (app.isBootstrapped()) await app.terminate();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  for (const name of envNames) delete process.env[name];
  dirs = [];
  apps = [];
  envNames = [];
});

/** pocketbaseDir builds PocketBase's data directory from the text fixtures, with the given settings value. */
async function pocketbaseDir(settings: Uint8Array | string | null): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-pbdata-"));
  dirs.push(dir);
  const data = new Database(join(dir, "data.db"));
  data.exec(dataSql);
  if (settings !== null) {
    data
      .query("INSERT INTO _params (id, value, created, updated) VALUES ('settings', ?, ?, ?)")
      .run(settings, "2026-01-02 03:04:05.678Z", "2026-01-02 03:04:05.678Z");
  }
  data.close();
  const aux = new Database(join(dir, "auxiliary.db"));
  aux.exec(auxiliarySql);
  aux.close();
  return dir;
}

/** keyEnv sets a fresh environment variable (removed after the test) and returns its name. */
function keyEnv(value: string | undefined): string {
  const name = `SATCHEL_TEST_KEY_${Math.random().toString(36).slice(2)}`;
  envNames.push(name);
  if (value !== undefined) process.env[name] = value;
  return name;
}

function newApp(dir: string, encryptionEnv?: string): BaseApp & App {
  const app = createApp({
    dataDir: dir,
    openDatabase: (p) => new SqliteDriver(p),
    migrations: systemMigrations,
    encryptionEnv,
  });
  apps.push(app);
  return app;
}

async function openApp(dir: string, encryptionEnv?: string): Promise<BaseApp & App> {
  const app = newApp(dir, encryptionEnv);
  await app.bootstrap();
  return app;
}

/** The client address the in-process requests come from (the fixture's settings allow only some). */
const loopback = { server: { requestIP: () => ({ address: "127.0.0.1" }) } };

/** api calls the app's router in process as PocketBase's superuser. */
async function api(app: App) {
  const router = newRouter(app);
  const auth = await router.fetch(
    new Request("http://localhost/api/collections/_superusers/auth-with-password", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(superuser),
    }),
    loopback,
  );
  expect(auth.status).toBe(200);
  const { token } = (await auth.json()) as { token: string };
  return (method: string, path: string, body?: unknown) =>
    router.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: token, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      loopback,
    );
}

function storedSettings(dir: string): { type: string; value: Uint8Array | string } {
  const db = new Database(join(dir, "data.db"), { readonly: true });
  try {
    const row = db.query("SELECT typeof(value) AS type, value FROM _params WHERE id = 'settings'").get() as {
      type: string;
      value: Uint8Array | string;
    };
    return row;
  } finally {
    db.close();
  }
}

function migrationRows(dir: string): unknown[] {
  const db = new Database(join(dir, "data.db"), { readonly: true });
  try {
    return db.query("SELECT file, applied FROM _migrations ORDER BY file").all();
  } finally {
    db.close();
  }
}

const text = (v: Uint8Array | string) => (typeof v === "string" ? v : new TextDecoder().decode(v));

describe("a PocketBase data directory", () => {
  test("its settings BLOB is read back unchanged through the API, and no migration runs", async () => {
    const dir = await pocketbaseDir(settingsBlob);
    const migrations = migrationRows(dir);
    expect(migrations).toHaveLength(8);
    const app = await openApp(dir);
    const call = await api(app);
    const res = await call("GET", "/api/settings");
    expect(res.status).toBe(200);
    // same values in the same key order (the fixture has Go's \u003c escapes, which JSON.parse undoes)
    expect(JSON.stringify(await res.json())).toBe(JSON.stringify(JSON.parse(settingsResponse)));
    expect(app.settings().batch.enabled).toBe(true);
    expect(app.settings().smtp.password).toBe("smtp-pass");
    expect(app.settings().s3.secret).toBe("s3-secret");
    expect(migrationRows(dir)).toEqual(migrations);
    // opening it wrote nothing
    expect(storedSettings(dir)).toEqual({ type: "blob", value: settingsBlob });
  });

  test("saving through the API keeps PocketBase's BLOB, byte for byte for the same settings", async () => {
    const dir = await pocketbaseDir(settingsBlob);
    const call = await api(await openApp(dir));
    expect((await call("PATCH", "/api/settings", {})).status).toBe(200);
    expect(storedSettings(dir)).toEqual({ type: "blob", value: settingsBlob });

    const res = await call("PATCH", "/api/settings", { batch: { enabled: false }, meta: { appName: "Renamed" } });
    expect(res.status).toBe(200);
    const stored = storedSettings(dir);
    expect(stored.type).toBe("blob");
    const json = JSON.parse(text(stored.value));
    expect(json.batch.enabled).toBe(false);
    expect(json.meta.appName).toBe("Renamed");
    // the secrets the API never shows stay stored
    expect(json.smtp.password).toBe("smtp-pass");
    expect(json.s3.secret).toBe("s3-secret");
    // Go's field order, and an empty S3 secret left out as PocketBase's omitempty does
    expect(Object.keys(json)).toEqual(Object.keys(JSON.parse(text(settingsBlob))));
    expect("secret" in json.backups.s3).toBe(false);
  });

  test("encrypted settings (TEXT) are read with the key from --encryptionEnv, and saved encrypted", async () => {
    const dir = await pocketbaseDir(settingsEncrypted);
    const env = keyEnv(key);
    const call = await api(await openApp(dir, env));
    const res = await call("GET", "/api/settings");
    expect(JSON.stringify(await res.json())).toBe(JSON.stringify(JSON.parse(settingsResponse)));

    expect((await call("PATCH", "/api/settings", { logs: { maxDays: 30 } })).status).toBe(200);
    const stored = storedSettings(dir);
    expect(stored.type).toBe("text");
    expect(() => JSON.parse(text(stored.value))).toThrow();
    const json = JSON.parse(new TextDecoder().decode(decrypt(text(stored.value), key)));
    expect(json.logs.maxDays).toBe(30);
    expect(json.smtp.password).toBe("smtp-pass");

    // and it opens again (a new app reads the value just written)
    const again = await openApp(dir, env);
    expect(again.settings().logs.maxDays).toBe(30);
  });

  test("without the key, or with a wrong one, it refuses to open as PocketBase does, and changes nothing", async () => {
    const dir = await pocketbaseDir(settingsEncrypted);
    const cases: [encryptionEnv: string | undefined, message: string][] = [
      [undefined, 'invalid settings db data or missing encryption key ""'],
      [keyEnv(undefined), "invalid settings db data or missing encryption key"],
      [keyEnv(""), "invalid settings db data or missing encryption key"],
      [keyEnv("0123456789abcdef0123456789abcdeX"), "cipher: message authentication failed"],
      [keyEnv("short"), "crypto/aes: invalid key size 5"],
    ];
    for (const [env, message] of cases) {
      const app = newApp(dir, env);
      await expect(app.bootstrap()).rejects.toThrow(message);
      await app.terminate();
    }
    const named = keyEnv(undefined);
    await expect(newApp(dir, named).bootstrap()).rejects.toThrow(`missing encryption key "${named}"`);
    expect(storedSettings(dir)).toEqual({ type: "text", value: settingsEncrypted });
  });

  test("a value that is neither settings JSON nor encrypted is refused, not replaced by the defaults", async () => {
    for (const value of ["not json", '"a string"', new Uint8Array()]) {
      const dir = await pocketbaseDir(value);
      const app = newApp(dir);
      await expect(app.bootstrap()).rejects.toThrow("invalid settings db data or missing encryption key");
      await app.terminate();
      expect(storedSettings(dir).value).toEqual(value);
    }
  });

  test("plain settings open with a key set too, and the next save encrypts them (as PocketBase does)", async () => {
    const dir = await pocketbaseDir(settingsBlob);
    const app = await openApp(dir, keyEnv(key));
    expect(app.settings().meta.appName).toBe("Shop <&> Co");
    expect(storedSettings(dir).type).toBe("blob");
    await app.saveSettings(app.settings());
    const stored = storedSettings(dir);
    expect(stored.type).toBe("text");
    expect(decrypt(text(stored.value), key)).toEqual(settingsBlob);
  });
});

describe("a new data directory", () => {
  test("stores its first settings as a BLOB of PocketBase's JSON (its defaults, byte for byte)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "satchel-pbdata-"));
    dirs.push(dir);
    await openApp(dir);
    const stored = storedSettings(dir);
    expect(stored.type).toBe("blob");
    // what PocketBase v0.39 stores in a new directory
    expect(text(stored.value)).toBe(
      '{"superuserIPs":[],"smtp":{"enabled":false,"port":587,"host":"smtp.example.com","username":"","password":"","authMethod":"","tls":false,"localName":""},"backups":{"cron":"","cronMaxKeep":3,"s3":{"enabled":false,"bucket":"","region":"","endpoint":"","accessKey":"","forcePathStyle":false}},"s3":{"enabled":false,"bucket":"","region":"","endpoint":"","accessKey":"","forcePathStyle":false},"meta":{"accentColor":"#1055c9","appName":"Acme","appURL":"http://localhost:8090","senderName":"Support","senderAddress":"support@example.com","hideControls":false},"rateLimits":{"rules":[{"label":"*:auth","audience":"","duration":3,"maxRequests":2},{"label":"*:create","audience":"","duration":5,"maxRequests":20},{"label":"/api/batch","audience":"","duration":1,"maxRequests":3},{"label":"/api/","audience":"","duration":10,"maxRequests":300}],"excludedIPs":[],"enabled":false},"trustedProxy":{"headers":[],"useLeftmostIP":false},"batch":{"enabled":false,"maxRequests":50,"timeout":3,"maxBodySize":0},"logs":{"maxDays":5,"minLevel":0,"logIP":true,"logAuthId":false}}',
    );
  });

  test("with a key, stores its first settings encrypted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "satchel-pbdata-"));
    dirs.push(dir);
    await openApp(dir, keyEnv(key));
    const stored = storedSettings(dir);
    expect(stored.type).toBe("text");
    expect(JSON.parse(new TextDecoder().decode(decrypt(text(stored.value), key))).meta.appName).toBe("Acme");
  });
});
