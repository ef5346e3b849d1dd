import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createInterface } from 'node:readline';
import { FailureType, SCAN_EXTENSIONS } from '../../workflows/contracts';
import {
  fetchedImageKey,
  imageDetectPipeline,
  imageResultKeys,
  isImageListKey,
  planImageChunks,
  stagedChunkKey,
  type ImageLine,
  type ImageListSpec,
  type ImageSet,
  type StageImagesInput,
  type StagedImage,
} from '../../workflows/contracts/image-detect';
import type { ModelRegistry } from '../inference/models/registry';
import type { EgressPolicy } from '../net/egress-policy';
import { checkedParams } from '../pipelines/job-params';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { fetchImage } from './fetch-image';
import { toJsonl } from './image-lines';

export interface StageDeps {
  storage: S3Storage;
  models: ModelRegistry;
  policy: EgressPolicy;
  /** URLs fetched at once. */
  fetchConcurrency?: number;
}

/**
 * Stages an input set: its items in order (one key, a list of keys or URLs, or the image objects under a prefix
 * in key order), URL items fetched into the bucket (a failure is the item's), a retry's good lines kept, and
 * each chunk's items written to `stagedChunkKey`. A chunk already staged (an earlier attempt) is skipped.
 */
export async function stageImages(deps: StageDeps, input: StageImagesInput): Promise<ImageSet> {
  const ctx = Context.current();
  const params = checkedParams(imageDetectPipeline, input.params, deps.models);
  const items = await listItems(deps.storage, input.inputKey);
  if (items.length === 0) throw ApplicationFailure.nonRetryable(`input '${input.inputKey}' names no images`, FailureType.InvalidMedia);
  const earlier = input.reuseFrom ? await goodLines(deps.storage, input.reuseFrom, items) : new Map<number, ImageLine>();
  const set: ImageSet = { count: items.length, failedAtStaging: 0, reused: 0, chunkImages: params.chunkImages };
  let staged = 0;
  const beat = setInterval(() => ctx.heartbeat({ staged }), 5000);
  try {
    for (const chunk of planImageChunks(set)) {
      const key = stagedChunkKey(input.jobId, chunk.index);
      const slice = items.slice(chunk.startFrame, chunk.endFrame).map((item) => {
        const reused = earlier.get(item.index);
        return reused ? { ...item, reused } : item;
      });
      const done = await deps.storage.head(key).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ObjectNotFoundError) return false;
          throw err;
        },
      );
      const lines = done ? await readStaged(deps.storage, key) : await fetchUrls(deps, input.jobId, slice, params.maxBytes, ctx.cancellationSignal);
      if (!done) await deps.storage.put(key, toJsonl(lines), 'application/x-ndjson');
      set.failedAtStaging += lines.filter((l) => l.error !== undefined).length;
      set.reused += lines.filter((l) => l.reused).length;
      staged = chunk.endFrame;
    }
  } finally {
    clearInterval(beat);
  }
  ctx.log.info('images staged', { ...set });
  return set;
}

/** The items an input key names, in order. */
async function listItems(storage: S3Storage, inputKey: string): Promise<StagedImage[]> {
  if (!isImageListKey(inputKey)) return [{ index: 0, key: inputKey, src: inputKey }];
  let spec: ImageListSpec;
  try {
    spec = JSON.parse(await storage.getText(inputKey)) as ImageListSpec;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw ApplicationFailure.nonRetryable(`the image list '${inputKey}' is gone`, FailureType.InputNotFound);
    throw err;
  }
  if ('keys' in spec) return spec.keys.map((key, index) => ({ index, key, src: key }));
  if ('urls' in spec) return spec.urls.map((url, index) => ({ index, url }));
  const extensions = SCAN_EXTENSIONS.image;
  const { objects } = await storage.listObjects(spec.prefix, (k) => extensions.some((e) => k.toLowerCase().endsWith(e)));
  return objects.map((o, index) => ({ index, key: o.key, src: o.key }));
}

/** URL items fetched (a few at once) into the bucket; each gets its `src`, or the reason it failed. */
async function fetchUrls(deps: StageDeps, jobId: string, items: StagedImage[], maxBytes: number, signal: AbortSignal): Promise<StagedImage[]> {
  const out = [...items];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < out.length) {
      const i = next++;
      const item = out[i]!;
      if (item.url === undefined || item.reused) continue;
      const fetched = await fetchImage(item.url, deps.policy, maxBytes, signal);
      if (!fetched.ok) {
        out[i] = { ...item, error: fetched.error };
        continue;
      }
      const src = fetchedImageKey(jobId, item.index);
      await deps.storage.put(src, fetched.bytes, 'application/octet-stream');
      out[i] = { ...item, src };
    }
  };
  await Promise.all(Array.from({ length: deps.fetchConcurrency ?? 8 }, worker));
  return out;
}

async function readStaged(storage: S3Storage, key: string): Promise<StagedImage[]> {
  return (await storage.getText(key))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StagedImage);
}

/**
 * The good lines of the job being retried, by index, where the item is the same (same key or URL at that
 * index): a retry keeps them and redoes only the failed ones. Read line by line.
 */
async function goodLines(storage: S3Storage, jobId: string, items: StagedImage[]): Promise<Map<number, ImageLine>> {
  const good = new Map<number, ImageLine>();
  let body;
  try {
    body = (await storage.getStream(imageResultKeys(jobId).images)).body;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return good; // it failed before its merge: everything is redone
    throw err;
  }
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    if (!text) continue;
    const line = JSON.parse(text) as ImageLine;
    const item = items[line.index];
    if (line.error === undefined && item && item.key === line.key && item.url === line.url) good.set(line.index, line);
  }
  return good;
}
