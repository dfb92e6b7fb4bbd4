import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import type { HookName } from "../../src/core/hooks.ts";
import type { SqliteOptions } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import type { ClusterBus } from "../../src/tools/cluster/bus.ts";
import type { TestDatabase } from "../db/postgres-server.ts";
import { testDatabases } from "./test-engine.ts";

export const superuserEmail = "root@example.com";
export const superuserPassword = "S3cret-pass-123";

/**
 * TestApp is a bootstrapped app on a fresh temporary data directory that counts every hook it fires, on
 * the engine SATCHEL_TEST_ENGINE chooses (test-engine.ts).
 */
export interface TestApp {
  app: BaseApp & App;
  dir: string;
  /** The PostgreSQL database of the app (null on SQLite). */
  database: TestDatabase | null;
  /** How many times each hook fired (handlers called `next()` or not). */
  calls: Map<HookName, number>;
  cleanup(): Promise<void>;
}

export interface TestAppOptions {
  /** The data directory to open (a new temporary one when left out); removed by cleanup(). */
  dir?: string;
  /** Options of the SQLite driver of both databases (on PostgreSQL, only the query timeout applies). */
  driver?: SqliteOptions;
  /** The cluster bus (several apps on one MemoryHub act as processes of one cluster). */
  bus?: ClusterBus;
  /** Leave the data directory in place at cleanup (another app of the cluster still uses it). */
  keepDir?: boolean;
  /** On PostgreSQL, the database to copy (a fixture's seeded one) instead of an empty one. */
  template?: TestDatabase;
}

export async function newTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "satchel-test-")));
  const databases = await testDatabases(options.driver, options.template);
  const app = createApp({
    dataDir: dir,
    openDatabase: databases.openDatabase,
    migrations: systemMigrations,
    ...(options.bus ? { bus: options.bus } : {}),
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
    database: databases.database,
    calls,
    async cleanup() {
      if (app.isBootstrapped()) await app.terminate();
      if (!options.keepDir) {
        await rm(dir, { recursive: true, force: true });
        await databases.drop();
      }
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
