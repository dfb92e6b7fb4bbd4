import { newAuthUser, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** box signs in with an active Box account, whose login is its (verified) email. */
export const box = {
  displayName: "Box",
  logo: badgeLogo("b", "#0061d5"),
  order: 20,
  pkce: true,
  scopes: ["root_readonly"],
  authURL: "https://account.box.com/api/oauth2/authorize",
  tokenURL: "https://api.box.com/oauth2/token",
  userInfoURL: "https://api.box.com/2.0/users/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    if (raw.status !== "active") throw new ProviderError(`the Box account is not active (${str(raw.status)})`);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.name);
    user.avatarURL = str(raw.avatar_url);
    user.email = str(raw.login);
    return user;
  },
} satisfies ProviderSpec;
