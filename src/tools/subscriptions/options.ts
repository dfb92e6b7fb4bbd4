import { snakecase } from "../inflector/inflector.ts";
import { castString } from "../types/cast.ts";

/** The `options` a subscription may carry: query parameters and headers as API rules and filters see them. */
export interface SubscriptionOptions {
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** A parsed subscription string: the topic (the part before `?`) and its options. */
export interface ParsedSubscription {
  topic: string;
  options: SubscriptionOptions;
}

const optionsParam = "options";

/**
 * parseSubscription splits `posts/*?options=<url-encoded JSON>` into its topic and options. Option values are
 * turned into strings and header names into snake_case; options that don't parse are ignored (the
 * subscription still counts), as PocketBase does.
 */
export function parseSubscription(subscription: string): ParsedSubscription {
  const q = subscription.indexOf("?");
  const topic = q < 0 ? subscription : subscription.slice(0, q);
  const options: SubscriptionOptions = { query: {}, headers: {} };
  if (q < 0 || hasControlChars(subscription)) return { topic, options };
  const hash = subscription.indexOf("#", q);
  const rawQuery = subscription.slice(q + 1, hash < 0 ? undefined : hash);
  const raw = queryValue(rawQuery, optionsParam);
  if (!raw) return { topic, options };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { topic, options };
  }
  if (!isPlainObject(parsed)) return { topic, options };
  if (isPlainObject(parsed.query)) {
    for (const [k, v] of Object.entries(parsed.query)) options.query[k] = castString(v);
  }
  if (isPlainObject(parsed.headers)) {
    for (const [k, v] of Object.entries(parsed.headers)) options.headers[snakecase(k)] = castString(v);
  }
  return { topic, options };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * queryValue returns the first value of a key in a query string as Go's url.ParseQuery reads it: pairs split
 * on `&`, a pair holding `;` or a malformed escape is skipped, `+` is a space.
 */
function queryValue(rawQuery: string, key: string): string | undefined {
  for (const pair of rawQuery.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    const k = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
    if (k !== key) continue;
    const v = unescapeQuery(eq < 0 ? "" : pair.slice(eq + 1));
    if (v !== undefined) return v;
  }
  return undefined;
}

function unescapeQuery(s: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const input = encoder.encode(s);
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i] as number;
    if (b === 0x25) {
      out[n++] = Number.parseInt(String.fromCharCode(input[i + 1] ?? 0, input[i + 2] ?? 0), 16);
      i += 2;
    } else out[n++] = b === 0x2b ? 0x20 : b;
  }
  return decoder.decode(out.subarray(0, n));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
