import { idString, newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** gitlab signs in with a GitLab account; the email counts once the account confirmed it. */
export const gitlab = {
  displayName: "GitLab",
  logo: badgeLogo("G", "#fc6d26"),
  order: 8,
  pkce: true,
  scopes: ["read_user"],
  authURL: "https://gitlab.com/oauth/authorize",
  tokenURL: "https://gitlab.com/oauth/token",
  userInfoURL: "https://gitlab.com/api/v4/user",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = idString(raw.id);
    user.name = str(raw.name);
    user.username = str(raw.username);
    user.avatarURL = str(raw.avatar_url);
    const confirmedAt = Date.parse(str(raw.confirmed_at));
    if (Number.isFinite(confirmedAt)) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;
