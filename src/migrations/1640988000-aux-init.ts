import type { App } from "../core/app.ts";
import { hasTable } from "../core/collection-record-table-sync.ts";
import type { Migration } from "../core/migrations-runner.ts";

/** The logs table in the auxiliary database, created again when `auxiliary.db` lost it (or was deleted). */
export const auxInitMigration: Migration = {
  file: "1640988000_aux_init.go",
  async reapplyIf(app: App): Promise<boolean> {
    return !(await hasTable(app.auxDb, "_logs"));
  },
  async up(app: App): Promise<void> {
    const q = app.auxDb.dialect.quote;
    await app.auxDb.exec(
      `CREATE TABLE IF NOT EXISTS ${q("_logs")} (${q("id")} TEXT PRIMARY KEY NOT NULL, ${q("level")} INTEGER DEFAULT 0 NOT NULL, ${q("message")} TEXT DEFAULT '' NOT NULL, ${q("data")} JSON DEFAULT '{}' NOT NULL, ${q("created")} TEXT DEFAULT '' NOT NULL)`,
    );
    await app.auxDb.exec(`CREATE INDEX IF NOT EXISTS idx_logs_level ON ${q("_logs")} (${q("level")})`);
    await app.auxDb.exec(`CREATE INDEX IF NOT EXISTS idx_logs_message ON ${q("_logs")} (${q("message")})`);
    await app.auxDb.exec(
      `CREATE INDEX IF NOT EXISTS idx_logs_created_hour ON ${q("_logs")} (${app.auxDb.dialect.hourBucket(q("created"))})`,
    );
  },
};
