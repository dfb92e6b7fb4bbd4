import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { openBackupFile } from "../../src/cmd/open-database.ts";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { PasswordField } from "../../src/core/field-password.ts";
import type { HookName } from "../../src/core/hooks.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import type { SqliteOptions } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import type { ClusterBus } from "../../src/tools/cluster/bus.ts";
import type { TestDatabase } from "../db/postgres-server.ts";
import { removeAfterRun } from "./run-scratch.ts";
import { onPostgres, type TestDatabases, testDatabases } from "./test-engine.ts";

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
  /** Options of the SQLite driver of both databases (on PostgreSQL, only the query and script timeouts apply). */
  driver?: SqliteOptions;
  /** Start with the superuser root@example.com (superuserPassword) in the new directory. */
  withSuperuser?: boolean;
  /** The cluster bus (several apps on one MemoryHub act as processes of one cluster). */
  bus?: ClusterBus;
  /** Leave the data directory in place at cleanup (another app of the cluster still uses it). */
  keepDir?: boolean;
  /** On PostgreSQL, the database to copy (a fixture's seeded one) instead of an empty one. */
  template?: TestDatabase;
  /** The databases to open (another app's, reopened), instead of new ones; the caller throws them away. */
  databases?: TestDatabases;
}

export async function newTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const template = options.withSuperuser ? superuserTemplate : freshTemplate;
  if (options.dir) return openTestApp(options.dir, options);
  return fromTemplate(template, options);
}

type OpenOptions = Pick<TestAppOptions, "driver" | "bus" | "keepDir" | "template" | "databases">;

async function openTestApp(dir: string, options: OpenOptions = {}): Promise<TestApp> {
  const databases = options.databases
    ? { ...options.databases, drop: async () => {} }
    : await testDatabases(options.driver, options.template);
  const app = createApp({
    dataDir: dir,
    openDatabase: databases.openDatabase,
    openBackupFile,
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

/**
 * Data directories made once per `bun test` process and copied for each test app: bootstrapping a new
 * directory (the system migrations) and hashing the superuser's password (bcrypt at PocketBase's cost) are
 * the slow part of a start, and every test would redo the same work. A copy is taken from a closed app, so
 * it is a consistent directory that the test's app opens as any existing one. On PostgreSQL the data lives
 * in the test's own database: a copy of the template's seeded database, made the same way (the hash alone
 * took a few hundred milliseconds of each test app's start under load).
 */
interface Template {
  /** The seeded SQLite directory, made on first use. */
  dir: () => Promise<string>;
  /** On PostgreSQL, the seeded database, made on first use and copied for each app (no connection stays on it). */
  database: () => Promise<TestDatabase>;
}

function template(seed: (app: App) => Promise<void>): Template {
  let dir: Promise<string> | undefined;
  let database: Promise<TestDatabase> | undefined;
  const seeded = async () => {
    const t = await openTestApp(await mkdtemp(join(tmpdir(), "satchel-template-")));
    removeAfterRun(t.dir);
    await seed(t.app);
    await t.app.terminate();
    return t;
  };
  return {
    dir: () => {
      dir ??= seeded().then((t) => t.dir);
      return dir;
    },
    database: () => {
      database ??= seeded().then((t) => {
        if (!t.database) throw new Error("a PostgreSQL template without its database");
        return t.database;
      });
      return database;
    },
  };
}

/** A bootstrapped directory with nothing else in it. */
const freshTemplate = template(async () => {});
/** The same with the superuser root@example.com. */
const superuserTemplate = template(async (app) => {
  await upsertSuperuser(app, superuserEmail, superuserPassword);
});
/**
 * The same again, with a users collection whose password field hashes at bcrypt's lowest cost (the field's
 * own `cost` option, 4), so that tests that sign users up and in don't spend seconds in bcrypt; the
 * superusers keep PocketBase's default cost, and so does any auth collection a test creates.
 */
const serverTemplate = template(async (app) => {
  await upsertSuperuser(app, superuserEmail, superuserPassword);
  const users = await app.findCollectionByNameOrId("users");
  const password = users.fields.byName("password");
  if (!(password instanceof PasswordField)) throw new Error("users has no password field");
  password.cost = 4;
  await app.saveCollection(users);
});

/**
 * prepareTemplates makes, on PostgreSQL, the databases most test apps copy (the migrated one, the one with the
 * superuser) before the first test (tests/preload.ts), so that no test's timeout pays for them.
 */
export async function prepareTemplates(): Promise<void> {
  if (onPostgres()) await superuserTemplate.database();
}

/** fromTemplate opens a new test app holding what the template's seed made. */
async function fromTemplate(source: Template, options: OpenOptions): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-test-"));
  if (onPostgres()) return openTestApp(dir, { ...options, template: options.template ?? (await source.database()) });
  await cp(await source.dir(), dir, { recursive: true });
  return openTestApp(dir, options);
}

/**
 * TestServer is a TestApp served on a random loopback port, with SDK clients; its directory has the
 * superuser, and users whose passwords hash cheaply (see serverTemplate).
 */
export interface TestServer extends TestApp {
  url: string;
  server: RunningServer;
  /** A client authenticated as the superuser. */
  pb: PocketBase;
  /** A new unauthenticated client. */
  client(): PocketBase;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Keep the users collection as a new directory has it (by default its passwords hash at bcrypt's cost 4). */
  defaultUsers?: boolean;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const t = await fromTemplate(options.defaultUsers ? superuserTemplate : serverTemplate, {});
  const server = await serve(t.app, { http: "127.0.0.1:0", origins: ["*"] });
  const client = () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    return pb;
  };
  // signed in with a token and refreshed through the API: a password check would cost a bcrypt comparison
  const superuser = await t.app.findAuthRecordByEmail("_superusers", superuserEmail);
  if (!superuser) throw new Error("the template lost its superuser");
  const pb = client();
  pb.authStore.save(await newAuthToken(superuser));
  await pb.collection("_superusers").authRefresh();
  return {
    ...t,
    url: server.url,
    server,
    pb,
    client,
    async stop() {
      const started = performance.now();
      await server.stop();
      const stopped = performance.now();
      await t.cleanup();
      // a teardown that took long says which half: under four passes at once one outlasted 60 s on PostgreSQL
      const ended = performance.now();
      if (ended - started > 10_000)
        process.stderr.write(
          `a test server's stop took ${((ended - started) / 1000).toFixed(1)} s (the HTTP server ${((stopped - started) / 1000).toFixed(1)} s, the app's terminate and data ${((ended - stopped) / 1000).toFixed(1)} s)\n`,
        );
    },
  };
}
