import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { registerMigrations } from "../../src/plugins/migratecmd/migratecmd.ts";
import { isPlainObject, type JsonObject } from "../../src/tools/types/merge.ts";
import { send } from "../helpers/api-scenario.ts";
import { schemaObjects } from "../helpers/schema-objects.ts";
import { newTestApp, superuserEmail, superuserPassword, type TestApp } from "../helpers/test-app.ts";
import { type TestDatabases, testDatabases } from "../helpers/test-engine.ts";

/** A workspace for migration tests: a temporary folder holding data directories and a migrations directory. */
export interface Workspace {
  root: string;
  migrations: string;
  /** A bootstrapped app on `root/<name>` (created when missing), with the migrations plugin bound. */
  app(name: string, options?: { automigrate?: boolean; migrationsDir?: string }): Promise<TestApp>;
  /** The databases of `root/<name>`: each app on it opens the same ones (on PostgreSQL, one database per name). */
  databases(name: string): Promise<TestDatabases>;
  dispose(): Promise<void>;
}

export async function newWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), "satchel-migrations-test-"));
  const migrations = join(root, "satchel_migrations");
  const opened: TestApp[] = [];
  const named = new Map<string, Promise<TestDatabases>>();
  const databases = (name: string) => {
    let found = named.get(name);
    if (!found) {
      found = testDatabases();
      named.set(name, found);
    }
    return found;
  };
  return {
    root,
    migrations,
    databases,
    async app(name, options = {}) {
      const t = await newTestApp({ dir: join(root, name), databases: await databases(name) });
      const dir = options.migrationsDir ?? migrations;
      await registerMigrations(t.app, { dir, automigrate: options.automigrate ?? false });
      opened.push(t);
      return t;
    },
    async dispose() {
      for (const t of opened) if (t.app.isBootstrapped()) await t.app.terminate();
      for (const d of named.values()) await (await d).drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** api sends one superuser request through the app's fetch handler and returns its status and JSON. */
export async function api(app: App, method: string, url: string, body?: unknown) {
  if (!(await app.findAuthRecordByEmail("_superusers", superuserEmail)))
    await upsertSuperuser(app, superuserEmail, superuserPassword);
  const res = await send(app, { method, url, body, auth: "superuser" });
  return { status: res.status, json: res.json as JsonObject };
}

const tokenOptions = ["authToken", "passwordResetToken", "emailChangeToken", "verificationToken", "fileToken"];

/**
 * schemaOf is what must be the same in two data directories with the same schema: the `_collections` rows
 * without timestamps, token secrets and OAuth2 providers (never written to migration files), and every
 * table, index and view with its SQL.
 */
export async function schemaOf(app: App) {
  const rows = await app.db.all<JsonObject>(`SELECT * FROM _collections ORDER BY id`);
  const collections = rows.map((r) => {
    // without the timestamps, and the insertion key an engine may add (the dialect's insertionKeyColumn)
    const { created: _c, updated: _u, _satchel_rowid: _k, ...rest } = r;
    const options = JSON.parse(String(r.options)) as JsonObject;
    for (const t of tokenOptions) if (isPlainObject(options[t])) delete options[t].secret;
    if (isPlainObject(options.oauth2)) delete options.oauth2.providers;
    return {
      ...rest,
      fields: JSON.parse(String(r.fields)),
      indexes: JSON.parse(String(r.indexes)),
      options,
    };
  });
  const objects = await schemaObjects(app.db);
  const master = [];
  for (const o of objects.sort((a, b) => (a.type + a.name < b.type + b.name ? -1 : 1))) {
    const definition =
      o.type === "index"
        ? await indexDefinition(app, o.table, o.name)
        : o.type === "table"
          ? await tableColumns(app, o.name)
          : null;
    master.push({ ...o, definition });
  }
  return { collections, master };
}

/** tableColumns describes a table's columns as the engine does (name, type, constraints), in their order. */
async function tableColumns(app: App, table: string) {
  const stmt = app.db.dialect.tableColumnsSql(table);
  return app.db.dialect.tableColumns(await app.db.all(stmt.text, stmt.params));
}

/** indexDefinition is an index's SQL as the engine gives it back. */
async function indexDefinition(app: App, table: string, name: string): Promise<string | null> {
  const stmt = app.db.dialect.tableIndexesSql(table);
  const rows = await app.db.all<{ name: string; sql: string | null }>(stmt.text, stmt.params);
  return rows.find((r) => r.name === name)?.sql ?? null;
}

/** appliedFiles lists the `_migrations` rows of migration files (system ones left out). */
export async function appliedFiles(app: App): Promise<string[]> {
  const rows = await app.db.all<{ file: string }>(`SELECT file FROM _migrations ORDER BY file`);
  return rows.map((r) => r.file).filter((f) => !f.endsWith(".go"));
}
