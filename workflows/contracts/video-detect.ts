import type { Chunk, ChunkedJobInput, ChunkResult, ChunkRunSummary, ChunkTally, EarlierAttempts } from './chunked-job';
import type { MediaInfo } from './media';

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
export type VideoDetectionInput = ChunkedJobInput<VideoDetectParams, MediaInfo>;

/** Input of the `detectChunk` GPU activity. */
export interface DetectChunkInput {
  jobId: string;
  inputKey: string;
  media: MediaInfo;
  chunk: Chunk;
  params: VideoDetectParams;
  /** A job whose parts of this chunk are copied before processing (`VideoDetectionInput.reuseFrom`). */
  reuseFrom?: string;
  /** Set when the workflow scheduled the chunk again after its attempt died. */
  earlier?: EarlierAttempts;
}

/** Input of `mergeDetections`: the chunks are planned again from `media` and `params` (`planChunks`). */
export interface MergeInput {
  jobId: string;
  inputKey: string;
  media: MediaInfo;
  params: VideoDetectParams;
  tally?: ChunkTally;
  /** Merges scheduled by runs recorded before the tally passed the plan and every result. */
  chunks?: Chunk[];
  results?: ChunkResult[];
}

export interface VideoDetectionResult extends ChunkRunSummary {
  jobId: string;
  frames: number;
  detections: number;
  /** Detections per label. */
  labels: Record<string, number>;
  keys: { detections: string; summary: string; manifest: string };
  media: MediaInfo;
}
