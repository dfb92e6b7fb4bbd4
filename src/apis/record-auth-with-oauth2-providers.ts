import type { OAuth2ProviderConfig } from "../core/collection-auth-options.ts";
import type { Collection } from "../core/collection-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import type { Provider } from "../tools/auth/auth.ts";
import { newProviderByName } from "../tools/auth/registry.ts";
import { randomString } from "../tools/security/random.ts";

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

/** initProvider makes the provider a collection's config describes (undefined for an unknown name). */
export function initProvider(config: OAuth2ProviderConfig): Provider | undefined {
  const provider = newProviderByName(config.name);
  if (!provider) return undefined;
  return provider.configure({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authURL: config.authURL,
    tokenURL: config.tokenURL,
    userInfoURL: config.userInfoURL,
    displayName: config.displayName,
    ...(config.pkce !== null ? { pkce: config.pkce } : {}),
    ...(config.extra !== null ? { extra: config.extra } : {}),
  });
}

/** s256Challenge is the PKCE S256 code challenge of a verifier (unpadded base64url of its SHA-256). */
export function s256Challenge(verifier: string): string {
  return new Bun.CryptoHasher("sha256").update(verifier).digest("base64url");
}

/**
 * oauth2ProviderInfos lists what a client needs to start a login with each of a collection's providers: a
 * fresh state and PKCE pair, and the authorization URL ending with `&redirect_uri=` for the client to
 * complete. Apple answers the redirect with a form post.
 */
export const oauth2ProviderInfos: OAuth2ProviderInfos = async (e, collection) => {
  const infos: ProviderInfo[] = [];
  for (const config of collection.auth.oauth2.providers) {
    const provider = initProvider(config);
    if (!provider) {
      e.app.logger().debug("Failed to setup OAuth2 provider", { name: config.name });
      continue;
    }
    const state = randomString(30);
    const params: Record<string, string> = {};
    if (config.name === "apple") params.response_mode = "form_post";
    let codeVerifier = "";
    let codeChallenge = "";
    let codeChallengeMethod = "";
    if (provider.settings.pkce) {
      codeVerifier = randomString(43);
      codeChallenge = s256Challenge(codeVerifier);
      codeChallengeMethod = "S256";
      params.code_challenge = codeChallenge;
      params.code_challenge_method = codeChallengeMethod;
    }
    const authURL = `${provider.buildAuthURL(state, params)}&redirect_uri=`;
    infos.push({
      name: config.name,
      displayName: provider.settings.displayName || config.name,
      logo: provider.logo,
      state,
      authURL,
      authUrl: authURL,
      codeVerifier,
      codeChallenge,
      codeChallengeMethod,
    });
  }
  return infos;
};
