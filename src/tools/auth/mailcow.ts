import { newAuthUser, ProviderError, type ProviderSpec, str } from "./auth.ts";
import { badgeLogo } from "./logo.ts";

/** mailcow signs in with an active mailbox of a self-hosted mailcow server (its URLs come from the config). */
export const mailcow = {
  displayName: "mailcow",
  logo: badgeLogo("m", "#0e4a8c"),
  order: 28,
  pkce: true,
  scopes: ["profile"],
  authURL: "",
  tokenURL: "",
  userInfoURL: "",
  async fetchAuthUser(p, tokens) {
    const raw = await p.fetchJson(tokens);
    if (raw.active !== 1) throw new ProviderError("the mailcow mailbox is not active");
    const user = newAuthUser(tokens, raw);
    user.id = str(raw.id);
    user.name = str(raw.full_name);
    user.email = str(raw.email);
    user.username = str(raw.username).split("@")[0] ?? "";
    return user;
  },
} satisfies ProviderSpec;
