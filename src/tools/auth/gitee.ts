import { idString, newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

const emailFormat = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** gitee signs in with a Gitee account; without a public email, its confirmed primary one. */
export const gitee = {
  displayName: "Gitee",
  logo: badgeLogo("G", "#c71d23"),
  order: 10,
  pkce: true,
  scopes: ["user_info", "emails"],
  authURL: "https://gitee.com/oauth/authorize",
  tokenURL: "https://gitee.com/oauth/token",
  userInfoURL: "https://gitee.com/api/v5/user",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const user = newAuthUser(tokens, raw);
    user.id = idString(raw.id);
    user.name = str(raw.name);
    user.username = str(raw.login);
    user.avatarURL = str(raw.avatar_url);
    const email = str(raw.email);
    if (emailFormat.test(email)) user.email = email;
    else {
      const text = await p.fetchRawUserInfo(tokens, {}, "https://gitee.com/api/v5/emails").catch(() => "[]");
      let list: unknown = [];
      try {
        list = JSON.parse(text);
      } catch {
        list = [];
      }
      for (const item of (Array.isArray(list) ? list : []).map(obj)) {
        const scopes = Array.isArray(item.scope) ? item.scope : [];
        if (item.state === "confirmed" && scopes.includes("primary") && emailFormat.test(str(item.email))) {
          user.email = str(item.email);
          break;
        }
      }
    }
    return user;
  },
} satisfies ProviderSpec;
