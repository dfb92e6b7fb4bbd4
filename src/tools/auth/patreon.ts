import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** patreon signs in with a Patreon account; the email counts when Patreon verified it. */
export const patreon = {
  displayName: "Patreon",
  logo: badgeLogo("P", "#ff424d"),
  order: 24,
  pkce: true,
  scopes: ["identity", "identity[email]"],
  authURL: "https://www.patreon.com/oauth2/authorize",
  tokenURL: "https://www.patreon.com/api/oauth2/token",
  userInfoURL:
    "https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=full_name,email,vanity,image_url,is_email_verified",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const data = obj(raw.data);
    const attrs = obj(data.attributes);
    const user = newAuthUser(tokens, raw);
    user.id = str(data.id);
    user.name = str(attrs.full_name);
    user.username = str(attrs.vanity);
    user.avatarURL = str(attrs.image_url);
    if (attrs.is_email_verified === true) user.email = str(attrs.email);
    return user;
  },
} satisfies ProviderSpec;
