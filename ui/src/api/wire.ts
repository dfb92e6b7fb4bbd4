/**
 * The server's wire types, the one source of truth for what the API takes and answers. They are imported
 * from the server's own code with type-only imports, so nothing of the server ends up in the bundle. Never
 * copy a shape here by hand: when the dashboard needs a type the server doesn't declare yet, declare it
 * once on the server (beside the code that produces it) and re-export it here.
 */
export type { BackupInfo } from "../../../src/apis/backup.ts";
export type { AuthMethodsResponse } from "../../../src/apis/record-auth-methods.ts";
export type { SqlResult } from "../../../src/apis/sql.ts";
export type { TokenOption } from "../../../src/core/collection-auth-options.ts";
export type { Log } from "../../../src/core/log-model.ts";
export type { LogsStatsItem } from "../../../src/core/log-query.ts";
export type {
  PublicSettings,
  RateLimitRule,
  SettingsPatch,
} from "../../../src/core/settings-model.ts";
export type { CronJobInfo } from "../../../src/tools/cron/cron.ts";
