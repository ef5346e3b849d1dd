import { z } from 'zod/v4';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import type { InputSource } from './input-url';
import type { WebhookSubscription } from './webhooks';

/**
 * `video-transcode`: one video → MP4 (H.264 or HEVC). The input is split at keyframes into segments that are
 * encoded in parallel as separate GPU activities (NVENC when the worker's trial encode works, x264/x265
 * otherwise), joined by stream copy; the audio is encoded once over the whole input and muxed. The output is
 * verified (duration, streams, codecs, monotonic timestamps) before the job succeeds.
 */
export const VIDEO_TRANSCODE = 'video-transcode';

/** Software presets; NVENC gets the nearest of p1 (fastest) .. p7 (slowest). */
export const TRANSCODE_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

/** The encoder's settings, shared by every pipeline that encodes video (`video-transcode`, `video-compile`). */
export const encodeSettings = {
  codec: z.enum(['h264', 'hevc']).default('h264').describe('video codec of the output'),
  encoder: z
    .enum(['auto', 'nvenc', 'software'])
    .default('auto')
    .describe(
      "'auto': any GPU worker, NVENC when it has it; 'nvenc': only workers polling the NVENC queue (<gpu queue>-nvenc; the job waits there until one does); 'software': x264/x265 even on an NVENC worker",
    ),
  crf: z.int().min(0).max(51).optional().describe('constant quality (x264/x265 CRF, NVENC CQ); default 23 unless bitrateKbps is set'),
  bitrateKbps: z.int().min(50).max(200_000).optional().describe('average video bitrate, kbit/s (instead of crf)'),
  preset: z.enum(TRANSCODE_PRESETS).default('medium').describe('speed/size trade-off of the encoder'),
  audioBitrateKbps: z.int().min(32).max(512).default(128).describe('AAC bitrate, kbit/s'),
  threads: z.int().min(0).max(64).default(0).describe("threads of each segment's encoder (0: the encoder's choice)"),
};

/** The encoder's settings of a job (what `videoCodecArgs` reads). */
export type EncodeSettings = z.output<z.ZodObject<typeof encodeSettings>>;

/** The refinement of params with `encodeSettings`: one rate control. */
export const oneRateControl: [(p: { crf?: number; bitrateKbps?: number }) => boolean, { message: string; path: string[] }] = [
  (p) => p.crf === undefined || p.bitrateKbps === undefined,
  { message: 'give crf or bitrateKbps, not both', path: ['crf'] },
];

export const videoTranscodeParams = z
  .strictObject({
    ...encodeSettings,
    audio: z.enum(['aac', 'copy', 'none']).default('aac').describe("audio: encoded once to AAC, copied as it is, or dropped ('none')"),
    height: z.int().min(16).max(4320).optional().describe('output height, pixels (width keeps the aspect, even); absent: the input height'),
    fps: z.number().min(1).max(240).optional().describe('output frame rate; absent: the input rate'),
    segmentSeconds: z
      .number()
      .min(1)
      .max(3600)
      .default(60)
      .describe('target length of a segment (cut at the first keyframe at or after each multiple): the unit of parallelism and of retry'),
  })
  .refine(...oneRateControl);

export type VideoTranscodeParams = z.output<typeof videoTranscodeParams>;

export const VIDEO_TRANSCODE_DEFAULTS: VideoTranscodeParams = videoTranscodeParams.parse({});

/** Input of `videoTranscodeWorkflow`. */
export interface VideoTranscodeInput {
  jobId: string;
  /** S3 key of the input video in the Anvil bucket. */
  inputKey: string;
  params: VideoTranscodeParams;
  webhook?: WebhookSubscription;
  /** Where the API stored the URL of a job submitted by `input.url` (the input is fetched to `inputKey` first). */
  inputSource?: InputSource;
  /** GPU task queue (a `gpu*` class); defaults to `gpu`. `encoder: 'nvenc'` jobs go to `<it>-nvenc`. */
  gpuTaskQueue?: string;
  /** Segment encodes in flight at once; defaults to 4. */
  maxParallelChunks?: number;
  /** Seconds without a heartbeat before a GPU worker counts as lost; defaults to 30. */
  heartbeatTimeoutSeconds?: number;
}

/** One piece of the input, from a keyframe to the next segment's keyframe (display order). */
export interface TranscodeSegment {
  index: number;
  /** First input frame and frames in it. */
  firstFrame: number;
  frames: number;
  /** Presentation time of its first frame and of the next segment's first frame (the input's end for the last), seconds. */
  start: number;
  end: number;
  /** Input `-ss` (accurate seek), seconds: half-way between its first frame and the one before; absent for the first. */
  seek?: number;
}

