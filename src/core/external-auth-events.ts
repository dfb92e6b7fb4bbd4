import type { AuthUser, Provider } from "../tools/auth/auth.ts";
import type { RecordModel } from "./record-model.ts";
import { CollectionScopedRequestEvent } from "./request-event.ts";

/**
 * RecordAuthWithOAuth2RequestEvent fires for `auth-with-oauth2` once the provider returned the user:
 * `record` is the auth record found for them (null when a new one is to be created from `createData` and
 * the mapped profile fields). Handlers may change `record`, `oAuth2User` or `createData` before `next()`.
 */
export class RecordAuthWithOAuth2RequestEvent extends CollectionScopedRequestEvent {
  providerName = "";
  providerClient!: Provider;
  record: RecordModel | null = null;
  oAuth2User!: AuthUser;
  createData: Record<string, unknown> = {};
  isNewRecord = false;
}
