import { navigate, router } from "../../state/router.svelte.ts";

/**
 * setQuery changes some parameters of the current address's query (`?filter=...&sort=...`), keeping the
 * others (a layout around the records area may keep its own there), without a new history entry.
 */
export function setQuery(patch: Record<string, string | null>): void {
  const { path, query } = router.location;
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  navigate(text === "" ? path : `${path}?${text}`, { replace: true });
}
