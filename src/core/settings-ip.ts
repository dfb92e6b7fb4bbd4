import { BlockList, isIP } from "node:net";

/** ipVersion is 4 or 6 for an IP address as Go's netip.ParseAddr reads it (IPv6 zones allowed), else 0. */
export function ipVersion(s: string): 0 | 4 | 6 {
  return isIP(s) as 0 | 4 | 6;
}

/** isPlainIp tells an IP address as Go's net.ParseIP reads it (no IPv6 zone). */
export function isPlainIp(s: string): boolean {
  return !s.includes("%") && ipVersion(s) !== 0;
}

/** parseSubnet reads `addr/bits` as Go's netip.ParsePrefix does (no zone, bits in range, no leading zeros). */
export function parseSubnet(s: string): { address: string; bits: number; version: 4 | 6 } | null {
  const slash = s.lastIndexOf("/");
  if (slash < 0) return null;
  const address = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bitsText) || address.includes("%")) return null;
  const version = ipVersion(address);
  if (version === 0) return null;
  const bits = Number(bitsText);
  if (bits > (version === 4 ? 32 : 128)) return null;
  return { address, bits, version };
}

/** isIpOrSubnet accepts an IP address or a CIDR subnet. */
export function isIpOrSubnet(s: string): boolean {
  return parseSubnet(s) !== null || ipVersion(s) !== 0;
}

/** isIpInList tells whether an IP is one of the listed addresses or inside one of the listed subnets. */
export function isIpInList(list: readonly string[], ip: string): boolean {
  const version = ipVersion(ip);
  if (list.length === 0 || version === 0) return false;
  const family = version === 4 ? "ipv4" : "ipv6";
  const blocks = new BlockList();
  for (const item of list) {
    const subnet = parseSubnet(item);
    if (subnet && subnet.version === version) blocks.addSubnet(subnet.address, subnet.bits, family);
    else if (!subnet && ipVersion(item) === version) blocks.addAddress(item.split("%")[0] ?? item, family);
  }
  return blocks.check(ip.split("%")[0] ?? ip, family);
}

/**
 * expandedIp writes an address as Go's netip.Addr.StringExpanded does: IPv4 as is, IPv6 as eight groups of
 * four hex digits (an embedded IPv4 as two groups), its zone kept.
 */
export function expandedIp(ip: string): string {
  if (ipVersion(ip) !== 6) return ip;
  const zoneAt = ip.indexOf("%");
  const [address, zone] = zoneAt < 0 ? [ip, ""] : [ip.slice(0, zoneAt), ip.slice(zoneAt)];
  const groups = (part: string): string[] => {
    if (part === "") return [];
    return part.split(":").flatMap((g) => {
      if (!g.includes(".")) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const gap = address.indexOf("::");
  const head = groups(gap < 0 ? address : address.slice(0, gap));
  const tail = gap < 0 ? [] : groups(address.slice(gap + 2));
  const all = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  return all.map((g) => g.toLowerCase().padStart(4, "0")).join(":") + zone;
}

/** The trusted proxy settings: the headers holding the client's IP, and which of its listed IPs to take. */
export interface TrustedProxy {
  headers: readonly string[];
  useLeftmostIP: boolean;
}

/**
 * trustedProxyIp is the client's IP as the first trusted proxy header carrying one tells it (as PocketBase's
 * RealIP reads it): the rightmost valid IP of the header's comma-separated list (the one the nearest proxy
 * added), or the leftmost with useLeftmostIP; null when no header gives one. Repeated header lines reach
 * here joined with commas (the Fetch API's Headers), so the rightmost IP is the last line's, as in
 * PocketBase, while the leftmost is the first line's.
 */
export function trustedProxyIp(headers: Headers, proxy: TrustedProxy): string | null {
  for (const name of proxy.headers) {
    const list = headers.get(name);
    if (!list) continue;
    const ips = list.split(",").map((s) => s.trim());
    if (!proxy.useLeftmostIP) ips.reverse();
    const ip = ips.find((s) => ipVersion(s) !== 0);
    if (ip !== undefined) return expandedIp(ip);
  }
  return null;
}
