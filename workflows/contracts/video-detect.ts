import type { Chunk, ChunkedJobInput, ChunkResult, ChunkRunSummary, ChunkTally, EarlierAttempts } from './chunked-job';
import { z } from 'zod/v4';
import type { MediaInfo } from './media';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import { VIDEO_PREVIEW_FILES, type PreviewsOutcome, type VideoPreviewKeys } from './previews';

export const VIDEO_DETECT = 'video-detect';

/** Parameters of a `video-detect` job: every field has a default or is optional. */
export const videoDetectParams = z.strictObject({
  model: z.string().min(1).max(64).default('pp-ocr-det').describe('image model name (GET /v1/models)'),
  sampleInterval: z.int().min(1).max(10_000).default(1).describe('process every Nth frame (applied by ffmpeg, not by decoding and discarding)'),
  confidence: z.number().min(0).max(1).optional().describe("minimum detection score, 0..1 (default: the model's)"),
  iou: z.number().min(0).max(1).optional().describe("NMS IoU threshold above which the weaker box is dropped, 0..1 (default: the model's)"),
  chunkFrames: z.int().min(8).max(1_000_000).default(900).describe('source frames per chunk (one GPU activity each)'),
  checkpointFrames: z.int().min(1).max(10_000).default(64).describe('processed frames per checkpoint: the most a lost GPU pod costs'),
});

export type VideoDetectParams = z.output<typeof videoDetectParams>;

export const VIDEO_DETECT_DEFAULTS: VideoDetectParams = videoDetectParams.parse({});

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
  /** The previews' keys are there once they are rendered (`previews`). */
  keys: { detections: string; summary: string; manifest: string } & Partial<VideoPreviewKeys>;
  media: MediaInfo;
  /** Absent in jobs from before previews. */
  previews?: PreviewsOutcome;
}

export const videoDetectPipeline = definePipeline({
  name: VIDEO_DETECT,
  description: 'Objects, text, faces or masks in every (or every Nth) frame of a video: chunked decode + ONNX inference on GPU workers, merged per frame',
  workflowType: 'videoDetectionWorkflow',
  unit: 'frames',
  inputKinds: ['video'],
  params: videoDetectParams,
  modelKind: 'image',
  resultFiles: [
    {
      name: 'detections',
      key: 'detections',
      contentType: 'application/x-ndjson',
      filename: 'detections.jsonl',
      description: 'one line per processed frame: {frame, t, detections: [{label, score, box, mask?}]}; masks are COCO RLE in source pixels',
    },
    SUMMARY_FILE,
    ...VIDEO_PREVIEW_FILES,
  ],
  gpuQueue: 'gpu',
  units: (result: VideoDetectionResult) => result.frames,
});
