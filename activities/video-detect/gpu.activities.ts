import { ApplicationFailure } from '@temporalio/common';
import {
  FailureType,
  type ChunkResult,
  type DetectChunkInput,
  type FrameDetections,
  type GpuActivities,
  type MediaInfo,
  sampledFrames,
} from '../../workflows/contracts';
import type { InferencePool } from '../inference/inference-pool';
import { letterbox } from '../inference/letterbox';
import type { ModelRegistry, ResolvedModel } from '../inference/models/registry';
import { requireModel } from '../inference/models/require-model';
import { buildDecodeArgs } from '../media/ffmpeg-args';
import {
  constantRateClock,
  decodeFrameRecords,
  FRAME_RECORD_BYTES,
  roundSeconds,
  seekPlan,
  storedClock,
  type FrameClock,
  type SeekPlan,
} from '../media/frame-times';
import { startDecode } from '../media/ffmpeg';
import type { FrameBatch } from '../media/frame-batches';
import type { Hardware } from '../media/hardware';
import type { S3Storage } from '../storage/s3-storage';
import { decoderSource, processUnits, runChunk } from '../chunks/chunk-runner';
import type { ComputeSlots } from '../chunks/compute-slots';
import type { ChunkAttempt } from '../chunks/resume-chunk';
import { partSpan } from '../chunks/chunk-checkpoints';
import { partIdentity } from '../chunks/part-identity';
import { toJsonl } from './frame-lines';

export interface GpuDeps {
  storage: S3Storage;
  models: ModelRegistry;
  pool: InferencePool;
  hardware: Hardware;
  /** Inference batches in flight while the next one decodes. */
  maxBatchesInFlight?: number;
  /** The worker's compute slots (a prefetched chunk starts its decoder, then waits for one). */
  slots?: ComputeSlots;
}

/** The GPU activity of `video-detect`: decode + inference of frame ranges, with checkpoints and resume. */
export function createVideoDetectGpuActivities(deps: GpuDeps): Pick<GpuActivities, 'detectChunk'> {
  return { detectChunk: (input) => detectChunk(deps, input) };
}

/**
 * Decodes and runs the model over one chunk. Every `checkpointFrames` processed frames it stores a
 * part at a key naming its frame range and heartbeats the resume point; a retry continues after the
 * stored parts. Cancel kills ffmpeg and stops within one batch; a worker shutdown first stores the
 * frames already done, so the next worker resumes exactly there.
 */
async function detectChunk(deps: GpuDeps, input: DetectChunkInput): Promise<ChunkResult> {
  const { chunk, params } = input;
  const model = requireModel(deps.models, 'image', params.model);
  const identity = partIdentity({ input: input.media.inputEtag ?? '', model: { name: model.name, digest: await deps.models.digest(model.name) }, params });
  const run = { jobId: input.jobId, chunk, step: params.sampleInterval, identity, reuseFrom: input.reuseFrom, earlier: input.earlier };
  return runChunk(deps.storage, run, async (attempt) => {
    const decodedTo = await processFrames(deps, input, model, attempt);
    if (chunk.endFrame < input.media.frameCount && decodedTo < chunk.endFrame) {
      throw ApplicationFailure.nonRetryable(
        `input '${input.inputKey}': the video ended at frame ${decodedTo}, before frame ${chunk.endFrame} that its header promised (truncated or corrupt)`,
        FailureType.InvalidMedia,
      );
    }
  });
}

/** Decode + inference from the attempt's resume point to the chunk end; returns the frame the decoder stopped at. */
async function processFrames(
  { storage, pool, hardware, maxBatchesInFlight = 2, slots }: GpuDeps,
  input: DetectChunkInput,
  model: ResolvedModel,
  attempt: ChunkAttempt,
): Promise<number> {
  const { chunk, media, params } = input;
  const S = params.sampleInterval;
  const lb = letterbox(media.width, media.height, model.input.width, model.input.height);
  const options = { confidence: params.confidence ?? model.confidence, iou: params.iou ?? model.iou, letterbox: lb };
  const start = attempt.state.checkpointFrame;
  const { clock, seek } = await planSeek(storage, media, start, chunk.endFrame);
  const decode = startDecode(
    await storage.presignGet(input.inputKey),
    buildDecodeArgs({
      seekSeconds: seek.seekSeconds,
      accurateSeek: seek.accurate,
      skipFrames: seek.skipFrames,
      outputFrames: sampledFrames(start, chunk.endFrame, S),
      sampleInterval: S,
      letterbox: lb,
      pad: model.input.pad,
      hwaccel: hardware.hwaccel,
    }),
  );
  return processUnits<FrameBatch, FrameDetections>(attempt, {
    source: decoderSource(decode, attempt.signal, model.input.width * model.input.height * 3, model.batch),
    infer: async (batch, first) => {
      const { detections } = await pool.detect(model.name, batch.data, batch.count, options);
      return detections.map((d, i) => ({ frame: first + i * S, t: roundSeconds(clock.timeOf(first + i * S)), detections: d }));
    },
    encodePart: toJsonl,
    partUnits: partSpan(params.checkpointFrames, S),
    maxInFlight: maxBatchesInFlight,
    slots,
  });
}

/**
 * The clock of frames up to `end` and how to seek to `start`: the probe's stored frame records (a range read
 * from the keyframe the seek needs), or the constant-rate clock of a stream without timestamps.
 */
async function planSeek(storage: S3Storage, media: MediaInfo, start: number, end: number): Promise<{ clock: FrameClock; seek: SeekPlan }> {
  if (!media.frameTimesKey) {
    const clock = constantRateClock(media.startTime, media.fps);
    return { clock, seek: seekPlan(clock, start, undefined) };
  }
  const read = async (from: number, to: number) =>
    decodeFrameRecords(await storage.getRange(media.frameTimesKey!, from * FRAME_RECORD_BYTES, (to - from) * FRAME_RECORD_BYTES));
  const keyframe = media.seekByKeyframe ? (await read(start, start + 1)).keyframes[0] : undefined;
  const from = Math.max(0, Math.min(start, keyframe ?? start) - 1);
  const clock = storedClock(from, (await read(from, end)).times);
  return { clock, seek: seekPlan(clock, start, keyframe) };
}
