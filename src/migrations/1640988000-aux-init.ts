import type { App } from "../core/app.ts";
import { hasTable } from "../core/collection-record-table-sync.ts";
import type { Migration } from "../core/migrations-runner.ts";
import { logsTableSql } from "../core/system-tables.ts";

/** The logs table in the auxiliary database, created again when `auxiliary.db` lost it (or was deleted). */
export const auxInitMigration: Migration = {
  file: "1640988000_aux_init.go",
  async reapplyIf(app: App): Promise<boolean> {
    return !(await hasTable(app.auxDb, "_logs"));
  },
  async up(app: App): Promise<void> {
    for (const statement of logsTableSql(app.auxDb.dialect)) await app.auxDb.exec(statement);
  },
};
