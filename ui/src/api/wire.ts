/**
 * The server's wire types, the one source of truth for what the API takes and answers. They are imported
 * from the server's own code with type-only imports, so nothing of the server ends up in the bundle. Never
 * copy a shape here by hand: when the dashboard needs a type the server doesn't declare yet, declare it
 * once on the server (beside the code that produces it) and re-export it here.
 */
export type { AuthMethodsResponse } from "../../../src/apis/record-auth-methods.ts";
export type {
  PublicSettings,
  RateLimitRule,
  SettingsPatch,
} from "../../../src/core/settings-model.ts";
