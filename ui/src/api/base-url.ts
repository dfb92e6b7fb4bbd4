/**
 * apiBaseUrl is the server's address as seen from the dashboard: the dashboard lives at `<base>/_/`, so
 * the API is the folder above (this keeps working behind a proxy that adds a path prefix).
 */
export function apiBaseUrl(location: { origin: string; pathname: string }): string {
  const base = location.pathname.replace(/_\/(index\.html)?$/, "");
  return new URL(base.endsWith("/") ? base : `${base}/`, location.origin).href;
}
