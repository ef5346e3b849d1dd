import { BadRequestException, ConflictException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { outboundUrlProblem } from '../../activities/net/egress-check';
import type { EgressPolicy } from '../../activities/net/egress-policy';
import { ObjectNotFoundError, type S3Storage } from '../../activities/storage/s3-storage';
import { inputSourceKey, redactUrl, type ChunkedJobInput, type InputSource, type StoredInputUrl } from '../../workflows/contracts';

/**
 * Stores an input URL beside the job, so the workflow's history (the Temporal UI) and its webhooks never
 * hold it: a presigned URL's signature is a credential. Returns what the workflow input carries instead.
 */
export async function storeInputUrl(storage: S3Storage, jobId: string, url: string): Promise<InputSource> {
  const key = inputSourceKey(jobId, randomUUID());
  await storage.put(key, JSON.stringify({ url } satisfies StoredInputUrl), 'application/json');
  return { key, url: redactUrl(new URL(url).href) };
}

/**
 * The URL a job was submitted with, for a retry that fetches it again: read from S3 (or from the history of
 * a job started before URLs were kept out of it), and checked against the egress policy as a submit is.
 */
export async function submittedInputUrl(
  storage: S3Storage,
  policy: EgressPolicy,
  jobId: string,
  original: Pick<ChunkedJobInput<unknown, unknown>, 'inputSource' | 'inputUrl'>,
): Promise<string> {
  let url = original.inputUrl;
  if (original.inputSource) {
    try {
      url = (JSON.parse(await storage.getText(original.inputSource.key)) as Partial<StoredInputUrl>).url;
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
  }
  if (typeof url !== 'string') throw new ConflictException(`job '${jobId}' no longer has its input url in the bucket; submit the job again`);
  const problem = await outboundUrlProblem(url, policy, 'input.url');
  if (problem) throw new BadRequestException([problem]);
  return url;
}
