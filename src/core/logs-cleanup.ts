import type { App } from "./app.ts";
import { deleteLogsWhere, logsOlderThan } from "./log-query.ts";

/**
 * deleteOldLogs deletes the request logs (auxiliary.db's `_logs`) older than `settings.logs.maxDays` days,
 * all of them when it is 0: what PocketBase's `__pbLogsCleanup__` job runs every 6 hours.
 */
export async function deleteOldLogs(app: App): Promise<void> {
  await deleteLogsWhere(app.auxDb, logsOlderThan(app.settings().logs.maxDays));
}

/** registerLogsCleanupJob (re)registers the `__pbLogsCleanup__` job, as PocketBase does on each bootstrap. */
export function registerLogsCleanupJob(app: App): void {
  app.cron().add("__pbLogsCleanup__", "0 */6 * * *", async () => {
    await deleteOldLogs(app).catch((err: unknown) =>
      app.logger().warn("Failed to delete old logs", { error: String(err) }),
    );
  });
}
