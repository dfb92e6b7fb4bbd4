import { idString, newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** kakao signs in with a Kakao account; the email counts when Kakao says it is valid and verified. */
export const kakao = {
  displayName: "Kakao",
  logo: badgeLogo("K", "#3c1e1e"),
  order: 14,
  pkce: true,
  scopes: ["account_email", "profile_nickname", "profile_image"],
  authURL: "https://kauth.kakao.com/oauth/authorize",
  tokenURL: "https://kauth.kakao.com/oauth/token",
  userInfoURL: "https://kapi.kakao.com/v2/user/me",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    const profile = obj(raw.properties);
    const account = obj(raw.kakao_account);
    user.id = idString(raw.id);
    user.username = str(profile.nickname);
    user.avatarURL = str(profile.profile_image);
    if (account.is_email_valid === true && account.is_email_verified === true) user.email = str(account.email);
    return user;
  },
} satisfies ProviderSpec;
