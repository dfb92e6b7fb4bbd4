import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** wakatime signs in with a WakaTime account; email and photo only when confirmed and public. */
export const wakatime = {
  displayName: "WakaTime",
  logo: badgeLogo("W", "#000000"),
  order: 26,
  pkce: true,
  scopes: ["email"],
  authURL: "https://wakatime.com/oauth/authorize",
  tokenURL: "https://wakatime.com/oauth/token",
  userInfoURL: "https://wakatime.com/api/v1/users/current",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const data = obj(raw.data);
    const user = newAuthUser(tokens, raw);
    user.id = str(data.id);
    user.name = str(data.display_name);
    user.username = str(data.username);
    if (data.is_email_confirmed === true) user.email = str(data.email);
    if (data.photo_public === true) user.avatarURL = str(data.photo);
    return user;
  },
} satisfies ProviderSpec;
