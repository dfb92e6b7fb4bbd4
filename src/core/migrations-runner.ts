import { ident, sql } from "../db/sql.ts";
import type { App } from "./app.ts";

/** A migration: `up` runs once, inside a transaction, and is recorded under `file` in `_migrations`. */
export interface Migration {
  file: string;
  up(txApp: App): Promise<void>;
  /** Whether to run an applied migration again (the aux tables, when `auxiliary.db` was deleted). */
  reapplyIf?(app: App): Promise<boolean>;
}

const migrationsTable = ident("_migrations");

/**
 * runMigrations applies the migrations not yet recorded in `_migrations`, in order, each in its own
 * transaction. Names follow PocketBase's, so an existing PocketBase data directory counts as migrated.
 */
export async function runMigrations(app: App, migrations: readonly Migration[]): Promise<string[]> {
  await app.db.exec(
    `CREATE TABLE IF NOT EXISTS ${app.db.dialect.quote("_migrations")} (file VARCHAR(255) PRIMARY KEY NOT NULL, applied INTEGER NOT NULL)`,
  );
  const rows = await app.db.all<{ file: string }>(sql`SELECT file FROM ${migrationsTable}`);
  const applied = new Set(rows.map((r) => r.file));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.file) && !(await m.reapplyIf?.(app))) continue;
    await app.runInTransaction(async (txApp) => {
      await m.up(txApp);
      const micros = Date.now() * 1000;
      if (applied.has(m.file)) {
        await txApp.db.run(sql`UPDATE ${migrationsTable} SET applied = ${micros} WHERE file = ${m.file}`);
      } else {
        await txApp.db.run(sql`INSERT INTO ${migrationsTable} (file, applied) VALUES (${m.file}, ${micros})`);
      }
    });
    ran.push(m.file);
  }
  return ran;
}
