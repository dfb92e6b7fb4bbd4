/**
 * The same app on both engines, to compare their answers: an app on SQLite files and one on a PostgreSQL
 * database of the test server, each seeded alike, and what a list request answers on each.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseOpener } from "../../src/cmd/open-database.ts";
import type { App } from "../../src/core/app.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { send } from "../helpers/api-scenario.ts";
import { createTestDatabase } from "./postgres-server.ts";

export interface EnginePair {
  sqlite: BaseApp;
  postgres: BaseApp;
  close(): Promise<void>;
}

/** openEnginePair bootstraps an app on each engine and runs seed on both. */
export async function openEnginePair(seed: (app: App) => Promise<void>): Promise<EnginePair> {
  const database = await createTestDatabase();
  const dirs: string[] = [];
  const apps: BaseApp[] = [];
  for (const url of ["", database.url]) {
    const dir = await mkdtemp(join(tmpdir(), "satchel-engine-pair-"));
    dirs.push(dir);
    const app = createApp({ dataDir: dir, openDatabase: databaseOpener({ url }), migrations: systemMigrations });
    apps.push(app);
    await app.bootstrap();
    await seed(app);
  }
  const [sqlite, postgres] = apps as [BaseApp, BaseApp];
  return {
    sqlite,
    postgres,
    async close() {
      for (const app of apps) if (app.isBootstrapped()) await app.terminate();
      database.dropLater();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** listed is what a list of the collection answers to the query: its records' ids in order, or its status. */
export async function listed(app: App, collection: string, query: Record<string, string>): Promise<string> {
  const params = new URLSearchParams({ perPage: "500", ...query });
  const res = await send(app, { url: `/api/collections/${collection}/records?${params}` });
  const items = (res.json as { items?: { id: string }[] }).items;
  if (res.status !== 200 || !items) return `${res.status}`;
  return items.map((r) => r.id).join(",");
}

/** A small deterministic generator: the same draws on every run. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** picker draws items of lists with next. */
export const picker =
  (next: () => number) =>
  <T>(xs: readonly T[]): T =>
    xs[Math.floor(next() * xs.length)] as T;
