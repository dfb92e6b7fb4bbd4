import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { registerMigrations } from "../../src/plugins/migratecmd/migratecmd.ts";
import { isPlainObject, type JsonObject } from "../../src/tools/types/merge.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, superuserEmail, superuserPassword, type TestApp } from "../helpers/test-app.ts";

/** A workspace for migration tests: a temporary folder holding data directories and a migrations directory. */
export interface Workspace {
  root: string;
  migrations: string;
  /** A bootstrapped app on `root/<name>` (created when missing), with the migrations plugin bound. */
  app(name: string, options?: { automigrate?: boolean; migrationsDir?: string }): Promise<TestApp>;
  dispose(): Promise<void>;
}

export async function newWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), "satchel-migrations-test-"));
  const migrations = join(root, "satchel_migrations");
  const opened: TestApp[] = [];
  return {
    root,
    migrations,
    async app(name, options = {}) {
      const t = await newTestApp({ dir: join(root, name) });
      const dir = options.migrationsDir ?? migrations;
      await registerMigrations(t.app, { dir, automigrate: options.automigrate ?? false });
      opened.push(t);
      return t;
    },
    async dispose() {
      for (const t of opened) if (t.app.isBootstrapped()) await t.app.terminate();
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
    const { created: _c, updated: _u, ...rest } = r;
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
  const master = await app.db.all(
    `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`,
  );
  return { collections, master };
}

/** appliedFiles lists the `_migrations` rows of migration files (system ones left out). */
export async function appliedFiles(app: App): Promise<string[]> {
  const rows = await app.db.all<{ file: string }>(`SELECT file FROM _migrations ORDER BY file`);
  return rows.map((r) => r.file).filter((f) => !f.endsWith(".go"));
}
