import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** trakt signs in with a Trakt account (its API wants the client id in a header). */
export const trakt = {
  displayName: "Trakt",
  logo: badgeLogo("T", "#ed1c24"),
  order: 22,
  pkce: true,
  scopes: [],
  authURL: "https://trakt.tv/oauth/authorize",
  tokenURL: "https://api.trakt.tv/oauth/token",
  userInfoURL: "https://api.trakt.tv/users/settings",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens, {
      headers: {
        "content-type": "application/json",
        "trakt-api-key": p.settings.clientId,
        "trakt-api-version": "2",
      },
    });
    const account = obj(raw.user);
    const user = newAuthUser(tokens, raw);
    user.id = str(obj(account.ids).uuid);
    user.username = str(account.username);
    user.name = str(account.name);
    user.avatarURL = str(obj(obj(account.images).avatar).full);
    return user;
  },
} satisfies ProviderSpec;
