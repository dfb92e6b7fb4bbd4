/**
 * badgeLogo draws a provider's logo as a rounded badge with its initial in its brand color: a small image of
 * our own, so that lists of providers have something to show.
 */
export function badgeLogo(initial: string, color: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="14" fill="${color}"/>` +
    `<text x="32" y="43" font-family="Arial,Helvetica,sans-serif" font-size="30" font-weight="700" ` +
    `fill="#fff" text-anchor="middle">${initial}</text></svg>`
  );
}
