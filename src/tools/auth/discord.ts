import { newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** discord signs in with a Discord account; the name falls back to the username (with its old discriminator). */
export const discord = {
  displayName: "Discord",
  logo: badgeLogo("D", "#5865f2"),
  order: 12,
  pkce: true,
  scopes: ["identify", "email"],
  authURL: "https://discord.com/api/oauth2/authorize",
  tokenURL: "https://discord.com/api/oauth2/token",
  userInfoURL: "https://discord.com/api/users/@me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.username = str(raw.username);
    const avatar = str(raw.avatar);
    if (avatar !== "") user.avatarURL = `https://cdn.discordapp.com/avatars/${user.id}/${avatar}.png`;
    let name = str(raw.global_name);
    if (name === "") {
      name = user.username;
      const discriminator = str(raw.discriminator);
      if (discriminator !== "" && discriminator !== "0") name += `#${discriminator}`;
    }
    user.name = name;
    if (raw.verified === true) user.email = str(raw.email);
    return user;
  },
} satisfies ProviderSpec;
