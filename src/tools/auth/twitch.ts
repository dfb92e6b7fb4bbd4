import { newAuthUser, obj, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** twitch signs in with a Twitch account (its API wants the client id in a header). */
export const twitch = {
  displayName: "Twitch",
  logo: badgeLogo("T", "#9146ff"),
  order: 23,
  pkce: true,
  scopes: ["user:read:email"],
  authURL: "https://id.twitch.tv/oauth2/authorize",
  tokenURL: "https://id.twitch.tv/oauth2/token",
  userInfoURL: "https://api.twitch.tv/helix/users",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens, { headers: { "Client-Id": p.settings.clientId } });
    const list = Array.isArray(raw.data) ? raw.data : [];
    if (list.length === 0) throw new ProviderError("failed to fetch the Twitch user");
    const data = obj(list[0]);
    const user = newAuthUser(tokens, raw);
    user.id = str(data.id);
    user.name = str(data.display_name);
    user.username = str(data.login);
    user.email = str(data.email);
    user.avatarURL = str(data.profile_image_url);
    return user;
  },
} satisfies ProviderSpec;
