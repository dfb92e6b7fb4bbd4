import type { OAuth2Tokens } from "arctic";
import { newAuthUser, type Provider, type ProviderSpec, str, truthy } from "./auth.ts";
import { idTokenOf, readIdToken } from "./id-token.ts";
import { badgeLogo } from "./logo.ts";

/**
 * oidc is a generic OpenID Connect provider (PocketBase offers three slots: oidc, oidc2, oidc3) whose URLs
 * come from the collection's config. Without a user info URL the profile is read from the id_token, checked
 * against the `issuers` and, when set, the `jwksURL` of the config's `extra`.
 */
export const oidc = {
  displayName: "OIDC",
  logo: badgeLogo("ID", "#ff6200"),
  order: 99,
  pkce: true,
  scopes: ["openid", "email", "profile"],
  authURL: "",
  tokenURL: "",
  userInfoURL: "",
  async fetchAuthUser(p, tokens) {
    const raw = p.settings.userInfoURL !== "" ? await p.fetchJson(tokens) : await idTokenProfile(p, tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.sub);
    user.name = str(raw.name);
    user.username = str(raw.preferred_username);
    user.avatarURL = str(raw.picture);
    if (truthy(raw.email_verified)) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;

async function idTokenProfile(p: Provider, tokens: OAuth2Tokens): Promise<Record<string, unknown>> {
  const { issuers, jwksURL } = p.settings.extra;
  const claims = await readIdToken(idTokenOf(tokens.data), {
    audience: p.settings.clientId,
    issuers: Array.isArray(issuers) ? issuers.map(String) : typeof issuers === "string" ? [issuers] : [],
    jwksURL: str(jwksURL),
  });
  return { ...claims };
}
