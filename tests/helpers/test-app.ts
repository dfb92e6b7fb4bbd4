import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import type { HookName } from "../../src/core/hooks.ts";
import { SqliteDriver, type SqliteOptions } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";

export const superuserEmail = "root@example.com";
export const superuserPassword = "S3cret-pass-123";

/** TestApp is a bootstrapped app on a fresh temporary data directory that counts every hook it fires. */
export interface TestApp {
  app: BaseApp & App;
  dir: string;
  /** How many times each hook fired (handlers called `next()` or not). */
  calls: Map<HookName, number>;
  cleanup(): Promise<void>;
}

export interface TestAppOptions {
  /** The data directory to open (a new temporary one when left out); removed by cleanup(). */
  dir?: string;
  /** Options of the SQLite driver of both databases. */
  driver?: SqliteOptions;
}

export async function newTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "satchel-test-")));
  const app = createApp({
    dataDir: dir,
    openDatabase: (p) => new SqliteDriver(p, options.driver),
    migrations: systemMigrations,
  });
  const calls = new Map<HookName, number>();
  for (const name of app.hooks.names()) {
    app.hooks.get(name).bind({
      id: "__testCounter",
      priority: -1_000_000,
      func: (e) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return e.next();
      },
    });
  }
  await app.bootstrap();
  return {
    app,
    dir,
    calls,
    async cleanup() {
      if (app.isBootstrapped()) await app.terminate();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** TestServer is a TestApp served on a random loopback port, with SDK clients. */
export interface TestServer extends TestApp {
  url: string;
  server: RunningServer;
  /** A client authenticated as the superuser. */
  pb: PocketBase;
  /** A new unauthenticated client. */
  client(): PocketBase;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const t = await newTestApp();
  await upsertSuperuser(t.app, superuserEmail, superuserPassword);
  const server = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
  const client = () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    return pb;
  };
  const pb = client();
  await pb.collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  return {
    ...t,
    url: server.url,
    server,
    pb,
    client,
    async stop() {
      await server.stop();
      await t.cleanup();
    },
  };
}
