import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** facebook signs in with a Facebook account. */
export const facebook = {
  displayName: "Facebook",
  logo: badgeLogo("f", "#1877f2"),
  order: 5,
  pkce: true,
  scopes: ["email"],
  authURL: "https://www.facebook.com/v3.2/dialog/oauth",
  tokenURL: "https://graph.facebook.com/v3.2/oauth/access_token",
  userInfoURL: "https://graph.facebook.com/me?fields=name,email,picture.type(large)",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.name);
    user.email = str(raw.email);
    user.avatarURL = str(obj(obj(raw.picture).data).url);
    return user;
  },
} satisfies ProviderSpec;
