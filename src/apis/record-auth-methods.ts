import type { RequestEvent } from "../core/request-event.ts";
import { findAuthCollection } from "./record-auth-helpers.ts";
import {
  type OAuth2ProviderInfos,
  oauth2ProviderInfos,
  type ProviderInfo,
} from "./record-auth-with-oauth2-providers.ts";

/** The response of `auth-methods`, with the legacy keys older SDKs read. */
export interface AuthMethodsResponse {
  password: { identityFields: string[]; enabled: boolean };
  oauth2: { providers: ProviderInfo[]; enabled: boolean };
  mfa: { enabled: boolean; duration: number };
  otp: { enabled: boolean; duration: number };
  authProviders: ProviderInfo[] | null;
  usernamePassword: boolean;
  emailPassword: boolean;
}

/**
 * newAuthMethodsHandler makes the `GET /api/collections/{c}/auth-methods` handler; `providerInfos` lists the
 * OAuth2 providers of the collection.
 */
export function newAuthMethodsHandler(providerInfos: OAuth2ProviderInfos = oauth2ProviderInfos) {
  return async (e: RequestEvent): Promise<Response> => {
    const c = findAuthCollection(e);
    const { passwordAuth, oauth2, mfa, otp } = c.auth;
    const result: AuthMethodsResponse = {
      password: {
        identityFields: passwordAuth.enabled ? [...passwordAuth.identityFields] : [],
        enabled: passwordAuth.enabled,
      },
      oauth2: { providers: [], enabled: oauth2.enabled },
      mfa: { enabled: mfa.enabled, duration: mfa.enabled ? mfa.duration : 0 },
      otp: { enabled: otp.enabled, duration: otp.enabled ? otp.duration : 0 },
      authProviders: null,
      usernamePassword: passwordAuth.enabled && passwordAuth.identityFields.includes("username"),
      emailPassword: passwordAuth.enabled && passwordAuth.identityFields.includes("email"),
    };
    if (oauth2.enabled) {
      result.oauth2.providers = await providerInfos(e, c);
      result.authProviders = result.oauth2.providers.map((p) => ({ ...p, logo: "" }));
    }
    return e.json(200, result);
  };
}

/** authMethods handles `GET /api/collections/{c}/auth-methods`. */
export const authMethods = newAuthMethodsHandler();

export type { OAuth2ProviderInfos, ProviderInfo };
