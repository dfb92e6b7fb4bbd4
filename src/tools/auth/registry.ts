import { apple } from "./apple.ts";
import { Provider, type ProviderSpec } from "./auth.ts";
import { bitbucket } from "./bitbucket.ts";
import { box } from "./box.ts";
import { discord } from "./discord.ts";
import { facebook } from "./facebook.ts";
import { gitea } from "./gitea.ts";
import { gitee } from "./gitee.ts";
import { github } from "./github.ts";
import { gitlab } from "./gitlab.ts";
import { google } from "./google.ts";
import { instagram } from "./instagram.ts";
import { kakao } from "./kakao.ts";
import { lark } from "./lark.ts";
import { linear } from "./linear.ts";
import { livechat } from "./livechat.ts";
import { mailcow } from "./mailcow.ts";
import { microsoft } from "./microsoft.ts";
import { monday } from "./monday.ts";
import { notion } from "./notion.ts";
import { oidc } from "./oidc.ts";
import { patreon } from "./patreon.ts";
import { planningcenter } from "./planningcenter.ts";
import { spotify } from "./spotify.ts";
import { strava } from "./strava.ts";
import { trakt } from "./trakt.ts";
import { twitch } from "./twitch.ts";
import { twitter } from "./twitter.ts";
import { vk } from "./vk.ts";
import { wakatime } from "./wakatime.ts";
import { yandex } from "./yandex.ts";

/** The OAuth2 providers a collection can use, by the name its config gives (PocketBase's names). */
const specs: ReadonlyMap<string, ProviderSpec> = new Map<string, ProviderSpec>([
  ["apple", apple],
  ["bitbucket", bitbucket],
  ["box", box],
  ["discord", discord],
  ["facebook", facebook],
  ["gitea", gitea],
  ["gitee", gitee],
  ["github", github],
  ["gitlab", gitlab],
  ["google", google],
  ["instagram2", instagram],
  ["kakao", kakao],
  ["lark", lark],
  ["linear", linear],
  ["livechat", livechat],
  ["mailcow", mailcow],
  ["microsoft", microsoft],
  ["monday", monday],
  ["notion", notion],
  ["oidc", oidc],
  ["oidc2", oidc],
  ["oidc3", oidc],
  ["patreon", patreon],
  ["planningcenter", planningcenter],
  ["spotify", spotify],
  ["strava", strava],
  ["trakt", trakt],
  ["twitch", twitch],
  ["twitter", twitter],
  ["vk", vk],
  ["wakatime", wakatime],
  ["yandex", yandex],
]);

/** hasProvider tells whether a provider name is known. */
export function hasProvider(name: string): boolean {
  return specs.has(name);
}

/** newProviderByName makes an unconfigured provider (undefined for an unknown name). */
export function newProviderByName(name: string): Provider | undefined {
  const spec = specs.get(name);
  return spec ? new Provider(name, spec) : undefined;
}

/** ProviderListItem is a provider as lists for people show it. */
export interface ProviderListItem {
  name: string;
  displayName: string;
  logo: string;
}

/** listProviders lists every known provider by its order, then by name. */
export function listProviders(): ProviderListItem[] {
  return [...specs]
    .sort(([a, sa], [b, sb]) => sa.order - sb.order || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, spec]) => ({ name, displayName: spec.displayName, logo: spec.logo }));
}
