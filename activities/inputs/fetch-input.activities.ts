import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FailureType, type EgressActivities, type StoredInputUrl } from '../../workflows/contracts';
import { readHead } from '../media/read-head';
import { notVideoMessage, sniffMedia, SNIFF_BYTES } from '../media/sniff';
import type { EgressPolicy } from '../net/egress-policy';
import { EgressRefusedError, safeRequest } from '../net/safe-request';
import { UNREACHABLE_ATTEMPTS, unreachableCause } from '../net/unreachable';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';

export interface FetchDeps {
  storage: S3Storage;
  policy: EgressPolicy;
  maxBytes: number;
}

const fail = (message: string, type: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, type);

/**
 * Copies an input URL into the bucket: checked against the egress policy at every hop and every resolved
 * address, sniffed before anything is stored, size-capped, spooled to a temp file (so S3 gets a known
 * length) with heartbeated progress. HTTP 5xx and network errors are retried; a host that cannot be reached
 * (refused, DNS, TLS) fails after a few attempts; a refused URL, 4xx, a non-video or an oversize file fail at once.
 */
export function createFetchActivities({ storage, policy, maxBytes }: FetchDeps): Pick<EgressActivities, 'fetchInput'> {
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

      const dir = await mkdtemp(join(tmpdir(), 'anvil-fetch-'));
      const file = join(dir, 'input');
      try {
        let bytes = 0;
        let beatAt = 0;
        const count = new Transform({
          transform(chunk: Buffer, _enc, done) {
            bytes += chunk.length;
            if (bytes > maxBytes) return done(fail(`input url is larger than ${maxBytes} bytes (INPUT_URL_MAX_BYTES)`, FailureType.InputTooLarge));
            if (Date.now() - beatAt > 1000) {
              beatAt = Date.now();
              ctx.heartbeat({ bytes });
            }
            done(null, chunk);
          },
        });
        await pipeline(body, count, createWriteStream(file), { signal: ctx.cancellationSignal });
        const { size } = await stat(file);
        await storage.put(key, createReadStream(file), 'application/octet-stream', size);
        ctx.log.info('fetched input url', { key, size, container: sniffed.container });
        return { key, size, container: sniffed.container };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
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
