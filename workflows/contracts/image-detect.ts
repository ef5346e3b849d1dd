import { z } from 'zod/v4';
import type { Chunk, ChunkedJobInput, ChunkResult, ChunkRunSummary, ChunkTally, EarlierAttempts } from './chunked-job';
import type { Detection } from './detection';
import { definePipeline, SUMMARY_FILE } from './pipeline-definition';
import { jobFiles, jobPrefix } from './storage-keys';

export const IMAGE_DETECT = 'image-detect';

/** Parameters of an `image-detect` job: every field has a default or is optional. */
export const imageDetectParams = z
  .strictObject({
    model: z.string().min(1).max(64).default('pp-ocr-det').describe('image model name (GET /v1/models)'),
    confidence: z.number().min(0).max(1).optional().describe("minimum detection score, 0..1 (default: the model's)"),
    iou: z.number().min(0).max(1).optional().describe("NMS IoU threshold above which the weaker box is dropped, 0..1 (default: the model's)"),
    chunkImages: z.int().min(1).max(100_000).default(500).describe('images per chunk (one GPU activity each)'),
    checkpointImages: z.int().min(1).max(10_000).default(50).describe('images per checkpoint: the most a lost GPU pod costs'),
    maxPixels: z
      .int()
      .min(1)
      .max(268_402_689)
      .default(50_000_000)
      .describe('largest image, width x height (after EXIF orientation): larger ones are item failures'),
    maxBytes: z
      .int()
      .min(1)
      .max(1024 ** 3)
      .default(50 * 1024 ** 2)
      .describe('largest image file, bytes: larger ones are item failures'),
  })
  .refine((p) => p.checkpointImages <= p.chunkImages, {
    path: ['checkpointImages'],
    error: (issue) => {
      const p = issue.input as { checkpointImages: number; chunkImages: number };
      return `must not exceed chunkImages (${p.chunkImages}), got ${p.checkpointImages}`;
    },
  });

export type ImageDetectParams = z.output<typeof imageDetectParams>;

/** Entries of a list input (`input.keys`, `input.urls`) at most: larger sets go by `input.prefix`. */
export const MAX_IMAGE_LIST = 10_000;

/**
 * What the API stores at `imageListKey(jobId)` for a list, URL or prefix input (a single `input.key` is the
 * image itself): the workflow's `inputKey` then names this object, and URLs stay out of its history.
 */
export type ImageListSpec = { keys: string[] } | { urls: string[] } | { prefix: string };

/**
 * Where the API keeps a job's image list (`ImageListSpec`). `nonce` is fresh per submit, so a second request
 * with the same idempotency key never overwrites the list a running job reads.
 */
export const imageListKey = (jobId: string, nonce: string): string => `${jobPrefix(jobId)}/input/images-${nonce}.json`;

/** True when an input key is an image list the API stored (`imageListKey`), not an image. */
export const isImageListKey = (key: string): boolean => /^jobs\/[^/]+\/input\/images-[0-9a-f-]+\.json$/.test(key);

/** One staged input of a chunk: what to read, or why it already failed (a URL that could not be fetched), or its earlier result. */
export interface StagedImage {
  index: number;
  key?: string;
  url?: string;
  /** The S3 object to read: the key itself, or the fetched copy of a URL. */
  src?: string;
  /** The item failed before any GPU saw it. */
  error?: string;
  /** The line of the `reuseFrom` job, kept as is (a retry redoes only failed items). */
  reused?: ImageLine;
}

/** Where staging leaves chunk `chunkIndex`'s items (JSON Lines of `StagedImage`, in index order). */
export const stagedChunkKey = (jobId: string, chunkIndex: number): string => `${jobPrefix(jobId)}/images/chunk-${String(chunkIndex).padStart(5, '0')}.jsonl`;

/** Where staging stores the bytes of a fetched URL item. */
export const fetchedImageKey = (jobId: string, index: number): string => `${jobPrefix(jobId)}/images/fetched/${String(index).padStart(7, '0')}`;

/** One line of `images.jsonl` (and of a chunk part): every input appears once, in input order. */
export interface ImageLine {
  index: number;
  key?: string;
  url?: string;
  /** Source pixels after EXIF orientation (what boxes refer to). */
  width?: number;
  height?: number;
  detections?: Detection[];
  /** Why the item failed (corrupt, not an image, too large, unreachable, not found); no detections then. */
  error?: string;
}

