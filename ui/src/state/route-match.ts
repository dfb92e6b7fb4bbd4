/** A path with its query, as found after the `#` of the dashboard's address (`/login?redirect=...`). */
export interface HashLocation {
  path: string;
  query: URLSearchParams;
}

/** parseHash reads `#/settings?tab=1` as `{path: "/settings", query}`; an empty hash is `/`. */
export function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#/, "");
  const q = raw.indexOf("?");
  const path = (q >= 0 ? raw.slice(0, q) : raw) || "/";
  return { path: path.startsWith("/") ? path : `/${path}`, query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "") };
}

/**
 * matchPath matches a path against a pattern whose `:name` segments capture one segment each
 * (`/pbinstall/:token`): the decoded parameters, or null when it doesn't match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.replace(/\/+$/, "").split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":")) {
      if (g === "") return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
