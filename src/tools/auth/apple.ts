import { newAuthUser, type ProviderSpec, str, truthy } from "./auth.ts";
import { idTokenOf, readIdToken } from "./id-token.ts";
import { badgeLogo } from "./logo.ts";

const appleJwksURL = "https://appleid.apple.com/auth/keys";

/**
 * apple signs in with an Apple ID. The profile is the id_token, verified against Apple's keys; Apple sends
 * the user's name only once, to the redirect (see the OAuth2 redirect endpoint).
 */
export const apple = {
  displayName: "Apple",
  logo: badgeLogo("A", "#000000"),
  order: 1,
  pkce: true,
  scopes: ["name", "email"],
  authURL: "https://appleid.apple.com/auth/authorize",
  tokenURL: "https://appleid.apple.com/auth/token",
  userInfoURL: "",
  async fetchAuthUser(p, tokens) {
    const claims = await readIdToken(idTokenOf(tokens.data), {
      audience: p.settings.clientId,
      requireExpiry: true,
      issuers: ["https://appleid.apple.com"],
      jwksURL: appleJwksURL,
    });
    const raw: Record<string, unknown> = { ...claims };
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.sub);
    user.name = str(raw.name);
    if (truthy(raw.email_verified)) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;
