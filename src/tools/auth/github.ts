import type { OAuth2Tokens } from "arctic";
import { idString, newAuthUser, type Provider, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** github signs in with a GitHub account; the email is the account's verified primary one. */
export const github = {
  displayName: "GitHub",
  logo: badgeLogo("G", "#24292f"),
  order: 7,
  // GitHub ignores the PKCE parameters, so sending them is harmless
  pkce: true,
  scopes: ["read:user", "user:email"],
  authURL: "https://github.com/login/oauth/authorize",
  tokenURL: "https://github.com/login/oauth/access_token",
  userInfoURL: "https://api.github.com/user",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = idString(raw.id);
    user.name = str(raw.name);
    user.username = str(raw.login);
    user.avatarURL = str(raw.avatar_url);
    user.email = await verifiedPrimaryEmail(p, tokens, `${p.settings.userInfoURL}/emails`);
    return user;
  },
} satisfies ProviderSpec;

/**
 * verifiedPrimaryEmail reads a GitHub-style email list (`[{email, verified, primary}]`); a refused request
 * (no email scope) means no email.
 */
export async function verifiedPrimaryEmail(p: Provider, tokens: OAuth2Tokens, url: string): Promise<string> {
  let text: string;
  try {
    text = await p.fetchRawUserInfo(tokens, {}, url);
  } catch {
    return "";
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return "";
  }
  if (!Array.isArray(list)) return "";
  for (const item of list as Record<string, unknown>[]) {
    if (item?.verified === true && item.primary === true) return str(item.email);
  }
  return "";
}
