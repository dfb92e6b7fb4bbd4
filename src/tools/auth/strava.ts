import { idString, newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** strava signs in with a Strava athlete (Strava gives no email). */
export const strava = {
  displayName: "Strava",
  logo: badgeLogo("S", "#fc4c02"),
  order: 25,
  pkce: true,
  scopes: ["profile:read_all"],
  authURL: "https://www.strava.com/oauth/authorize",
  tokenURL: "https://www.strava.com/api/v3/oauth/token",
  userInfoURL: "https://www.strava.com/api/v3/athlete",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    if (raw.id !== 0) user.id = idString(raw.id);
    user.name = `${str(raw.firstname)} ${str(raw.lastname)}`;
    user.username = str(raw.username);
    user.avatarURL = str(raw.profile);
    return user;
  },
} satisfies ProviderSpec;
