import { lookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Addresses a download from a URL that someone else chose (an OAuth2 avatar) must never reach: loopback,
 * unspecified, private, link-local and multicast ones, as PocketBase refuses them.
 */
const disallowed = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 4],
] as const) {
  disallowed.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  disallowed.addSubnet(net, prefix, "ipv6");
}

/** isPublicAddress tells whether an IP address may be reached by a safe download. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !disallowed.check(address, family === 4 ? "ipv4" : "ipv6");
}

export interface SafeDownloadOptions {
  /** Bounds the whole download, redirects included. */
  timeoutMs: number;
  /** A larger body fails the download. */
  maxBytes: number;
  /** Decides which resolved addresses may be connected to (public ones by default). */
  isAllowedAddress?: (address: string) => boolean;
}

/** SafeDownloadError is a download that was refused or failed. */
export class SafeDownloadError extends Error {}

const maxRedirects = 10;

/**
 * safeDownload fetches a URL's body over http(s) and follows redirects, connecting only to allowed
 * addresses: the check runs on the address actually dialed (after DNS resolution, at connect time), so a
 * name that resolves to an internal address is refused too.
 */
export async function safeDownload(url: string, options: SafeDownloadOptions): Promise<Uint8Array> {
  const allowed = options.isAllowedAddress ?? isPublicAddress;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let target = new URL(url);
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const result = await requestOnce(target, allowed, options.maxBytes, controller.signal);
      if (result.redirect === null) return result.body;
      target = new URL(result.redirect, target);
    }
    throw new SafeDownloadError("too many redirects");
  } finally {
    clearTimeout(timer);
  }
}

type Lookup = NonNullable<http.RequestOptions["lookup"]>;

function guardedLookup(allowed: (address: string) => boolean): Lookup {
  return ((hostname: string, _opts: unknown, callback: (...args: unknown[]) => void) => {
    lookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err);
      const usable = addresses.filter((a) => allowed(a.address));
      if (usable.length === 0) return callback(new SafeDownloadError(`${hostname} resolves to a disallowed address`));
      callback(null, usable);
    });
  }) as Lookup;
}

function requestOnce(
  target: URL,
  allowed: (address: string) => boolean,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ redirect: string | null; body: Uint8Array }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(err instanceof SafeDownloadError ? err : new SafeDownloadError(String(err)));
    };
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      return fail(new SafeDownloadError(`unsupported URL scheme ${target.protocol}`));
    }
    const host = target.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0 && !allowed(host)) return fail(new SafeDownloadError(`disallowed address ${host}`));
    const client = target.protocol === "https:" ? https : http;
    const req = client.get(target, { lookup: guardedLookup(allowed), signal }, (res) => {
      res.on("error", fail);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        settled = true;
        return resolve({ redirect: location, body: new Uint8Array() });
      }
      if (status < 200 || status > 399) {
        res.resume();
        return fail(new SafeDownloadError(`failed to download ${target.href} (${status})`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > maxBytes) {
          fail(new SafeDownloadError(`the body of ${target.href} is larger than ${maxBytes} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ redirect: null, body: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    req.on("error", fail);
  });
}
