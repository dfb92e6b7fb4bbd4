import { newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** planningcenter signs in with an active Planning Center person (no email is given). */
export const planningcenter = {
  displayName: "Planning Center",
  logo: badgeLogo("P", "#2266f7"),
  order: 29,
  pkce: true,
  scopes: ["people"],
  authURL: "https://api.planningcenteronline.com/oauth/authorize",
  tokenURL: "https://api.planningcenteronline.com/oauth/token",
  userInfoURL: "https://api.planningcenteronline.com/people/v2/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const data = obj(raw.data);
    const attrs = obj(data.attributes);
    if (attrs.status !== "active") throw new ProviderError("the Planning Center account is not active");
    const user = newAuthUser(tokens, raw);
    user.id = str(data.id);
    user.name = str(attrs.name);
    user.avatarURL = str(attrs.avatar);
    return user;
  },
} satisfies ProviderSpec;
