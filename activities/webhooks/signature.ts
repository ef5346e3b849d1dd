import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`,
 * sent as `webhook-signature: v1,<base64>` with `webhook-id` and `webhook-timestamp` (Unix seconds).
 * A receiver recomputes the signature and refuses timestamps outside its tolerance (replay protection).
 */
export function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * The secret that signs one job's (or one schedule's) webhooks: `whsec_` + base64(HMAC-SHA256(key of
 * WEBHOOK_SECRET, "webhook:" + signingId)). Derived, never stored: the API hands it out once (the 201 of
 * POST /v1/jobs), the pipeline worker derives the same one to sign. A receiver holding it cannot sign
 * deliveries for any other job, and without WEBHOOK_SECRET no one can derive another. Standard base64 after
 * `whsec_`, as Standard Webhooks libraries read it.
 */
export function webhookSigningSecret(masterSecret: string, signingId: string): string {
  return `whsec_${createHmac('sha256', secretKey(masterSecret)).update(`webhook:${signingId}`).digest('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body) };
}

/** What a receiver does (reference implementation, used by the tests): true when a signature matches and the time is fresh. */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const timestamp = Number(headers['webhook-timestamp']);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (!id || !Number.isInteger(timestamp) || Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(Buffer.from(candidate), expected));
}
