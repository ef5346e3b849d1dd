import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  chunkPartKey,
  chunkPartsPrefix,
  FailureType,
  parsePartStart,
  type ChunkHeartbeat,
  type ChunkResult,
  type DetectChunkInput,
  type FrameDetections,
  type GpuActivities,
} from '../../workflows/contracts';
import { sampledFrames } from '../../workflows/plan-chunks';
import type { InferencePool } from '../inference/inference-pool';
import { letterbox } from '../inference/letterbox';
import type { ModelRegistry } from '../inference/models/registry';
import { buildDecodeArgs } from '../media/ffmpeg-args';
import { startDecode } from '../media/ffmpeg';
import { readFrameBatches } from '../media/frame-batches';
import type { Hardware } from '../media/hardware';
import type { S3Storage } from '../storage/s3-storage';
import { partSpan, partStarts, resumeFrame } from './chunk-checkpoints';
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

async function detectChunk({ storage, models, pool, hardware, maxBatchesInFlight = 2 }: GpuDeps, input: DetectChunkInput): Promise<ChunkResult> {
  const ctx = Context.current();
  const { chunk, media, params } = input;
  const model = models.get(params.model);
  if (!model)
    throw ApplicationFailure.nonRetryable(`unknown model '${params.model}' on this worker (available: ${models.names().join(', ')})`, FailureType.UnknownModel);

  const span = partSpan(params.checkpointFrames, params.sampleInterval);
  const stored = (await storage.list(chunkPartsPrefix(input.jobId, chunk.index))).map(parsePartStart).filter((s): s is number => s !== undefined);
  const previous = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
  const start = resumeFrame(chunk, span, stored);
  const framesTotal = sampledFrames(chunk.startFrame, chunk.endFrame, params.sampleInterval);
  const framesReprocessed = previous ? sampledFrames(start, Math.max(start, previous.nextFrame), params.sampleInterval) : 0;
  let framesDone = sampledFrames(chunk.startFrame, start, params.sampleInterval);
  let checkpointFrame = start;
  let nextFrame = start;
  const beat = (): void => ctx.heartbeat({ checkpointFrame, nextFrame, framesDone, framesTotal } satisfies ChunkHeartbeat);
  beat();
  if (start > chunk.startFrame) ctx.log.info('resuming chunk from checkpoint', { chunk: chunk.index, frame: start, framesReprocessed });

  let lastEnd = start;
  if (start < chunk.endFrame) {
    const lb = letterbox(media.width, media.height, model.input.width, model.input.height);
    const options = { confidence: params.confidence ?? model.confidence, iou: params.iou ?? model.iou, letterbox: lb };
    const url = await storage.presignGet(input.inputKey);
    const decode = startDecode(
      url,
      buildDecodeArgs({
        startTime: media.startTime,
        fps: media.fps,
        startFrame: start,
        outputFrames: sampledFrames(start, chunk.endFrame, params.sampleInterval),
        sampleInterval: params.sampleInterval,
        letterbox: lb,
        pad: model.input.pad,
        hwaccel: hardware.hwaccel,
      }),
    );
    const onCancel = (): void => decode.kill();
    ctx.cancellationSignal.addEventListener('abort', onCancel);
    const frameBytes = model.input.width * model.input.height * 3;
    const pending: FrameDetections[] = [];
    const inFlight: Promise<FrameDetections[]>[] = [];
    const partEnd = (): number => Math.min(checkpointFrame + span, chunk.endFrame);
    // Frames arrive in order and are multiples of sampleInterval, so a part is complete once a frame
    // within one interval of its end has arrived.
    const partComplete = (): boolean => (pending.at(-1)?.frame ?? -Infinity) >= partEnd() - params.sampleInterval;
    const writePart = async (frames: FrameDetections[]): Promise<void> => {
      await storage.put(chunkPartKey(input.jobId, chunk.index, checkpointFrame), toJsonl(frames), 'application/x-ndjson');
      framesDone += frames.length;
      checkpointFrame = Math.min(checkpointFrame + span, chunk.endFrame);
    };
    const drain = async (): Promise<void> => {
      pending.push(...(await inFlight.shift()!));
      nextFrame = pending.length ? pending.at(-1)!.frame + params.sampleInterval : nextFrame;
      while (pending.length > 0 && partComplete()) {
        const end = partEnd();
        const count = pending.findIndex((f) => f.frame >= end);
        await writePart(pending.splice(0, count === -1 ? pending.length : count));
      }
      beat();
    };
    let frame = start;
    try {
      for await (const batch of readFrameBatches(decode.frames, frameBytes, model.batch)) {
        if (ctx.cancellationSignal.aborted) break;
        const first = frame;
        frame += batch.count * params.sampleInterval;
        inFlight.push(
          pool.detect(model.name, batch.data, batch.count, options).then(({ detections }) =>
            detections.map((d, i) => {
              const f = first + i * params.sampleInterval;
              return { frame: f, t: Math.round((f / media.fps) * 1e6) / 1e6, detections: d };
            }),
          ),
        );
        if (inFlight.length >= maxBatchesInFlight) await drain();
      }
      while (inFlight.length > 0 && !ctx.cancellationSignal.aborted) await drain();
      if (!ctx.cancellationSignal.aborted) await decode.done;
    } catch (err) {
      // A dying decoder shows up first as a torn frame: report the decoder's own error instead.
      if (!ctx.cancellationSignal.aborted) await decode.done;
      if (!ctx.cancellationSignal.aborted) throw err;
    } finally {
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      decode.kill();
      // Batches still in the thread after a cancel or failure: their results are not wanted.
      for (const p of inFlight) p.catch(() => undefined);
    }
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
    // The decoder ended: what is left is the last, possibly short, part.
    if (pending.length > 0) await writePart(pending.splice(0));
    lastEnd = frame;
    beat();
  }

  const isLast = chunk.endFrame >= media.frameCount;
  if (!isLast && lastEnd < chunk.endFrame) {
    throw ApplicationFailure.nonRetryable(
      `input '${input.inputKey}': the video ended at frame ${lastEnd}, before frame ${chunk.endFrame} that its header promised (truncated or corrupt)`,
      FailureType.InvalidMedia,
    );
  }
  const starts = partStarts(chunk, span).filter((s) => s < Math.max(lastEnd, start));
  return {
    index: chunk.index,
    partKeys: starts.map((s) => chunkPartKey(input.jobId, chunk.index, s)),
    frames: framesDone,
    framesReprocessed,
    attempt: ctx.info.attempt,
  };
}
