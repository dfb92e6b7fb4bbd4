import { newAuthUser, type ProviderSpec, str, truthy } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** google signs in with a Google account; the email counts only when Google verified it. */
export const google = {
  displayName: "Google",
  logo: badgeLogo("G", "#4285f4"),
  order: 2,
  pkce: true,
  scopes: ["https://www.googleapis.com/auth/userinfo.profile", "https://www.googleapis.com/auth/userinfo.email"],
  authURL: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenURL: "https://oauth2.googleapis.com/token",
  userInfoURL: "https://www.googleapis.com/oauth2/v3/userinfo",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.sub);
    user.name = str(raw.name);
    user.avatarURL = str(raw.picture);
    if (truthy(raw.email_verified)) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;
