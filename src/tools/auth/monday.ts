import { newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { graphqlQuery } from "./graphql.ts";
import { badgeLogo } from "./logo.ts";

/** monday signs in with an enabled monday.com account, read through its GraphQL API. */
export const monday = {
  displayName: "monday.com",
  logo: badgeLogo("m", "#ff3d57"),
  order: 18,
  pkce: true,
  scopes: ["me:read"],
  authURL: "https://auth.monday.com/oauth2/authorize",
  tokenURL: "https://auth.monday.com/oauth2/token",
  userInfoURL: "https://api.monday.com/v2",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(
      tokens,
      graphqlQuery("query { me { id enabled name email is_verified photo_small }}"),
    );
    const me = obj(obj(raw.data).me);
    if (me.enabled !== true) throw new ProviderError("the monday.com account is not enabled");
    const user = newAuthUser(tokens, raw);
    user.id = str(me.id);
    user.name = str(me.name);
    user.avatarURL = str(me.photo_small);
    if (me.is_verified === true) user.email = str(me.email);
    return user;
  },
} satisfies ProviderSpec;
