import type { Collection } from "../core/collection-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { findAuthCollection } from "./record-auth-helpers.ts";

/** ProviderInfo is what a client needs to start an OAuth2 login with one provider. */
export interface ProviderInfo {
  name: string;
  displayName: string;
  logo: string;
  state: string;
  authURL: string;
  /** The legacy name of authURL. */
  authUrl: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

/**
 * OAuth2ProviderInfos lists the usable providers of a collection whose OAuth2 login is enabled (a provider
 * that can't be set up is left out).
 */
export type OAuth2ProviderInfos = (e: RequestEvent, collection: Collection) => Promise<ProviderInfo[]>;

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
 * OAuth2 providers (none are implemented yet, so the default lists none).
 */
export function newAuthMethodsHandler(providerInfos: OAuth2ProviderInfos = async () => []) {
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
