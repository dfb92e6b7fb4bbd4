import { idString, newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** vk signs in with a VK account; VK sends the email with the token, not with the profile. */
export const vk = {
  displayName: "ВКонтакте",
  logo: badgeLogo("VK", "#0077ff"),
  order: 15,
  // VK refuses requests with PKCE parameters
  pkce: false,
  scopes: ["email"],
  authURL: "https://oauth.vk.com/authorize",
  tokenURL: "https://oauth.vk.com/access_token",
  userInfoURL: "https://api.vk.com/method/users.get?fields=photo_max,screen_name&v=5.131",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const list = Array.isArray(raw.response) ? raw.response : [];
    if (list.length === 0) throw new ProviderError("failed to fetch the VK user");
    const data = obj(list[0]);
    const user = newAuthUser(tokens, raw);
    user.id = idString(data.id);
    user.name = `${str(data.first_name)} ${str(data.last_name)}`.trim();
    user.username = str(data.screen_name);
    user.avatarURL = str(data.photo_max);
    const email = (tokens.data as { email?: unknown }).email;
    if (email !== undefined && email !== null) user.email = String(email);
    return user;
  },
} satisfies ProviderSpec;
