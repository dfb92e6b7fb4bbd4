import { newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** instagram signs in with an Instagram business login (PocketBase's `instagram2`); Instagram gives no email. */
export const instagram = {
  displayName: "Instagram",
  logo: badgeLogo("I", "#e1306c"),
  order: 6,
  pkce: true,
  scopes: ["instagram_business_basic"],
  authURL: "https://www.instagram.com/oauth/authorize",
  tokenURL: "https://api.instagram.com/oauth/access_token",
  userInfoURL:
    "https://graph.instagram.com/me?fields=id,username,account_type,user_id,name,profile_picture_url,followers_count,follows_count,media_count",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const permissions = (tokens.data as { permissions?: unknown }).permissions;
    if (!("permissions" in raw) && permissions !== undefined) raw.permissions = permissions;
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.user_id);
    user.name = str(raw.name);
    user.username = str(raw.username);
    user.avatarURL = str(raw.profile_picture_url);
    return user;
  },
} satisfies ProviderSpec;
