import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  chunkPartKey,
  chunkPartsPrefix,
  FailureType,
  parsePartKey,
  type ChunkHeartbeat,
  type ChunkResult,
  type DetectChunkInput,
  type FrameDetections,
  type GpuActivities,
} from '../../workflows/contracts';
import { sampledFrames } from '../../workflows/plan-chunks';
import type { InferencePool } from '../inference/inference-pool';
import { letterbox } from '../inference/letterbox';
import type { ModelRegistry, ResolvedModel } from '../inference/models/registry';
import { buildDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import { readFrameBatches } from '../media/frame-batches';
import type { Hardware } from '../media/hardware';
import type { S3Storage } from '../storage/s3-storage';
import { partSpan, resumePlan, type StoredPart } from './chunk-checkpoints';
import { toJsonl } from './frame-lines';

export interface GpuDeps {
  storage: S3Storage;
  models: ModelRegistry;
  pool: InferencePool;
  hardware: Hardware;
  /** Inference batches in flight while the next one decodes. */
  maxBatchesInFlight?: number;
}

/** GPU activities: decode + inference of frame ranges, with checkpoints and resume. */
export function createGpuActivities(deps: GpuDeps): GpuActivities {
  return {
    detectChunk: (input) => detectChunk(deps, input),
  };
}

/**
 * Decodes and runs the model over one chunk. Every `checkpointFrames` processed frames it stores a
 * part at a key naming its frame range and heartbeats the resume point; a retry continues after the
 * stored parts. Cancel kills ffmpeg and stops within one batch; a worker shutdown first stores the
 * frames already done, so the next worker resumes exactly there.
 */
async function detectChunk(deps: GpuDeps, input: DetectChunkInput): Promise<ChunkResult> {
  const ctx = Context.current();
  const { storage } = deps;
  const { chunk, params, jobId } = input;
  const model = deps.models.get(params.model);
  if (!model) {
    throw ApplicationFailure.nonRetryable(
      `unknown model '${params.model}' on this worker (available: ${deps.models.names().join(', ')})`,
      FailureType.UnknownModel,
    );
  }

  let stored = await storedParts(storage, jobId, chunk.index);
  let framesReused = 0;
  if (input.reuseFrom && stored.length === 0) {
    // A retry: take the earlier job's finished work on this chunk (same input, same params) instead of computing it.
    const reused = resumePlan(chunk, await storedParts(storage, input.reuseFrom, chunk.index)).chain;
    for (const p of reused) await storage.copy(p.key, chunkPartKey(jobId, chunk.index, p.start, p.end));
    if (reused.length) {
      stored = await storedParts(storage, jobId, chunk.index);
      framesReused = sampledFrames(chunk.startFrame, reused[reused.length - 1]!.end, params.sampleInterval);
      ctx.log.info('reusing stored parts of an earlier job', { chunk: chunk.index, from: input.reuseFrom, frames: framesReused });
    }
  }
  const plan = resumePlan(chunk, stored);
  if (plan.stale.length) await storage.deleteMany(plan.stale.map((p) => p.key));
  const previous = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
  const start = plan.resumeFrame;
  const state: ChunkHeartbeat = {
    checkpointFrame: start,
    nextFrame: start,
    framesDone: sampledFrames(chunk.startFrame, start, params.sampleInterval),
    framesTotal: sampledFrames(chunk.startFrame, chunk.endFrame, params.sampleInterval),
  };
  const chain = plan.chain.map((p) => p.key);
  const beat = (): void => ctx.heartbeat({ ...state });
  beat();
  if (start > chunk.startFrame) ctx.log.info('resuming chunk from its last checkpoint', { chunk: chunk.index, frame: start });

  const decodedTo = start < chunk.endFrame ? await processFrames(deps, input, model, state, chain, beat) : start;
  if (chunk.endFrame < input.media.frameCount && decodedTo < chunk.endFrame) {
    throw ApplicationFailure.nonRetryable(
      `input '${input.inputKey}': the video ended at frame ${decodedTo}, before frame ${chunk.endFrame} that its header promised (truncated or corrupt)`,
      FailureType.InvalidMedia,
    );
  }
  return {
    index: chunk.index,
    partKeys: chain,
    frames: state.framesDone,
    framesReprocessed: previous ? sampledFrames(start, Math.max(start, previous.nextFrame), params.sampleInterval) : 0,
    attempt: ctx.info.attempt,
    resumedFrom: start,
    ...(framesReused ? { framesReused } : {}),
  };
}

async function storedParts(storage: S3Storage, jobId: string, chunk: number): Promise<StoredPart[]> {
  return (await storage.list(chunkPartsPrefix(jobId, chunk))).map(parsePartKey).filter((p): p is StoredPart => p !== undefined);
}

/** Decode + inference from `state.checkpointFrame` to the chunk end; returns the frame the decoder stopped at. */
async function processFrames(
  { storage, pool, hardware, maxBatchesInFlight = 2 }: GpuDeps,
  input: DetectChunkInput,
  model: ResolvedModel,
  state: ChunkHeartbeat,
  chain: string[],
  beat: () => void,
): Promise<number> {
  const ctx = Context.current();
  const { chunk, media, params } = input;
  const S = params.sampleInterval;
  const span = partSpan(params.checkpointFrames, S);
  const lb = letterbox(media.width, media.height, model.input.width, model.input.height);
  const options = { confidence: params.confidence ?? model.confidence, iou: params.iou ?? model.iou, letterbox: lb };
  const start = state.checkpointFrame;
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildDecodeArgs({
      startTime: media.startTime,
      fps: media.fps,
      startFrame: start,
      outputFrames: sampledFrames(start, chunk.endFrame, S),
      sampleInterval: S,
      letterbox: lb,
      pad: model.input.pad,
      hwaccel: hardware.hwaccel,
    }),
  );

  const pending: FrameDetections[] = [];
  const inFlight: Promise<FrameDetections[]>[] = [];
  /** Stores pending frames below `end` as the part [checkpointFrame, end). */
  const writePart = async (end: number): Promise<void> => {
    const count = pending.findIndex((f) => f.frame >= end);
    const frames = pending.splice(0, count === -1 ? pending.length : count);
    const key = chunkPartKey(input.jobId, chunk.index, state.checkpointFrame, end);
    await storage.put(key, toJsonl(frames), 'application/x-ndjson');
    chain.push(key);
    state.framesDone += frames.length;
    state.checkpointFrame = end;
  };
  const partEnd = (): number => Math.min(state.checkpointFrame + span, chunk.endFrame);
  // Frames come in order as multiples of S: a part is complete once a frame within S of its end arrived.
  const drain = async (): Promise<void> => {
    pending.push(...(await inFlight.shift()!));
    if (pending.length) state.nextFrame = pending.at(-1)!.frame + S;
    while (pending.length && pending.at(-1)!.frame >= partEnd() - S) await writePart(partEnd());
    beat();
  };

  const shutdown = (): boolean => ctx.cancellationSignal.aborted && (ctx.cancellationSignal.reason as Error | undefined)?.message === 'WORKER_SHUTDOWN';
  const onAbort = (): void => {
    // A cancelled job stops at once; a worker shutdown lets the batches in flight finish and be stored.
    if (!shutdown()) decode.kill();
  };
  ctx.cancellationSignal.addEventListener('abort', onAbort);
  let frame = start;
  try {
    for await (const batch of readFrameBatches(decode.frames, model.input.width * model.input.height * 3, model.batch)) {
      if (ctx.cancellationSignal.aborted) {
        decode.kill(); // before leaving the loop closes ffmpeg's output under it
        break;
      }
      const first = frame;
      frame += batch.count * S;
      inFlight.push(
        pool
          .detect(model.name, batch.data, batch.count, options)
          .then(({ detections }) =>
            detections.map((d, i) => ({ frame: first + i * S, t: Math.round(((first + i * S) / media.fps) * 1e6) / 1e6, detections: d })),
          ),
      );
      if (inFlight.length >= maxBatchesInFlight) await drain();
    }
    if (!ctx.cancellationSignal.aborted || shutdown()) while (inFlight.length) await drain();
    if (!ctx.cancellationSignal.aborted) await decode.done;
  } catch (err) {
    // A dying decoder shows up first as a torn frame: report the decoder's own error instead.
    if (!ctx.cancellationSignal.aborted) await decode.done;
    if (!ctx.cancellationSignal.aborted) throw err;
  } finally {
    ctx.cancellationSignal.removeEventListener('abort', onAbort);
    decode.kill();
    // Batches still in the thread after a cancel or failure: their results are not wanted.
    for (const p of inFlight) p.catch(() => undefined);
  }
  if (shutdown()) {
    // Hand the chunk back with nothing lost: store what is done as a short part, heartbeat, and fail
    // the attempt as retryable (a cancelled attempt would wait for the heartbeat timeout instead).
    if (pending.length) await writePart(state.nextFrame);
    beat();
    ctx.log.info('worker shutting down: chunk checkpointed and handed back', { chunk: chunk.index, frame: state.checkpointFrame });
    throw ApplicationFailure.retryable(`GPU worker shut down; chunk ${chunk.index} checkpointed at frame ${state.checkpointFrame}`, 'WorkerShutdown');
  }
  if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
  // The decoder ended: what is left is the last, possibly short, part.
  if (pending.length) await writePart(Math.min(frame, chunk.endFrame));
  beat();
  return frame;
}
