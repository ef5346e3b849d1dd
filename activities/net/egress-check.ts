import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkAddress, checkUrl, type EgressPolicy } from './egress-policy';

/**
 * The early check of a URL a user hands the API (input, webhook): the policy plus what its host resolves to
 * now, so a bad URL is a 400 at submit. The worker checks again at connect time (safe-request.ts).
 */
export async function outboundUrlProblem(raw: string, policy: EgressPolicy, what: string): Promise<string | undefined> {
  const verdict = checkUrl(raw, policy, what);
  if (!verdict.ok) return verdict.reason;
  const host = verdict.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return undefined;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return `${what} host ${host} does not resolve (DNS)`;
  }
  const refused = addresses.map((a) => checkAddress(host, a.address, policy)).find((r) => r !== undefined);
  return refused && `${what}: ${refused}`;
}
