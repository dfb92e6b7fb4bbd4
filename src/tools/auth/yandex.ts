import { newAuthUser, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** yandex signs in with a Yandex account. */
export const yandex = {
  displayName: "Yandex",
  logo: badgeLogo("Я", "#fc3f1d"),
  order: 4,
  pkce: true,
  scopes: ["login:email", "login:avatar", "login:info"],
  authURL: "https://oauth.yandex.com/authorize",
  tokenURL: "https://oauth.yandex.com/token",
  userInfoURL: "https://login.yandex.ru/info",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.real_name);
    user.username = str(raw.login);
    user.email = str(raw.default_email);
    if (raw.is_avatar_empty !== true)
      user.avatarURL = `https://avatars.yandex.net/get-yapic/${str(raw.default_avatar_id)}/islands-200`;
    return user;
  },
} satisfies ProviderSpec;
