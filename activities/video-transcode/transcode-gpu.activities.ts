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
  type EncodeSettings,
  type EncodeSegmentInput,
  type SegmentHeartbeat,
  type TranscodeGpuActivities,
} from '../../workflows/contracts/video-transcode';
import { canonicalJson } from '../chunks/part-identity';
import { probeVideoEncoders, type VideoEncoders } from '../media/hardware';
import { ObjectNotFoundError, type S3Storage } from '../storage/s3-storage';
import { pickEncoder, segmentArgs, segmentFilter, videoCodecArgs, type VideoEncoder } from './transcode-args';
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
  const encoders = deps.encoders ?? workerEncoders();
  return { encodeSegment: (input) => encodeSegment(deps, encoders, input) };
}

/**
 * The encoders this worker has, found by a trial encode each, once per process and logged in one line; at
 * worker start, not at the first job, so the log says at once which it has.
 */
export function workerEncoders(): Promise<VideoEncoders> {
  found ??= probeVideoEncoders().then((e) => {
    console.log(`[gpu] ${e.summary}`);
    return e;
  });
  found.catch(() => undefined);
  return found;
}

let found: Promise<VideoEncoders> | undefined;

async function encodeSegment(deps: TranscodeGpuDeps, encoders: Promise<VideoEncoders>, input: EncodeSegmentInput): Promise<EncodedSegment> {
  const { params, segment, jobId } = input;
  const encoder = await jobEncoder(params, encoders);
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
  return encodeStored(deps, {
    index: segment.index,
    key: transcodeKeys(jobId).segment(segment.index, identityOf(source)),
    encoder,
    mediaSeconds: segment.end - segment.start,
    frames: input.outputFrames,
    what: `segment ${segment.index} (input frames ${segment.firstFrame}..${segment.firstFrame + segment.frames - 1})`,
    inputKey: input.inputKey,
    args: (url, out) =>
      segmentArgs({
        url,
        ...(segment.seek !== undefined ? { seek: segment.seek } : {}),
        filter: segmentFilter(params, input.outputFps),
        frames: input.outputFrames,
        codecArgs: videoCodecArgs(params, encoder),
        out,
      }),
  });
}

/** The encoder a job gets on this worker; an NVENC job on a worker without NVENC is handed back (retryable). */
export async function jobEncoder(params: Pick<EncodeSettings, 'codec' | 'encoder'>, encoders: Promise<VideoEncoders>): Promise<VideoEncoder> {
  const encoder = pickEncoder(params.codec, params.encoder, (await encoders).nvenc);
  if (params.encoder === 'nvenc' && !encoder.endsWith('_nvenc')) {
    // A worker on an NVENC queue without NVENC is misconfigured: hand the piece back for a worker that has it.
    throw ApplicationFailure.retryable(`worker on '${Context.current().info.taskQueue}' has no working NVENC (its trial encode failed)`, 'NoNvenc');
  }
  return encoder;
}

/** 16 hex digits of the hash of what a piece is made from: another source is another key. */
export const identityOf = (source: object): string => createHash('sha256').update(canonicalJson(source)).digest('hex').slice(0, 16);

/** One piece of video to encode into `key`: its ffmpeg arguments (given the input's presigned URL and the output path) and what it must hold. */
export interface StoredPiece {
  index: number;
  key: string;
  encoder: VideoEncoder;
  /** Seconds of media it covers (heartbeats count towards it). */
  mediaSeconds: number;
  /** Video frames the output must have. */
  frames: number;
  /** How a failure names it. */
  what: string;
  inputKey: string;
  args(url: string, out: string): string[];
}

/**
 * Encodes a piece and stores it at its key, heartbeating the media seconds encoded; a piece already stored
 * (an earlier attempt's, same identity) is kept. A cancel kills its ffmpeg; a frame count off the plan fails it.
 */
export async function encodeStored(deps: Pick<TranscodeGpuDeps, 'storage' | 'heartbeatEveryMs'>, piece: StoredPiece): Promise<EncodedSegment> {
  const { storage } = deps;
  const ctx = Context.current();
  const { index, key, encoder, mediaSeconds } = piece;
  if (await exists(storage, key)) {
    ctx.log.info('already encoded: kept', { index, key });
    return { index, key, encoder, reused: true, mediaSeconds, wallSeconds: 0 };
  }
  const details: SegmentHeartbeat = { encodedSeconds: 0, segmentSeconds: mediaSeconds, attempt: ctx.info.attempt };
  const timer = setInterval(() => ctx.heartbeat(details), deps.heartbeatEveryMs ?? 1000);
  const dir = await mkdtemp(join(tmpdir(), 'anvil-segment-'));
  const started = Date.now();
  try {
    const out = join(dir, 'piece.mp4');
    const url = await storage.presignGet(piece.inputKey);
    ctx.log.info('encoding', { index, encoder, what: piece.what, frames: piece.frames });
    await runFfmpeg(piece.args(url, out), {
      signal: ctx.cancellationSignal,
      onProgress: (s) => (details.encodedSeconds = Math.min(mediaSeconds, s)),
    }).catch((err: unknown) => {
      if (err instanceof FfmpegAborted) throw ctx.cancellationSignal.reason ?? err;
      throw err;
    });
    const frames = await countVideoPackets(out);
    if (frames !== piece.frames) {
      throw ApplicationFailure.nonRetryable(`${piece.what} has ${frames} frames, ${piece.frames} planned`, FailureType.IncompleteOutput);
    }
    details.encodedSeconds = mediaSeconds;
    ctx.heartbeat(details);
    const size = (await stat(out)).size;
    await storage.put(key, createReadStream(out), 'video/mp4', size);
    const wallSeconds = (Date.now() - started) / 1000;
    ctx.log.info('encoded', { index, encoder, wallSeconds, speed: mediaSeconds / wallSeconds });
    return { index, key, encoder, reused: false, mediaSeconds, wallSeconds };
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
