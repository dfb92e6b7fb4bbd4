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

/**
 * listedBy is what a list API at `path` answers to the query (as a guest, or the superuser): each item's `key`
 * in order, or its status.
 */
export async function listedBy(
  app: App,
  path: string,
  key: string,
  query: Record<string, string>,
  auth?: "superuser",
): Promise<string> {
  const params = new URLSearchParams({ perPage: "500", ...query });
  const res = await send(app, { url: `${path}?${params}`, auth });
  const items = (res.json as { items?: Record<string, unknown>[] }).items;
  if (res.status !== 200 || !items) return `${res.status}`;
  return items.map((item) => String(item[key])).join(",");
}

/** listed is what a list of the collection answers to the query: its records' ids in order, or its status. */
export const listed = (app: App, collection: string, query: Record<string, string>): Promise<string> =>
  listedBy(app, `/api/collections/${collection}/records`, "id", query);

/** differing lists the queries the two apps answer differently, each with both answers. */
export async function differing<Q>(
  engines: EnginePair,
  queries: readonly Q[],
  answer: (app: App, query: Q) => Promise<string>,
): Promise<string[]> {
  const out: string[] = [];
  for (const query of queries) {
    const [a, b] = [await answer(engines.sqlite, query), await answer(engines.postgres, query)];
    const asked = typeof query === "string" ? query : JSON.stringify(query);
    if (a !== b) out.push(`${asked}\n  SQLite: ${a}\n  PostgreSQL: ${b}`);
  }
  return out;
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
