import { newAuthUser, obj, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** lark signs in with a Lark (Feishu) account, identified by its union id. */
export const lark = {
  displayName: "Lark",
  logo: badgeLogo("L", "#3370ff"),
  order: 19,
  pkce: true,
  scopes: [],
  authURL: "https://accounts.feishu.cn/open-apis/authen/v1/authorize",
  tokenURL: "https://open.feishu.cn/open-apis/authen/v2/oauth/token",
  userInfoURL: "https://open.feishu.cn/open-apis/authen/v1/user_info",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    const data = obj(raw.data);
    const user = newAuthUser(tokens, raw);
    user.id = str(data.union_id);
    user.name = str(data.name);
    user.avatarURL = str(data.avatar_url);
    return user;
  },
} satisfies ProviderSpec;
