import { randomUUID } from 'node:crypto';
import { checkUrl, type EgressPolicy } from '../../activities/net/egress-policy';
import type { S3Storage } from '../../activities/storage/s3-storage';
import { imageListKey, type ImageListSpec, type ListInput, type PipelineDefinition } from '../../workflows/contracts';
import type { JobInputDto } from './dto/create-job.dto';

/** Problems listed for a long URL list at most. */
const LISTED = 10;

const LISTS: readonly ListInput[] = ['keys', 'urls', 'prefix'];

/**
 * True when the input is a list the API stores beside the job (keys, urls, a prefix; and one url for a pipeline
 * that takes URL lists, so every URL item is fetched the same way).
 */
export function isListInput(pipeline: Pick<PipelineDefinition, 'listInputs'>, input: JobInputDto): boolean {
  return LISTS.some((f) => input[f] !== undefined) || (input.url !== undefined && (pipeline.listInputs ?? []).includes('urls'));
}

/**
 * What is wrong with an input's list form: more than one form, a form the pipeline does not take, URLs the
 * egress policy refuses (by the policy alone: a host that does not resolve is that item's failure at run time).
 */
export function listInputProblems(pipeline: Pick<PipelineDefinition, 'name' | 'listInputs'>, input: JobInputDto, policy: EgressPolicy): string[] {
  const given = (['key', 'url', ...LISTS] as const).filter((f) => input[f] !== undefined);
  const lists = LISTS.filter((f) => input[f] !== undefined);
  if (!lists.length) return [];
  if (given.length > 1) return [`input takes one of key, url, keys, urls or prefix; got ${given.join(' and ')}`];
  const takes = pipeline.listInputs ?? [];
  if (!takes.includes(lists[0]!)) {
    const forms = ['key', 'url', ...takes].join(', ');
    return [`${pipeline.name} takes no input.${lists[0]!}: its input is one of ${forms}`];
  }
  const problems: string[] = [];
  (input.urls ?? []).forEach((url, i) => {
    const verdict = checkUrl(url, policy, `input.urls[${i}]`);
    if (!verdict.ok && problems.length < LISTED) problems.push(verdict.reason);
  });
  return problems;
}

/** Stores the list beside the job (URLs stay out of the workflow's history); returns the key the job's `inputKey` names. */
export async function storeInputList(storage: S3Storage, jobId: string, input: JobInputDto): Promise<string> {
  const spec: ImageListSpec =
    input.keys !== undefined ? { keys: input.keys } : input.prefix !== undefined ? { prefix: input.prefix } : { urls: input.urls ?? [input.url!] };
  const key = imageListKey(jobId, randomUUID());
  await storage.put(key, JSON.stringify(spec), 'application/json');
  return key;
}
