/**
 * The headers every answer carries: PocketBase's security headers, and CORS's `Vary: Origin`. The default
 * middlewares add them on the way out to an answer that lacks them. While they run as they are, a JSON
 * answer (RequestEvent.json) is made with them instead, from one shared Headers that Bun copies into the
 * answer (0.2 µs, against 0.65 for checking and setting them one by one afterwards, measured in a loop).
 */
export const securityHeaders: readonly (readonly [name: string, value: string])[] = [
  ["X-XSS-Protection", "1; mode=block"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "SAMEORIGIN"],
];

const jsonHeaders = new Headers([
  ["content-type", "application/json"],
  ...securityHeaders.map(([name, value]) => [name, value]),
  ["Vary", "Origin"],
]);

/** Answers made with every header of the list (jsonAnswer): the middlewares have nothing to add to them. */
const withAnswerHeaders = new WeakSet<Response>();

/**
 * jsonAnswer is a JSON answer: with its content type, and when `complete`, with the headers every answer
 * carries (when the default middlewares, which add them, are the ones running).
 */
export function jsonAnswer(body: string, status: number, complete: boolean): Response {
  if (!complete) return new Response(body, { status, headers: { "content-type": "application/json" } });
  const res = new Response(body, { status, headers: jsonHeaders });
  withAnswerHeaders.add(res);
  return res;
}

/** hasAnswerHeaders says whether an answer was made with the headers every answer carries. */
export function hasAnswerHeaders(res: Response): boolean {
  return withAnswerHeaders.has(res);
}
