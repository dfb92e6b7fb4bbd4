import { newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** bitbucket signs in with an active Bitbucket account; the email is its confirmed primary one. */
export const bitbucket = {
  displayName: "Bitbucket",
  logo: badgeLogo("B", "#2684ff"),
  order: 9,
  pkce: false,
  scopes: ["account"],
  authURL: "https://bitbucket.org/site/oauth2/authorize",
  tokenURL: "https://bitbucket.org/site/oauth2/access_token",
  userInfoURL: "https://api.bitbucket.org/2.0/user",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    if (raw.account_status !== "active") throw new ProviderError("the Bitbucket account is not active");
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.uuid);
    user.name = str(raw.display_name);
    user.username = str(raw.username);
    user.avatarURL = str(obj(obj(raw.links).avatar).href);
    const emails = await p.fetchJson(tokens, {}, `${p.settings.userInfoURL}/emails`).catch(() => ({}));
    const values = Array.isArray((emails as { values?: unknown }).values)
      ? (emails as { values: unknown[] }).values
      : [];
    for (const v of values.map(obj)) {
      if (v.is_primary === true && v.is_confirmed === true) {
        user.email = str(v.email);
        break;
      }
    }
    return user;
  },
} satisfies ProviderSpec;