/** What the probe found and planned. */
export interface TranscodePlan {
  inputEtag: string;
  /** Video duration: end of the last frame, seconds. */
  duration: number;
  width: number;
  height: number;
  /** Average input frame rate, frames/s. */
  fps: number;
  frames: number;
  codec: string;
  /** Codec of the first audio stream; null when it has none. */
  audioCodec: string | null;
  segments: TranscodeSegment[];
  /** Output frame rate (params.fps or the input's) and output frames per segment, same order. */
  outputFps: number;
  outputFrames: number[];
}

/** Input of the `encodeSegment` GPU activity. */
export interface EncodeSegmentInput {
  jobId: string;
  inputKey: string;
  inputEtag: string;
  params: VideoTranscodeParams;
  segment: TranscodeSegment;
  outputFps: number;
  outputFrames: number;
}

/** Heartbeat of `encodeSegment`: input seconds of the segment encoded so far. */
export interface SegmentHeartbeat {
  encodedSeconds: number;
  segmentSeconds: number;
  attempt: number;
}

export interface EncodedSegment {
  index: number;
  key: string;
  /** The ffmpeg encoder that wrote it (`h264_nvenc`, `libx264`, ...). */
  encoder: string;
  /** True when an earlier attempt's output with the same identity was found and kept. */
  reused: boolean;
  /** Input seconds it covers and wall seconds the encode took (0 when reused). */
  mediaSeconds: number;
  wallSeconds: number;
}

/** ffprobe's view of the output, as verified. */
export interface OutputSummary {
  duration: number;
  videoCodec: string;
  width: number;
  height: number;
  frames: number;
  fps: number;
  audioCodec: string | null;
  streams: number;
  sizeBytes: number;
}

export interface VideoTranscodeResult {
  keys: { output: string; summary: string };
  output: OutputSummary;
  /** Encoder(s) that wrote the segments. */
  encoder: string;
  segments: number;
  /** Segments an earlier attempt had already encoded (kept, not encoded again). */
  segmentsReused: number;
  /** Input seconds encoded per wall second of the job's processing (probe to verified output). */
  speed: number;
  mediaSeconds: number;
  wallSeconds: number;
}

/** CPU steps, on the workflow's queue. */
export interface TranscodePipelineActivities {
  planTranscode(input: { jobId: string; inputKey: string; params: VideoTranscodeParams }): Promise<TranscodePlan>;
  /** The whole input's audio, once: AAC or copied, at `transcodeKeys(jobId).audio`. */
  encodeAudio(input: { jobId: string; inputKey: string; params: VideoTranscodeParams }): Promise<{ key: string }>;
  /** Concat (stream copy) + audio mux + verification + summary. */
  joinSegments(input: {
    jobId: string;
    inputKey: string;
    params: VideoTranscodeParams;
    plan: TranscodePlan;
    segments: EncodedSegment[];
    audioKey: string | null;
    startedAt: number;
  }): Promise<VideoTranscodeResult>;
}

/** The GPU step: one segment. */
export interface TranscodeGpuActivities {
  encodeSegment(input: EncodeSegmentInput): Promise<EncodedSegment>;
}

/** Where a transcode keeps its pieces and its output. A segment's key names its identity (`<hash>`): another identity is another object. */
export function transcodeKeys(jobId: string): { prefix: string; audio: string; output: string; segment(index: number, identity: string): string } {
  const prefix = `jobs/${jobId}/transcode/`;
  return {
    prefix,
    audio: `${prefix}audio.m4a`,
    output: `jobs/${jobId}/results/output.mp4`,
    segment: (index, identity) => `${prefix}segments/${String(index).padStart(5, '0')}-${identity}.mp4`,
  };
}

/** The NVENC-only queue of a GPU queue class: `gpu` → `gpu-nvenc`. */
export const nvencQueue = (gpuQueue: string): string => `${gpuQueue}-nvenc`;

export const videoTranscodePipeline = definePipeline({
  name: VIDEO_TRANSCODE,
  description:
    'Transcodes a video to MP4 (H.264/HEVC, NVENC when the GPU has it): split at keyframes, segments encoded in parallel, joined by stream copy, verified',
  workflowType: 'videoTranscodeWorkflow',
  unit: 'seconds',
  inputKinds: ['video'],
  params: videoTranscodeParams,
  resultFiles: [{ name: 'output', key: 'output', contentType: 'video/mp4', filename: 'output.mp4', description: 'the transcoded video' }, SUMMARY_FILE],
  gpuQueue: 'gpu',
  units: (result: VideoTranscodeResult) => result.mediaSeconds,
});
