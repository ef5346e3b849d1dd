import { randomUUID } from 'node:crypto';
import { checkUrl, type EgressPolicy } from '../../activities/net/egress-policy';
import type { S3Storage } from '../../activities/storage/s3-storage';
import { IMAGE_DETECT, imageListKey, type ImageListSpec } from '../../workflows/contracts';
import type { JobInputDto } from './dto/create-job.dto';

/** Problems listed for a long URL list at most. */
const LISTED = 10;

/** True when the input is a set of images the API stores as a list (keys, urls, a prefix, or one image-detect url). */
export function isImageList(pipeline: string, input: JobInputDto): boolean {
  return input.keys !== undefined || input.urls !== undefined || input.prefix !== undefined || (pipeline === IMAGE_DETECT && input.url !== undefined);
}

/**
 * What is wrong with an input's list form: more than one form, a list for a pipeline that takes one input, URLs
 * the egress policy refuses (by the policy alone: a host that does not resolve is that image's failure at run time).
 */
export function imageInputProblems(pipeline: string, input: JobInputDto, policy: EgressPolicy): string[] {
  const given = (['key', 'url', 'keys', 'urls', 'prefix'] as const).filter((f) => input[f] !== undefined);
  const lists = given.filter((f) => f === 'keys' || f === 'urls' || f === 'prefix');
  if (!lists.length) return [];
  if (given.length > 1) return [`input takes one of key, url, keys, urls or prefix; got ${given.join(' and ')}`];
  if (pipeline !== IMAGE_DETECT) return [`input.${lists[0]!} is for image-detect (a set of images); ${pipeline} takes one key or url`];
  const problems: string[] = [];
  (input.urls ?? []).forEach((url, i) => {
    const verdict = checkUrl(url, policy, `input.urls[${i}]`);
    if (!verdict.ok && problems.length < LISTED) problems.push(verdict.reason);
  });
  return problems;
}

/** Stores the list beside the job (URLs stay out of the workflow's history); returns the key the job's `inputKey` names. */
export async function storeImageList(storage: S3Storage, jobId: string, input: JobInputDto): Promise<string> {
  const spec: ImageListSpec =
    input.keys !== undefined ? { keys: input.keys } : input.prefix !== undefined ? { prefix: input.prefix } : { urls: input.urls ?? [input.url!] };
  const key = imageListKey(jobId, randomUUID());
  await storage.put(key, JSON.stringify(spec), 'application/json');
  return key;
}
