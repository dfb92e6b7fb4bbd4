import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** spotify signs in with a Spotify account (Spotify gives no verified email). */
export const spotify = {
  displayName: "Spotify",
  logo: badgeLogo("S", "#1db954"),
  order: 21,
  pkce: true,
  scopes: ["user-read-private"],
  authURL: "https://accounts.spotify.com/authorize",
  tokenURL: "https://accounts.spotify.com/api/token",
  userInfoURL: "https://api.spotify.com/v1/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.display_name);
    const images = Array.isArray(raw.images) ? raw.images : [];
    if (images.length > 0) user.avatarURL = str(obj(images[0]).url);
    return user;
  },
} satisfies ProviderSpec;
