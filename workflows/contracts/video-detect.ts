import type { MediaInfo } from './media';
import type { JobProgress } from './progress';
import type { WebhookSubscription } from './webhooks';

export const VIDEO_DETECT = 'video-detect';

/** Parameters of a `video-detect` job. Every field has a default (see `VIDEO_DETECT_DEFAULTS`). */
export interface VideoDetectParams {
  /** Model name from the worker's registry. */
  model: string;
  /** Process every Nth frame (1 = every frame). Applied by ffmpeg, not by decoding and discarding. */
  sampleInterval: number;
  /** Minimum score of a kept detection, 0..1. Default: the model's own threshold. */
  confidence?: number;
  /** IoU above which NMS drops the weaker box, 0..1. Default: the model's own. */
  iou?: number;
  /** Frames of the source video per chunk (one GPU activity each). */
  chunkFrames: number;
  /** Processed frames per checkpoint: the most a pod loss can cost. */
  checkpointFrames: number;
}

export const VIDEO_DETECT_DEFAULTS: VideoDetectParams = {
  model: 'pp-ocr-det',
  sampleInterval: 1,
  chunkFrames: 900,
  checkpointFrames: 64,
};

export const VIDEO_DETECT_LIMITS = {
  sampleInterval: { min: 1, max: 10_000 },
  chunkFrames: { min: 8, max: 1_000_000 },
  checkpointFrames: { min: 1, max: 10_000 },
} as const;

/** Input of `videoDetectionWorkflow`. */
export interface VideoDetectionInput {
  jobId: string;
  /** S3 key of the input video in the Anvil bucket (where `inputUrl` is fetched to, when given). */
  inputKey: string;
  /** An https URL the job first copies to `inputKey` (checked against the egress policy). */
  inputUrl?: string;
  params: VideoDetectParams;
  /** Signed POSTs on job events. */
  webhook?: WebhookSubscription;
  /** GPU task queue (a `gpu*` class); defaults to `gpu`. */
  gpuTaskQueue?: string;
  /** Chunk activities in flight at once; defaults to 4. */
  maxParallelChunks?: number;
  /** Seconds without a heartbeat before a GPU worker counts as lost; defaults to 30. */
  heartbeatTimeoutSeconds?: number;
  /** Chunks per workflow run before continue-as-new; defaults to 300. */
  chunksPerRun?: number;
  /** A failed or cancelled job with the same input and params whose stored chunk parts this job reuses (retry). */
  reuseFrom?: string;
  /** Carried across continue-as-new; callers leave it out. */
  resume?: { media: MediaInfo; completed: ChunkResult[]; progress: JobProgress };
}

/** A frame range [startFrame, endFrame) of the source video, processed by one GPU activity. */
export interface Chunk {
  index: number;
  startFrame: number;
  endFrame: number;
}

/** Input of the `detectChunk` GPU activity. */
export interface DetectChunkInput {
  jobId: string;
  inputKey: string;
  media: MediaInfo;
  chunk: Chunk;
  params: VideoDetectParams;
  /** A job whose parts of this chunk are copied before processing (`VideoDetectionInput.reuseFrom`). */
  reuseFrom?: string;
}

/** Heartbeat details of `detectChunk`: the resume point and what the attempt has done. */
export interface ChunkHeartbeat {
  /** First frame not yet in a stored checkpoint part: where a retry resumes. */
  checkpointFrame: number;
  /** First frame not yet inferred (>= checkpointFrame). */
  nextFrame: number;
  /** Processed (sampled) frames of this chunk done, this and earlier attempts. */
  framesDone: number;
  /** Processed frames in the chunk. */
  framesTotal: number;
}

export interface ChunkResult {
  index: number;
  /** Keys of the chunk's checkpoint parts in frame order. */
  partKeys: string[];
  /** Processed (sampled) frames. */
  frames: number;
  /** Frames this chunk computed more than once (work lost to a dead attempt, per its last heartbeat). */
  framesReprocessed: number;
  /** Attempt that finished the chunk (1 = first). */
  attempt: number;
  /** First frame the finishing attempt decoded: above `startFrame` when it resumed from a checkpoint. */
  resumedFrom: number;
  /** Processed frames taken from the `reuseFrom` job's parts instead of computed. */
  framesReused?: number;
}

export interface MergeInput {
  jobId: string;
  inputKey: string;
  media: MediaInfo;
  params: VideoDetectParams;
  chunks: Chunk[];
  results: ChunkResult[];
}

export interface VideoDetectionResult {
  jobId: string;
  frames: number;
  detections: number;
  /** Chunk attempts after the first, and frames computed twice because of them. */
  retries: number;
  framesReprocessed: number;
  /** Frames taken from an earlier job's stored parts (a retry), not computed again. */
  framesReused: number;
  /** Chunks finished by an attempt that resumed from a checkpoint. */
  resumes: { chunk: number; fromFrame: number; attempt: number }[];
  /** Detections per label. */
  labels: Record<string, number>;
  keys: { detections: string; summary: string; manifest: string };
  media: MediaInfo;
}
