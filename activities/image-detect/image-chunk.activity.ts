import type { ChunkResult } from '../../workflows/contracts';
import { stagedChunkKey, type ImageChunkInput, type ImageGpuActivities, type ImageLine, type StagedImage } from '../../workflows/contracts/image-detect';
import type { InferencePool } from '../inference/inference-pool';
import type { ModelRegistry, ResolvedModel } from '../inference/models/registry';
import { requireModel } from '../inference/models/require-model';
import { finishChunk, handBack, resumeChunk, workerShuttingDown, type ChunkAttempt } from '../chunks/resume-chunk';
import { partIdentity } from '../chunks/part-identity';
import type { ComputeSlots } from '../chunks/compute-slots';
import type { S3Storage } from '../storage/s3-storage';
import { decodeImage, ImageItemError, type DecodedImage } from './image-decode';
import { failedLine, itemName, parseJsonl, toJsonl } from './image-lines';
import { readItem } from './read-item';

export interface ImageGpuDeps {
  storage: S3Storage;
  models: ModelRegistry;
  pool: InferencePool;
  /** The worker's compute slots: a prefetched chunk lists its items, then waits for one. */
  slots?: ComputeSlots;
}

/** The GPU activity of `image-detect`: decode (sharp) + inference of a chunk of images, checkpointed every `checkpointImages`. */
export function createImageDetectGpuActivities(deps: ImageGpuDeps): ImageGpuActivities {
  return { detectImageChunk: (input) => detectImageChunk(deps, input) };
}

/**
 * One chunk of images [startFrame, endFrame) of the staged set. Each item ends as a line: its detections, or
 * its failure (missing, not an image, too large, corrupt). Every `checkpointImages` lines go into a part and
 * the resume point moves; a retry continues after the stored parts; a worker shutdown stores what is done and
 * hands the chunk back; a cancel or a fence stops within one group.
 */
async function detectImageChunk(deps: ImageGpuDeps, input: ImageChunkInput): Promise<ChunkResult> {
  const { chunk, params } = input;
  const model = requireModel(deps.models, 'image', params.model);
  const identity = partIdentity({ input: input.inputKey, model: { name: model.name, digest: await deps.models.digest(model.name) }, params });
  const attempt = await resumeChunk(deps.storage, { jobId: input.jobId, chunk, sampleInterval: 1, identity, earlier: input.earlier });
  try {
    if (attempt.start < chunk.endFrame) {
      const items = parseJsonl<StagedImage>(await deps.storage.getText(stagedChunkKey(input.jobId, chunk.index)));
      const release = deps.slots ? await deps.slots.acquire(attempt.signal).catch(() => undefined) : () => undefined;
      if (!release) {
        // Stopped while waiting for a slot: nothing done to store.
        if (workerShuttingDown(attempt.signal)) handBack(attempt);
        throw attempt.signal.reason;
      }
      try {
        await processItems(
          deps,
          input,
          model,
          attempt,
          items.filter((i) => i.index >= attempt.start),
        );
      } finally {
        release();
      }
    }
    return await finishChunk(deps.storage, input.jobId, attempt);
  } finally {
    attempt.stop();
  }
}

/** Items decoded (in parallel) and inferred per group; the next group decodes while this one infers. */
const GROUP_ITEMS = 16;

