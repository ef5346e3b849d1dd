import { UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../activities/chunks/part-identity';

/** Memo field holding the hash of the request that started a job (`POST /v1/jobs` body, or the retried job's id). */
export const REQUEST_HASH_MEMO = 'requestHash';

/**
 * The hash of a request as the caller sent it (object keys in any order, absent fields left out), so a repeat
 * with the same `Idempotency-Key` can be told apart from another request reusing the key. Raw, not with
 * defaults filled in: a repeat after a deployment changed a default is still the same request.
 */
export function requestHash(request: object): string {
  return `sha256:${createHash('sha256').update(canonicalJson(request)).digest('hex')}`;
}

/**
 * Refuses a key reused for another request. A job started before request hashes were kept has none, and
 * is taken as the same request.
 */
export function checkSameRequest(key: string, jobId: string, stored: unknown, hash: string): void {
  if (stored !== undefined && stored !== hash) throw keyReused(key, jobId);
}

export function keyReused(key: string, jobId: string): UnprocessableEntityException {
  return new UnprocessableEntityException(
    `Idempotency-Key '${key}' was already used for a different request (job '${jobId}'): send the same request to get that job, or use a new key for a new job`,
  );
}
