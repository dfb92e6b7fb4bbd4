import type { OAuth2Tokens } from "arctic";
import { newAuthUser, type ProviderSpec, str, truthy } from "./auth.ts";
import { idTokenOf, readIdToken } from "./id-token.ts";
import { badgeLogo } from "./logo.ts";

/**
 * The `extra` option naming where the email comes from: the Graph profile's `mail` by default, or the
 * id_token's claims (`email`, `verified_primary_email`, `email_and_xms_edov`, `any_verified`), which asks for
 * the `openid` scope too.
 */
const idTokenEmailClaim = "idTokenEmailClaim";

/** microsoft signs in with a Microsoft (Entra ID) account, for the common tenant unless the URLs say otherwise. */
export const microsoft = {
  displayName: "Microsoft",
  logo: badgeLogo("M", "#0078d4"),
  order: 3,
  pkce: true,
  scopes: ["User.Read"],
  authURL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
  tokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
  userInfoURL: "https://graph.microsoft.com/v1.0/me",
  settingsChanged(settings) {
    if (str(settings.extra[idTokenEmailClaim]) !== "" && !settings.scopes.includes("openid"))
      settings.scopes = [...settings.scopes, "openid"];
  },
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.displayName);
    switch (p.settings.extra[idTokenEmailClaim]) {
      case "any_verified":
        user.email = (await verifiedPrimaryEmail(tokens)) || (await verifiedXmsEdovEmail(tokens));
        break;
      case "verified_primary_email":
        user.email = await verifiedPrimaryEmail(tokens);
        break;
      case "email_and_xms_edov":
        user.email = await verifiedXmsEdovEmail(tokens);
        break;
      case "email":
        user.email = str((await idTokenClaims(tokens)).email);
        break;
      default:
        user.email = str(raw.mail);
    }
    return user;
  },
} satisfies ProviderSpec;

/** idTokenClaims reads the id_token that came with the token response (trusted: it came straight from the token endpoint). */
async function idTokenClaims(tokens: OAuth2Tokens): Promise<Record<string, unknown>> {
  return readIdToken(idTokenOf(tokens.data), {}).catch(() => ({}));
}

async function verifiedPrimaryEmail(tokens: OAuth2Tokens): Promise<string> {
  return str((await idTokenClaims(tokens)).verified_primary_email);
}

async function verifiedXmsEdovEmail(tokens: OAuth2Tokens): Promise<string> {
  const claims = await idTokenClaims(tokens);
  return truthy(claims.xms_edov) ? str(claims.email) : "";
}
