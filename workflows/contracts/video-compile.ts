import { z } from 'zod/v4';
import { objectKeyParam } from './object-key';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import { encodeSettings, oneRateControl, type EncodedSegment, type OutputSummary } from './video-transcode';
import type { InputSource } from './input-url';
import type { WebhookSubscription } from './webhooks';

/**
 * `video-compile` (seed 002's `compile_video`): clips (each cut to its in/out times) between an optional intro
 * and outro → one MP4 at one resolution and frame rate. Each clip is encoded by its own GPU activity (NVENC
 * when the worker has it), the audio of all of them once on the pipeline worker, and the pieces joined by
 * stream copy and verified, as `video-transcode` joins its segments.
 */
export const VIDEO_COMPILE = 'video-compile';

/** Clips (intro and outro included) in one compilation at most. */
export const MAX_CLIPS = 200;

const even = (n: number): boolean => n % 2 === 0;

export const clipTimes = z
  .strictObject({
    start: z.number().min(0).default(0).describe('seconds into the clip (from its first frame) where it starts; default 0'),
    end: z.number().positive().optional().describe("seconds into the clip where it ends; default the clip's end"),
  })
  .refine((c) => c.end === undefined || c.end > c.start, { message: 'must be after start', path: ['end'] });

export type ClipTimes = z.output<typeof clipTimes>;

export const videoCompileParams = z
  .strictObject({
    clips: z
      .array(clipTimes)
      .max(MAX_CLIPS)
      .default([])
      .describe('in/out times of the input clips (input.keys, or the one input.key), in the same order; clips without an entry play whole'),
    intro: objectKeyParam.optional().describe('S3 key of a video played whole before the clips'),
    outro: objectKeyParam.optional().describe('S3 key of a video played whole after the clips'),
    width: z.int().min(16).max(7680).refine(even, 'must be even').default(1280).describe('output width, pixels (each clip fitted inside, letterboxed)'),
    height: z.int().min(16).max(4320).refine(even, 'must be even').default(720).describe('output height, pixels'),
    fps: z.number().min(1).max(120).default(30).describe('output frame rate (each clip converted to it)'),
    ...encodeSettings,
    audio: z
      .enum(['aac', 'none'])
      .default('aac')
      .describe("'aac': each clip's first audio track (silence for a clip without one), encoded once over the compilation; 'none': video only"),
  })
  .refine(...oneRateControl);

export type VideoCompileParams = z.output<typeof videoCompileParams>;

/** Input of `videoCompileWorkflow`: `inputKey` is one clip, or the clip list the API stored (`{ keys }` at an `imageListKey`). */
export interface VideoCompileInput {
  jobId: string;
  inputKey: string;
  params: VideoCompileParams;
  webhook?: WebhookSubscription;
  /** Where the API stored the URL of a job submitted by `input.url` (the input is fetched to `inputKey` first). */
  inputSource?: InputSource;
  /** GPU task queue (a `gpu*` class); defaults to `gpu`. `encoder: 'nvenc'` jobs go to `<it>-nvenc`. */
  gpuTaskQueue?: string;
  /** Clip encodes in flight at once; defaults to 4. */
  maxParallelChunks?: number;
  /** Seconds without a heartbeat before a GPU worker counts as lost; defaults to 30. */
  heartbeatTimeoutSeconds?: number;
}

/** One piece of the output, as planned: which object, from where, how long. */
export interface CompileClip {
  /** Position in the output (the intro is 0 when there is one). */
  index: number;
  /** How messages name it: `intro`, `outro`, `clip 2 ('uploads/b.mp4')`. */
  name: string;
  key: string;
  etag: string;
  /** Input `-ss`: seconds from the file start (the container's start time included) to the in point. */
  seek: number;
  /** Seconds of it used. */
  seconds: number;
  /** Output frames: `round(seconds × fps)`. */
  frames: number;
  /** Whether it has an audio stream (one without plays silence). */
  audio: boolean;
}

export interface CompilePlan {
  clips: CompileClip[];
  width: number;
  height: number;
  fps: number;
  /** Output frames and seconds (frames / fps). */
  frames: number;
  duration: number;
}

/** Input of the `encodeClip` GPU activity. */
export interface EncodeClipInput {
  jobId: string;
  params: VideoCompileParams;
  clip: CompileClip;
  width: number;
  height: number;
  fps: number;
}

export interface VideoCompileResult {
  keys: { output: string; summary: string };
  output: OutputSummary;
  /** Encoder that wrote the clips. */
  encoder: string;
  clips: number;
  /** Clips an earlier attempt had already encoded (kept). */
  clipsReused: number;
  /** Output seconds per wall second of the job's processing. */
  speed: number;
  mediaSeconds: number;
  wallSeconds: number;
}

/** CPU steps, on the workflow's queue. */
export interface CompilePipelineActivities {
  /** Probes every clip, checks its times (a non-retryable `InvalidParams` naming the clip), plans the frames. */
  planCompile(input: { jobId: string; inputKey: string; params: VideoCompileParams }): Promise<CompilePlan>;
  /** The audio of every clip (silence where one has none), cut as planned, encoded once. */
  encodeCompileAudio(input: { jobId: string; plan: CompilePlan; params: VideoCompileParams }): Promise<{ key: string }>;
  /** Concat (stream copy) + audio mux + verification + summary. */
  joinClips(input: {
    jobId: string;
    inputKey: string;
    params: VideoCompileParams;
    plan: CompilePlan;
    clips: EncodedSegment[];
    audioKey: string | null;
    startedAt: number;
  }): Promise<VideoCompileResult>;
}

/** The GPU step: one clip, normalised. */
export interface CompileGpuActivities {
  encodeClip(input: EncodeClipInput): Promise<EncodedSegment>;
}

/** Where a compilation keeps its pieces and its output; a clip's key names its identity. */
export function compileKeys(jobId: string): { prefix: string; audio: string; output: string; clip(index: number, identity: string): string } {
  const prefix = `jobs/${jobId}/compile/`;
  return {
    prefix,
    audio: `${prefix}audio.m4a`,
    output: `jobs/${jobId}/results/output.mp4`,
    clip: (index, identity) => `${prefix}clips/${String(index).padStart(4, '0')}-${identity}.mp4`,
  };
}

export const videoCompilePipeline = definePipeline({
  name: VIDEO_COMPILE,
  description:
    'Compiles clips (each cut to its in/out times, between an optional intro and outro) into one MP4 at one size and frame rate: clips encoded in parallel (NVENC when the GPU has it), joined by stream copy, verified',
  workflowType: 'videoCompileWorkflow',
  unit: 'seconds',
  inputKinds: ['video'],
  listInputs: ['keys'],
  params: videoCompileParams,
  resultFiles: [{ name: 'output', key: 'output', contentType: 'video/mp4', filename: 'output.mp4', description: 'the compiled video' }, SUMMARY_FILE],
  gpuQueue: 'gpu',
  units: (result: VideoCompileResult) => result.mediaSeconds,
});
