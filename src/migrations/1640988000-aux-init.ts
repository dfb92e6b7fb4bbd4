import type { App } from "../core/app.ts";
import { hasTable } from "../core/collection-record-table-sync.ts";
import type { Migration } from "../core/migrations-runner.ts";
import { logsTableSql } from "../core/system-tables.ts";

/**
 * The logs table in the auxiliary database, created again when `auxiliary.db` lost it (or was deleted), and
 * made again when it has an index the engine drops (PocketBase's `message` index: Dialect.droppedLogsIndexes).
 */
export const auxInitMigration: Migration = {
  file: "1640988000_aux_init.go",
  async reapplyIf(app: App): Promise<boolean> {
    if (!(await hasTable(app.auxDb, "_logs"))) return true;
    const dialect = app.auxDb.dialect;
    const dropped = new Set(dialect.droppedLogsIndexes.map((name) => name.toLowerCase()));
    const stmt = dialect.tableIndexesSql("_logs");
    const indexes = await app.auxDb.all<{ name: string }>(stmt.text, stmt.params);
    return indexes.some((index) => dropped.has(index.name.toLowerCase()));
  },
  async up(app: App): Promise<void> {
    for (const statement of logsTableSql(app.auxDb.dialect)) await app.auxDb.exec(statement);
  },
};
