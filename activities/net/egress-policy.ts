import { BlockList, isIP } from 'node:net';

/**
 * Where Anvil may send requests on a user's behalf (input URLs, webhooks): https only, no credentials in
 * the URL, an optional host allow-list, and never a private, loopback, link-local or otherwise internal
 * address unless the operator allows it. Pure: the adapter (safe-request.ts) applies it to every resolved
 * address of every hop.
 */
export interface EgressPolicy {
  /** Exact host names, or `*.example.com` for its subdomains; empty = any public host. */
  allowedHosts: string[];
  /** Allow private, loopback and link-local addresses (a closed network, tests). */
  allowPrivate: boolean;
  /** Allow plain http (tests, an internal mirror). */
  allowHttp: boolean;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 (can reach IPv4 internals)
  ['2001:db8::', 32], // documentation
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses a public service never lives at. IPv4-mapped IPv6 (::ffff:10.0.0.1) counts as its IPv4. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function hostAllowed(host: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    return rule.startsWith('*.') ? h.endsWith(rule.slice(1)) && h.length > rule.length - 1 : h === rule;
  });
}

/** Checks what can be checked without DNS: scheme, credentials, allow-list, and literal IP hosts. */
export function checkUrl(raw: string, policy: EgressPolicy, what = 'url'): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `${what} is not a valid absolute URL` };
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return { ok: false, reason: `${what} must use https${policy.allowHttp ? ' or http' : ''} (got ${url.protocol.replace(':', '')})` };
  }
  if (url.username || url.password) return { ok: false, reason: `${what} must not carry credentials (user:password@); use a presigned or token URL` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowedHosts)) return { ok: false, reason: `${what} host ${host} is not in the allowed hosts (EGRESS_ALLOWED_HOSTS)` };
  if (isIP(host) && !policy.allowPrivate && isInternalAddress(host)) {
    return { ok: false, reason: `${what} points at a private, loopback or link-local address (${host}); only public hosts are allowed` };
  }
  return { ok: true, url };
}

/** The reason an address a host resolved to is refused, or undefined when it is fine. */
export function checkAddress(host: string, address: string, policy: EgressPolicy): string | undefined {
  if (policy.allowPrivate || !isInternalAddress(address)) return undefined;
  return `${host} resolves to a private, loopback or link-local address (${address}); only public hosts are allowed`;
}

/** Parses the policy's env form: `EGRESS_ALLOWED_HOSTS` is comma separated. */
export function egressPolicyFromEnv(env: { EGRESS_ALLOWED_HOSTS?: string; EGRESS_ALLOW_PRIVATE: boolean; EGRESS_ALLOW_HTTP: boolean }): EgressPolicy {
  const allowedHosts = (env.EGRESS_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return { allowedHosts, allowPrivate: env.EGRESS_ALLOW_PRIVATE, allowHttp: env.EGRESS_ALLOW_HTTP };
}
