import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** notion signs in with the Notion user who owns the integration's bot. */
export const notion = {
  displayName: "Notion",
  logo: badgeLogo("N", "#000000"),
  order: 17,
  pkce: true,
  scopes: [],
  authURL: "https://api.notion.com/v1/oauth/authorize",
  tokenURL: "https://api.notion.com/v1/oauth/token",
  userInfoURL: "https://api.notion.com/v1/users/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens, { headers: { "Notion-Version": "2022-06-28" } });
    const owner = obj(obj(obj(raw.bot).owner).user);
    const user = newAuthUser(tokens, raw);
    user.id = str(owner.id);
    user.name = str(owner.name);
    user.email = str(obj(owner.person).email);
    user.avatarURL = str(owner.avatar_url);
    return user;
  },
} satisfies ProviderSpec;
