import { newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** livechat signs in with a LiveChat account (its scopes are set in LiveChat's console). */
export const livechat = {
  displayName: "LiveChat",
  logo: badgeLogo("L", "#ff5100"),
  order: 27,
  pkce: true,
  scopes: [],
  authURL: "https://accounts.livechat.com/",
  tokenURL: "https://accounts.livechat.com/token",
  userInfoURL: "https://accounts.livechat.com/v2/accounts/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.account_id);
    user.name = str(raw.name);
    user.avatarURL = str(raw.avatar_url);
    if (raw.email_verified === true) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;
