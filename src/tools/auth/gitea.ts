import { idString, newAuthUser, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { verifiedPrimaryEmail } from "./github.ts";
import { badgeLogo } from "./logo.ts";

/** gitea signs in with an active Gitea or Forgejo account (gitea.com unless the URLs say otherwise). */
export const gitea = {
  displayName: "Gitea/Forgejo",
  logo: badgeLogo("G", "#609926"),
  order: 11,
  pkce: true,
  scopes: ["read:user", "user:email"],
  authURL: "https://gitea.com/login/oauth/authorize",
  tokenURL: "https://gitea.com/login/oauth/access_token",
  userInfoURL: "https://gitea.com/api/v1/user",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    if (raw.active !== true) throw new ProviderError("the Gitea account is not active");
    const user = newAuthUser(tokens, raw);
    user.id = idString(raw.id);
    user.name = str(raw.full_name);
    user.username = str(raw.login);
    user.avatarURL = str(raw.avatar_url);
    user.email = await verifiedPrimaryEmail(p, tokens, `${p.settings.userInfoURL}/emails`);
    return user;
  },
} satisfies ProviderSpec;
