/**
 * parseURL reads a URL the way Go's net/url.Parse does, to tell which values PocketBase's URL checks
 * accept and which host they see. It returns null where Go returns an error.
 */

export interface ParsedURL {
  scheme: string;
  /** host[:port] as Go's URL.Host holds it ("" for relative or opaque URLs). */
  host: string;
  path: string;
}

// ASCII characters a host may hold unescaped; any other ASCII character is an invalid host
const hostChars = /^[!"$&'()*+,\-.0-9:;<=>A-Z[\]_a-z~]$/;
const userinfoChars = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]$/;

export function parseURL(raw: string): ParsedURL | null {
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && !validEscapes(raw.slice(hash + 1))) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what Go refuses here
  if (/[\x00-\x1f\x7f]/.test(main)) return null;
  if (main === "*") return { scheme: "", host: "", path: "*" };
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(main);
  if (main.startsWith(":")) return null;
  const scheme = schemeMatch ? (schemeMatch[1] as string).toLowerCase() : "";
  let rest = schemeMatch ? main.slice(schemeMatch[0].length) : main;
  const question = rest.indexOf("?");
  if (question >= 0) rest = rest.slice(0, question);
  if (!rest.startsWith("/")) {
    if (scheme !== "") return { scheme, host: "", path: "" };
    const firstSegment = rest.split("/", 1)[0] as string;
    if (firstSegment.includes(":")) return null;
  }
  let host = "";
  if (rest.startsWith("//") && (scheme !== "" || !rest.startsWith("///"))) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    const parsed = parseAuthority(authority);
    if (parsed === null) return null;
    host = parsed;
  }
  if (!validEscapes(rest)) return null;
  return { scheme, host, path: decodePercent(rest) };
}

function parseAuthority(authority: string): string | null {
  const at = authority.lastIndexOf("@");
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (host === null || at < 0) return host;
  const userinfo = authority.slice(0, at);
  for (const ch of userinfo) if (!userinfoChars.test(ch)) return null;
  return validEscapes(userinfo) ? host : null;
}

function parseHost(host: string): string | null {
  const open = host.lastIndexOf("[");
  if (open > 0) return null;
  if (open === 0) {
    const close = host.lastIndexOf("]");
    if (close < 0) return null;
    const port = host.slice(close + 1);
    if (!validOptionalPort(port)) return null;
    const inner = host.slice(1, close);
    const zone = inner.indexOf("%25");
    const address = zone < 0 ? inner : inner.slice(0, zone);
    if (!validHostEscapes(address)) return null;
    const unescaped = decodePercent(inner);
    if (!isIPv6(unescaped)) return null;
    return `[${unescaped}]${port}`;
  }
  // PocketBase's module targets Go 1.25, which still reads the port after the last of several colons
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) return null;
  return validHostEscapes(host) ? decodePercent(host) : null;
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

/** validEscapes checks that every `%` starts a two-digit hex escape. */
function validEscapes(s: string): boolean {
  return !/%(?![0-9a-fA-F]{2})/.test(s);
}

/** validHostEscapes: a host may only escape non-ASCII bytes (or `%25`), and holds no other ASCII punctuation. */
function validHostEscapes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return false;
      if (Number.parseInt(hex[0] as string, 16) < 8 && hex !== "25") return false;
      i += 2;
    } else if (ch.charCodeAt(0) < 0x80 && !hostChars.test(ch)) return false;
  }
  return true;
}

function decodePercent(s: string): string {
  if (!s.includes("%")) return s;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...encoder.encode(s[i] as string));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** isIPv6 accepts an IPv6 address (with an optional trailing IPv4 part and zone), as Go's netip.ParseAddr. */
function isIPv6(s: string): boolean {
  const percent = s.indexOf("%");
  const addr = percent < 0 ? s : s.slice(0, percent);
  if (percent >= 0 && percent === s.length - 1) return false;
  let groups = addr;
  const lastColon = addr.lastIndexOf(":");
  const tail = addr.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(tail)) return false;
    groups = `${addr.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = head.length + rest.length;
  return halves.length === 2 ? count < 8 : count === 8;
}
