import { pb } from "../../../api/client.ts";
import type { ProviderListItem } from "../../../api/wire.ts";

let known: Promise<ProviderListItem[]> | null = null;

/** oauth2Providers lists the OAuth2 providers the server knows (read once). */
export function oauth2Providers(): Promise<ProviderListItem[]> {
  known ??= pb
    .send<ProviderListItem[]>("/api/collections/meta/oauth2-providers", { requestKey: null })
    .catch((err: unknown) => {
      known = null;
      throw err;
    });
  return known;
}

/** providerLogo is a provider's logo as an image address. */
export function providerLogo(provider: ProviderListItem): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(provider.logo)}`;
}
