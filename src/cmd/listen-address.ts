/** The `--http` address of `serve`: parsing it, and the URL to print for it. */

export interface ListenAddress {
  hostname: string;
  port: number;
}

/**
 * parseListen splits "host:port" ("[::1]:8090" for IPv6); an empty host (":8090") listens on every
 * interface. Anything else is an error naming the address.
 */
export function parseListen(addr: string): ListenAddress {
  const i = addr.lastIndexOf(":");
  const invalid = (why: string) => new Error(`invalid --http address ${JSON.stringify(addr)}: ${why}`);
  if (i < 0) throw invalid("expected host:port, e.g. 127.0.0.1:8090");
  const host = addr.slice(0, i);
  const portText = addr.slice(i + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw invalid("the port must be a number from 0 to 65535");
  const bracketed = host.startsWith("[") && host.endsWith("]");
  if (!bracketed && host.includes(":")) throw invalid('write IPv6 hosts in brackets, e.g. "[::1]:8090"');
  return { hostname: (bracketed ? host.slice(1, -1) : host) || "0.0.0.0", port };
}

/** displayUrl is the address to print for a listening server (a wildcard host is shown as loopback). */
export function displayUrl(hostname: string, port: number): string {
  const shown = hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}
