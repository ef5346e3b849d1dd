import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pipeline } from 'node:stream/promises';
import { FailureType, type EgressActivities, type StoredInputUrl } from '../../workflows/contracts';
import { readHead } from '../media/read-head';
import { notVideoMessage, sniffMedia, SNIFF_BYTES } from '../media/sniff';
import type { EgressPolicy } from '../net/egress-policy';
import { EgressRefusedError, safeRequest } from '../net/safe-request';
import { UNREACHABLE_ATTEMPTS, unreachableCause } from '../net/unreachable';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { limitBytes, partBytesFor } from './stream-limits';

export interface FetchDeps {
  storage: S3Storage;
  policy: EgressPolicy;
  maxBytes: number;
  /** Multipart part size; default: 8 MiB, more when INPUT_URL_MAX_BYTES needs it to stay within 10,000 parts. */
  partBytes?: number;
}

const fail = (message: string, type: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, type);

/**
 * Copies an input URL into the bucket: checked against the egress policy at every hop and every resolved
 * address, sniffed before anything is stored, size-capped, streamed into the bucket as a multipart upload
 * (bounded memory, no local disk; S3 and R2 refuse single PUTs over 5 GiB) with heartbeated progress. HTTP 5xx and network errors are retried; a host that cannot be reached
 * (refused, DNS, TLS) fails after a few attempts; a refused URL, 4xx, a non-video or an oversize file fail at once.
 */
export function createFetchActivities({ storage, policy, maxBytes, partBytes }: FetchDeps): Pick<EgressActivities, 'fetchInput'> {
  return {
    async fetchInput(request) {
      const ctx = Context.current();
      const { key } = request;
      const url = 'sourceKey' in request ? await storedUrl(storage, request.sourceKey) : request.url;
      let res;
      try {
        res = await safeRequest(url, policy, { what: 'input url', timeoutMs: 60_000 });
      } catch (err) {
        if (err instanceof EgressRefusedError) throw fail(err.message, FailureType.UrlRefused);
        const cause = unreachableCause(err);
        if (!cause) throw err;
        // Retried with backoff (the attempt's error shows on the job), then a failure naming host and cause.
        const attempt = ctx.info.attempt;
        const message = `input url host ${new URL(url).host} could not be reached: ${cause} (attempt ${attempt} of ${UNREACHABLE_ATTEMPTS})`;
        if (attempt >= UNREACHABLE_ATTEMPTS) throw fail(message, FailureType.UrlUnreachable);
        throw new Error(message);
      }
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        if (status === 404 || status === 410) throw fail(`input url answered HTTP ${status}: nothing there`, FailureType.InputNotFound);
        if (status >= 400 && status < 500) throw fail(`input url answered HTTP ${status}; is the link public, or still valid?`, FailureType.UrlRefused);
        throw new Error(`input url answered HTTP ${status}`);
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > maxBytes) {
        res.destroy();
        throw fail(`input url is ${declared} bytes; inputs are limited to ${maxBytes} bytes (INPUT_URL_MAX_BYTES)`, FailureType.InputTooLarge);
      }
      const { head, body } = await readHead(res, SNIFF_BYTES);
      const sniffed = sniffMedia(head);
      if (!sniffed.media) {
        res.destroy();
        throw fail(notVideoMessage('input url', sniffed), FailureType.InvalidMedia);
      }

      // Streamed into the bucket part by part (memory: a few parts; no local spool, whatever the size).
      let beatAt = 0;
      const count = limitBytes(
        maxBytes,
        () => fail(`input url is larger than ${maxBytes} bytes (INPUT_URL_MAX_BYTES)`, FailureType.InputTooLarge),
        (bytes) => {
          if (Date.now() - beatAt < 1000) return;
          beatAt = Date.now();
          ctx.heartbeat({ bytes });
        },
      );
      const signal = ctx.cancellationSignal;
      const copied = pipeline(body, count, { signal });
      const uploaded = storage
        .uploadStream(key, count, { contentType: 'application/octet-stream', partBytes: partBytes ?? partBytesFor(maxBytes), signal })
        .catch((err: Error) => {
          count.destroy(err); // a failed upload stops reading: end the copy too instead of waiting on backpressure
          throw err;
        });
      const [read, stored] = await Promise.allSettled([copied, uploaded]);
      // A refusal or a cancel on the read side is the cause (the upload was aborted because of it); else the upload's failure.
      if (read.status === 'rejected' && (stored.status === 'fulfilled' || read.reason instanceof ApplicationFailure || signal.aborted)) throw read.reason;
      if (stored.status === 'rejected') throw stored.reason;
      if (read.status === 'rejected') throw read.reason;
      const size = count.bytes();
      ctx.log.info('fetched input url', { key, size, parts: stored.value.parts, container: sniffed.container });
      return { key, size, container: sniffed.container };
    },
  };
}

/** The input URL the API stored beside the job (it is kept out of the workflow's history). */
async function storedUrl(storage: S3Storage, sourceKey: string): Promise<string> {
  let text: string;
  try {
    text = await storage.getText(sourceKey);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw fail(`the input url stored at ${sourceKey} is gone; submit the job again`, FailureType.InputNotFound);
    throw err;
  }
  const { url } = JSON.parse(text) as Partial<StoredInputUrl>;
  if (typeof url !== 'string') throw fail(`no input url stored at ${sourceKey}`, FailureType.InvalidParams);
  return url;
}
