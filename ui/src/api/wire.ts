/**
 * The server's wire types, the one source of truth for what the API takes and answers. They are imported
 * from the server's own code with type-only imports, so nothing of the server ends up in the bundle. Never
 * copy a shape here by hand: when the dashboard needs a type the server doesn't declare yet, declare it
 * once on the server (beside the code that produces it) and re-export it here.
 */
import type { CollectionModel, CollectionType } from "../../../src/core/collection-model.ts";
import type { FieldModel, FieldType } from "../../../src/core/fields-registry.ts";

export type { BackupInfo } from "../../../src/apis/backup.ts";
export type { DryRunViewResponse } from "../../../src/apis/collection.ts";
export type { AuthMethodsResponse } from "../../../src/apis/record-auth-methods.ts";
export type { SqlResult } from "../../../src/apis/sql.ts";
export type {
  AuthOptionsModel,
  OAuth2ProviderModel,
  TokenOption,
} from "../../../src/core/collection-auth-options.ts";
export type { EmailTemplate } from "../../../src/core/collection-auth-templates.ts";
export type { CollectionModel, CollectionType } from "../../../src/core/collection-model.ts";
export type { GeoPoint } from "../../../src/core/field-geo-point.ts";
export type { FieldModel, FieldOptionsByType, FieldType } from "../../../src/core/fields-registry.ts";
export type { Log } from "../../../src/core/log-model.ts";
export type { LogsStatsItem } from "../../../src/core/log-query.ts";
export type { FilterModifier } from "../../../src/core/record-field-resolver.ts";
export type { RecordJSON } from "../../../src/core/record-model.ts";
export type { RequestContext } from "../../../src/core/request-event.ts";
export type {
  PublicSettings,
  RateLimitRule,
  SettingsPatch,
} from "../../../src/core/settings-model.ts";
export type { ProviderListItem } from "../../../src/tools/auth/registry.ts";
export type { CronJobInfo } from "../../../src/tools/cron/cron.ts";
export type { IdentifierMacroName } from "../../../src/tools/search/identifier-macros.ts";
export type { ValidationErrorJSON } from "../../../src/tools/validation/validation.ts";

/** The JSON of a field of one type (`FieldOf<"file">`). */
export type FieldOf<T extends FieldType> = Extract<FieldModel, { type: T }>;

/** The JSON of a collection of one type (`CollectionOf<"auth">`, with its auth options). */
export type CollectionOf<T extends CollectionType> = Extract<CollectionModel, { type: T }>;