/** What staging learns of the input set: the workflow plans its chunks from it. */
export interface ImageSet {
  /** Items in the input, in order. */
  count: number;
  /** Items that failed at staging (URLs that could not be fetched, refused by the egress policy). */
  failedAtStaging: number;
  /** Items whose result was taken from the `reuseFrom` job. */
  reused: number;
  /** `chunkImages` the set was staged with (the chunk files follow it). */
  chunkImages: number;
}

/** Input of `image-detect`'s workflow. */
export type ImageDetectionInput = ChunkedJobInput<ImageDetectParams, ImageSet>;

export interface StageImagesInput {
  jobId: string;
  inputKey: string;
  params: ImageDetectParams;
  reuseFrom?: string;
}

export interface ImageChunkInput {
  jobId: string;
  inputKey: string;
  set: ImageSet;
  chunk: Chunk;
  params: ImageDetectParams;
  earlier?: EarlierAttempts;
}

export interface ImageMergeInput {
  jobId: string;
  inputKey: string;
  set: ImageSet;
  params: ImageDetectParams;
  tally: ChunkTally;
}

export const imageResultKeys = (jobId: string): { images: string; summary: string; manifest: string } => ({
  images: `${jobPrefix(jobId)}/images.jsonl`,
  ...jobFiles(jobId),
});

export interface ImageDetectionResult extends ChunkRunSummary {
  jobId: string;
  images: number;
  ok: number;
  failed: number;
  /** Items taken from the `reuseFrom` job (a retry). */
  reused: number;
  detections: number;
  /** Detections per label. */
  labels: Record<string, number>;
  /** The first failures' reasons, by index (at most 20); `images.jsonl` has every one. */
  failures: { index: number; error: string }[];
  keys: { images: string; summary: string; manifest: string };
}

/** Chunks of an image set: `chunkImages` items each. */
export function planImageChunks(set: Pick<ImageSet, 'count' | 'chunkImages'>): Chunk[] {
  const chunks: Chunk[] = [];
  for (let start = 0, index = 0; start < set.count; start += set.chunkImages, index++) {
    chunks.push({ index, startFrame: start, endFrame: Math.min(start + set.chunkImages, set.count) });
  }
  return chunks;
}

/** CPU steps of `image-detect`, on the `pipeline` queue. */
export interface ImagePipelineActivities {
  /**
   * Validates params, lists the input set (a key, a list, a prefix), fetches URL items into the bucket under
   * the egress policy (an unreachable one is an item failure), takes the `reuseFrom` job's good lines, and
   * writes each chunk's items. Heartbeats; resumes.
   */
  stageImages(input: StageImagesInput): Promise<ImageSet>;
  /** Verifies every item appears exactly once, writes `images.jsonl` + summary + manifest. */
  mergeImages(input: ImageMergeInput): Promise<ImageDetectionResult>;
}

/** GPU step of `image-detect`, on `gpu` queues. */
export interface ImageGpuActivities {
  /** Decodes (sharp) and runs the model over one chunk of items; heartbeats, checkpoints every `checkpointImages`, resumes. */
  detectImageChunk(input: ImageChunkInput): Promise<ChunkResult>;
}

export const imageDetectPipeline = definePipeline({
  name: IMAGE_DETECT,
  description:
    'Objects, text, faces or masks in a set of images (S3 keys, https URLs or a prefix): chunked decode + ONNX inference on GPU workers, one result line per image with its own status',
  workflowType: 'imageDetectionWorkflow',
  unit: 'images',
  inputKinds: ['image'],
  listInputs: ['keys', 'urls', 'prefix'],
  params: imageDetectParams,
  modelKind: 'image',
  resultFiles: [
    {
      name: 'images',
      key: 'images',
      contentType: 'application/x-ndjson',
      filename: 'images.jsonl',
      description:
        'one line per input image in input order: {index, key|url, width, height, detections: [{label, score, box, mask?}]} or {index, key|url, error}; masks are COCO RLE in source pixels',
    },
    SUMMARY_FILE,
  ],
  gpuQueue: 'gpu',
  units: (result: ImageDetectionResult) => result.images,
});
