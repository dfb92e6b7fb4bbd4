/**
 * Format checks with the exact acceptance of the Go validators PocketBase uses (govalidator's IsEmail and
 * IsURL, ozzo-validation's is.Domain), quirks included. The grammars run on the Go regexp engine, which
 * matches in linear time, so no input can make them backtrack for ever.
 */
import { GoRegexp } from "../regexp/regexp.ts";
import { parseURL } from "./url.ts";

// the non-ASCII characters govalidator allows in addresses and host names
const wide = "\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}";

function emailPattern(): string {
  const atext = `[a-zA-Z0-9!#$%&'*+\\-/=?^_\`{|}~${wide}]`;
  const dotAtom = `${atext}+(?:\\.${atext}+)*`;
  const foldingSpace = "(?:(?:[\\x20\\x09]*\\x0d\\x0a)?[\\x20\\x09]+)";
  const qtext = `[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x21\\x23-\\x5b\\x5d-\\x7e${wide}]`;
  // govalidator's "quoted pair" escapes with "(" instead of a backslash, and its grouping repeats a quote
  // with each character: a quoted local part reads `"a"`, `"a"b"` or `"`, never `"ab"`
  const quotedPair = `\\([\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[${wide}]`;
  const quoted = `(?:"${foldingSpace}?(?:${qtext}|${quotedPair}))*${foldingSpace}?"`;
  const alnum = `[a-zA-Z0-9${wide}]`;
  const alpha = `[a-zA-Z${wide}]`;
  // labels may hold dots, underscores and tildes inside; the last label starts and ends with a letter
  const label = `(?:${alnum}|${alnum}[a-zA-Z0-9\\-._~${wide}]*${alnum})`;
  const topLabel = `(?:${alpha}|${alpha}[a-zA-Z0-9\\-_~${wide}]*${alpha})`;
  return `^(?:${dotAtom}|${quoted})@(?:${label}\\.)+${topLabel}\\.?$`;
}

function ipv6Pattern(): string {
  const h = "[0-9a-fA-F]{1,4}";
  const v4Part = "(?:25[0-5]|(?:2[0-4]|1?[0-9])?[0-9])";
  const v4 = `(?:${v4Part}\\.){3}${v4Part}`;
  return [
    `(?:${h}:){7}${h}`,
    `(?:${h}:){1,7}:`,
    `(?:${h}:){1,6}:${h}`,
    `(?:${h}:){1,5}(?::${h}){1,2}`,
    `(?:${h}:){1,4}(?::${h}){1,3}`,
    `(?:${h}:){1,3}(?::${h}){1,4}`,
    `(?:${h}:){1,2}(?::${h}){1,5}`,
    `${h}:(?::${h}){1,6}`,
    `:(?:(?::${h}){1,7}|:)`,
    "fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]+",
    `::(?:ffff(?::0{1,4})?:)?${v4}`,
    `(?:${h}:){1,4}:${v4}`,
  ].join("|");
}

function urlPattern(): string {
  const scheme = "(?:(?:ftp|tcp|udp|wss?|https?)://)";
  const userinfo = "(?:\\S+(?::\\S*)?@)";
  // the first octet can't start a multicast (224-239) address
  const ipv4 =
    "(?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])(?:\\.(?:\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])){2}" +
    "\\.(?:[0-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-5])";
  // `[a-zA-Z0-9-_]` is how govalidator writes it: in Go's syntax its `9-_` part is the range from "-" to
  // "_", which lets digits, capitals and `-./:;<=>?@[\]^` into the middle of the first label
  const head = "[a-zA-Z0-9](?:[a-zA-Z0-9-_]+)?[a-zA-Z0-9](?:[-.][a-zA-Z0-9]+)*";
  const subdomain = "(?:www\\.|[a-zA-Z0-9]+(?:[-_.]?[a-zA-Z0-9])*[a-zA-Z0-9]\\.[a-zA-Z0-9]+)";
  const name = "(?:(?:[a-zA-Z\\x{00a1}-\\x{ffff}0-9]+-?-?)*[a-zA-Z\\x{00a1}-\\x{ffff}0-9]+)";
  const topLevel = "(?:\\.[a-zA-Z\\x{00a1}-\\x{ffff}]+)?";
  const host = `(?:${ipv4}|\\[(?:${ipv6Pattern()})\\]|(?:${head}|${subdomain}?)?${name}${topLevel})`;
  return `^${scheme}?${userinfo}?${host}\\.?(?::\\d{1,5})?(?:[/?#][^\\s]*)?$`;
}

// a label ends with a lower case letter or digit, and " xn--" (with its space) is how ozzo-validation writes it
const domainPattern = "^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-z0-9])?\\.)+(?:[a-zA-Z]{1,63}| xn--[a-z0-9]{1,59})$";

/** lazily compiles a pattern the first time a check needs it */
function lazy(source: () => string): () => GoRegexp {
  let re: GoRegexp | null = null;
  return () => {
    re ??= GoRegexp.compile(source());
    return re;
  };
}

const emailRegexp = lazy(emailPattern);
const urlRegexp = lazy(urlPattern);
const domainRegexp = lazy(() => domainPattern);

/** isEmail reports whether s is an email address as govalidator.IsEmail sees it (no length limit). */
export function isEmail(s: string): boolean {
  return emailRegexp().test(s);
}

/**
 * isURL reports whether s is a URL as govalidator.IsURL sees it: a scheme is optional, the host must look
 * like a domain, an IPv4 (no multicast) or a bracketed IPv6, and the whole must parse as Go's net/url does.
 */
export function isURL(s: string): boolean {
  if (s === "" || [...s].length >= 2083 || new TextEncoder().encode(s).length <= 3 || s.startsWith(".")) return false;
  const parsed = parseURL(s.includes(":") && !s.includes("://") ? `http://${s}` : s);
  if (!parsed || parsed.host.startsWith(".")) return false;
  if (parsed.host === "" && parsed.path !== "" && !parsed.path.includes(".")) return false;
  return urlRegexp().test(s);
}

/** isDomain reports whether s is a domain name as ozzo-validation's is.Domain sees it ("" passes, as it is empty). */
export function isDomain(s: string): boolean {
  return s === "" || (s.length <= 255 && domainRegexp().test(s));
}
