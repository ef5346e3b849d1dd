import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddress, checkUrl, type EgressPolicy } from './egress-policy';

/** A request the egress policy refused: the caller's input is at fault, never worth a retry. */
export class EgressRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}

export interface SafeRequestOptions {
  method?: 'GET' | 'POST';
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Socket idle timeout. */
  timeoutMs?: number;
  /** GET only: redirects followed, each hop checked again. */
  maxRedirects?: number;
  /** How errors name the URL ("input url", "webhook url"). */
  what?: string;
}

/**
 * DNS lookup that refuses internal addresses: the check happens at connect time on the very addresses the
 * socket uses, so a name that resolves differently on a second lookup (DNS rebinding) cannot slip through.
 */
function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.map((a) => checkAddress(hostname, a.address, policy)).find((r) => r !== undefined);
      if (refused) return callback(new EgressRefusedError(refused), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** One HTTP(S) request under the egress policy; redirects (GET) are followed hop by hop, each checked. */
export async function safeRequest(raw: string, policy: EgressPolicy, opts: SafeRequestOptions = {}): Promise<IncomingMessage> {
  const what = opts.what ?? 'url';
  let current = raw;
  for (let hop = 0; ; hop++) {
    const verdict = checkUrl(current, policy, what);
    if (!verdict.ok) throw new EgressRefusedError(verdict.reason);
    const res = await send(verdict.url, policy, opts);
    const location = res.headers.location;
    if (opts.method !== 'POST' && location && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0)) {
      res.resume();
      if (hop >= (opts.maxRedirects ?? 5)) throw new EgressRefusedError(`${what} redirected more than ${opts.maxRedirects ?? 5} times`);
      current = new URL(location, verdict.url).toString();
      continue;
    }
    return res;
  }
}

function send(url: URL, policy: EgressPolicy, opts: SafeRequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, lookup: guardedLookup(policy), agent: false }, resolve);
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`no response from ${url.host} for ${(opts.timeoutMs ?? 30_000) / 1000} s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
