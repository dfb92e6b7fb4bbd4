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
