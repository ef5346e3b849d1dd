/**
 * The GPU step of `video-transcode`: one segment of the input, encoded by NVENC or x264/x265, stored at a key
 * that names its identity. A retried segment whose output is already stored keeps it; only segments without
 * one are encoded again.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailureType } from '../../workflows/contracts';
import {
  transcodeKeys,
  type EncodedSegment,
  type EncodeSegmentInput,
  type SegmentHeartbeat,
  type TranscodeGpuActivities,
} from '../../workflows/contracts/video-transcode';
import { canonicalJson } from '../chunks/part-identity';
import { probeVideoEncoders, type VideoEncoders } from '../media/hardware';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { pickEncoder, segmentArgs, segmentFilter, videoCodecArgs } from './transcode-args';
import { countVideoPackets } from './verify-output';
import { FfmpegAborted, runFfmpeg } from './run-ffmpeg';

/** Bumped when the way a segment is encoded changes: older outputs stop matching. */
const SEGMENT_VERSION = 1;

export interface TranscodeGpuDeps {
  storage: S3Storage;
  /** The encoders found at start; probed here (and logged) when not given. */
  encoders?: Promise<VideoEncoders>;
  heartbeatEveryMs?: number;
}

export function createTranscodeGpuActivities(deps: TranscodeGpuDeps): TranscodeGpuActivities {
  // At worker start, not at the first job: the log says at once which encoders this worker has.
  const encoders =
    deps.encoders ??
    probeVideoEncoders().then((e) => {
      console.log(`[gpu] ${e.summary}`);
      return e;
    });
  encoders.catch(() => undefined);
  return { encodeSegment: (input) => encodeSegment(deps, encoders, input) };
}

async function encodeSegment(deps: TranscodeGpuDeps, encoders: Promise<VideoEncoders>, input: EncodeSegmentInput): Promise<EncodedSegment> {
  const { storage } = deps;
  const ctx = Context.current();
  const { params, segment, jobId } = input;
  const encoder = pickEncoder(params.codec, params.encoder, (await encoders).nvenc);
  if (params.encoder === 'nvenc' && !encoder.endsWith('_nvenc')) {
    // A worker on an NVENC queue without NVENC is misconfigured: hand the segment back for a worker that has it.
    throw ApplicationFailure.retryable(`worker on '${ctx.info.taskQueue}' has no working NVENC (its trial encode failed)`, 'NoNvenc');
  }
  const source = {
    v: SEGMENT_VERSION,
    inputKey: input.inputKey,
    inputEtag: input.inputEtag,
    params,
    segment,
    fps: input.outputFps,
    frames: input.outputFrames,
    encoder,
  };
  const identity = createHash('sha256').update(canonicalJson(source)).digest('hex').slice(0, 16);
  const key = transcodeKeys(jobId).segment(segment.index, identity);
  const mediaSeconds = segment.end - segment.start;
  if (await exists(storage, key)) {
    ctx.log.info('segment already encoded: kept', { index: segment.index, key });
    return { index: segment.index, key, encoder, reused: true, mediaSeconds, wallSeconds: 0 };
  }
  const details: SegmentHeartbeat = { encodedSeconds: 0, segmentSeconds: mediaSeconds, attempt: ctx.info.attempt };
  const timer = setInterval(() => ctx.heartbeat(details), deps.heartbeatEveryMs ?? 1000);
  const dir = await mkdtemp(join(tmpdir(), 'anvil-segment-'));
  const started = Date.now();
  try {
    const out = join(dir, 'segment.mp4');
    const url = await storage.presignGet(input.inputKey);
    const args = segmentArgs({
      url,
      ...(segment.seek !== undefined ? { seek: segment.seek } : {}),
      filter: segmentFilter(params, input.outputFps),
      frames: input.outputFrames,
      codecArgs: videoCodecArgs(params, encoder),
      out,
    });
    ctx.log.info('encoding segment', { index: segment.index, encoder, start: segment.start, end: segment.end, frames: input.outputFrames });
    await runFfmpeg(args, { signal: ctx.cancellationSignal, onProgress: (s) => (details.encodedSeconds = Math.min(mediaSeconds, s)) }).catch((err: unknown) => {
      if (err instanceof FfmpegAborted) throw ctx.cancellationSignal.reason ?? err;
      throw err;
    });
    const frames = await countVideoPackets(out);
    if (frames !== input.outputFrames) {
      throw ApplicationFailure.nonRetryable(
        `segment ${segment.index} has ${frames} frames, ${input.outputFrames} planned (input frames ${segment.firstFrame}..${segment.firstFrame + segment.frames - 1})`,
        FailureType.IncompleteOutput,
      );
    }
    details.encodedSeconds = mediaSeconds;
    ctx.heartbeat(details);
    const size = (await stat(out)).size;
    await storage.put(key, createReadStream(out), 'video/mp4', size);
    const wallSeconds = (Date.now() - started) / 1000;
    ctx.log.info('segment encoded', { index: segment.index, encoder, wallSeconds, speed: mediaSeconds / wallSeconds });
    return { index: segment.index, key, encoder, reused: false, mediaSeconds, wallSeconds };
  } finally {
    clearInterval(timer);
    await rm(dir, { recursive: true, force: true });
  }
}

async function exists(storage: S3Storage, key: string): Promise<boolean> {
  try {
    await storage.head(key);
    return true;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return false;
    throw err;
  }
}
