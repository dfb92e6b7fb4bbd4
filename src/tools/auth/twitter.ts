import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** twitter signs in with an X (Twitter) account; the email is its confirmed one. */
export const twitter = {
  displayName: "X/Twitter",
  logo: badgeLogo("X", "#000000"),
  order: 13,
  pkce: true,
  scopes: ["users.read", "users.email", "tweet.read"],
  authURL: "https://x.com/i/oauth2/authorize",
  tokenURL: "https://api.x.com/2/oauth2/token",
  userInfoURL: "https://api.x.com/2/users/me?user.fields=id,name,username,profile_image_url,confirmed_email",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const data = obj(raw.data);
    const user = newAuthUser(tokens, raw);
    user.id = str(data.id);
    user.name = str(data.name);
    user.username = str(data.username);
    user.email = str(data.confirmed_email);
    user.avatarURL = str(data.profile_image_url);
    return user;
  },
} satisfies ProviderSpec;
