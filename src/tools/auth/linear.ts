import { newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { graphqlQuery } from "./graphql.ts";
import { badgeLogo } from "./logo.ts";

/** linear signs in with an active Linear account, read through Linear's GraphQL API. */
export const linear = {
  displayName: "Linear",
  logo: badgeLogo("L", "#5e6ad2"),
  order: 16,
  // Linear refuses requests with PKCE parameters
  pkce: false,
  scopes: ["read"],
  authURL: "https://linear.app/oauth/authorize",
  tokenURL: "https://api.linear.app/oauth/token",
  userInfoURL: "https://api.linear.app/graphql",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(
      tokens,
      graphqlQuery("query Me { viewer { id displayName name email avatarUrl active } }"),
    );
    const viewer = obj(obj(raw.data).viewer);
    if (viewer.active !== true) throw new ProviderError("the Linear account is not active");
    const user = newAuthUser(tokens, raw);
    user.id = str(viewer.id);
    user.name = str(viewer.name);
    user.username = str(viewer.displayName);
    user.email = str(viewer.email);
    user.avatarURL = str(viewer.avatarUrl);
    return user;
  },
} satisfies ProviderSpec;