async function processItems(deps: ImageGpuDeps, input: ImageChunkInput, model: ResolvedModel, attempt: ChunkAttempt, items: StagedImage[]): Promise<void> {
  const { state, beat, signal, chunk } = attempt;
  const { params } = input;
  const pending: ImageLine[] = [];
  const writePart = async (end: number): Promise<void> => {
    const count = pending.findIndex((l) => l.index >= end);
    const lines = pending.splice(0, count === -1 ? pending.length : count);
    await attempt.putPart(state.checkpointFrame, end, toJsonl(lines));
    state.framesDone += lines.length;
    state.checkpointFrame = end;
  };
  const partEnd = (): number => Math.min(state.checkpointFrame + params.checkpointImages, chunk.endFrame);

  const groups: StagedImage[][] = [];
  for (let i = 0; i < items.length; i += GROUP_ITEMS) groups.push(items.slice(i, i + GROUP_ITEMS));
  const decodeGroup = (group: StagedImage[]): Promise<Prepared[]> => Promise.all(group.map((item) => prepare(deps.storage, item, model, params)));
  let next = groups.length ? decodeGroup(groups[0]!) : undefined;
  try {
    for (let g = 0; g < groups.length; g++) {
      const prepared = await next!;
      next = g + 1 < groups.length ? decodeGroup(groups[g + 1]!) : undefined;
      if (signal.aborted && !workerShuttingDown(signal)) break;
      pending.push(...(await infer(deps.pool, model, params, prepared)));
      state.nextFrame = pending.at(-1)!.index + 1;
      while (pending.length && pending.at(-1)!.index >= partEnd() - 1) await writePart(partEnd());
      beat();
      if (signal.aborted) break;
    }
  } finally {
    next?.catch(() => undefined);
  }
  if (workerShuttingDown(signal)) {
    // Hand the chunk back with nothing lost: what is done goes into a short part first.
    if (pending.length) await writePart(state.nextFrame);
    handBack(attempt);
  }
  if (signal.aborted) throw signal.reason;
  if (pending.length) await writePart(chunk.endFrame);
  beat();
}

/** An item ready for inference (decoded), or already a line (failed, or reused from the retried job). */
type Prepared = { item: StagedImage; image: DecodedImage } | { line: ImageLine };

async function prepare(storage: S3Storage, item: StagedImage, model: ResolvedModel, params: ImageChunkInput['params']): Promise<Prepared> {
  if (item.reused) return { line: item.reused };
  if (item.error !== undefined || item.src === undefined) return { line: failedLine(item, item.error ?? 'nothing to read') };
  try {
    const bytes = await readItem(storage, item.src, params.maxBytes);
    const image = await decodeImage(bytes, { width: model.input.width, height: model.input.height, pad: model.input.pad }, params.maxPixels);
    return { item, image };
  } catch (err) {
    if (err instanceof ImageItemError) return { line: failedLine(item, err.message) };
    throw err;
  }
}

/**
 * Runs the model over a group's decoded images, consecutive ones of the same letterbox in one batch (the
 * inference thread takes one letterbox per batch), and returns the group's lines in order.
 */
async function infer(pool: InferencePool, model: ResolvedModel, params: ImageChunkInput['params'], prepared: Prepared[]): Promise<ImageLine[]> {
  const lines: ImageLine[] = [];
  const confidence = params.confidence ?? model.confidence;
  const iou = params.iou ?? model.iou;
  for (let i = 0; i < prepared.length;) {
    const p = prepared[i]!;
    if ('line' in p) {
      lines.push(p.line);
      i++;
      continue;
    }
    const batch = [p];
    while (batch.length < model.batch) {
      const q = prepared[i + batch.length];
      if (!q || 'line' in q || !sameLetterbox(q.image, p.image)) break;
      batch.push(q);
    }
    const frameBytes = model.input.width * model.input.height * 3;
    const frames = new Uint8Array(frameBytes * batch.length);
    batch.forEach((b, k) => frames.set(b.image.rgb, k * frameBytes));
    const { detections } = await pool.detect(model.name, frames, batch.length, { confidence, iou, letterbox: p.image.letterbox });
    batch.forEach((b, k) =>
      lines.push({ index: b.item.index, ...itemName(b.item), width: b.image.width, height: b.image.height, detections: detections[k] ?? [] }),
    );
    i += batch.length;
  }
  return lines;
}

const sameLetterbox = (a: DecodedImage, b: DecodedImage): boolean => a.width === b.width && a.height === b.height;
