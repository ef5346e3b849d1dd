import type { JobProgress } from './progress';
import type { WebhookSubscription } from './webhooks';

/**
 * What every chunked pipeline's workflow takes: the input object, the pipeline's params, and the knobs of
 * the chunk runner. `Media` is what the probe learns (a video's `MediaInfo`, an audio stream's `AudioInfo`).
 */
export interface ChunkedJobInput<Params, Media> {
  jobId: string;
  /** S3 key of the input in the Anvil bucket (where `inputUrl` is fetched to, when given). */
  inputKey: string;
  /** An https URL the job first copies to `inputKey` (checked against the egress policy). */
  inputUrl?: string;
  params: Params;
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
  resume?: { media: Media; completed: ChunkResult[]; progress: JobProgress };
}

/** A range [startFrame, endFrame) of the input's units (video frames, VAD windows), processed by one GPU activity. */
export interface Chunk {
  index: number;
  startFrame: number;
  endFrame: number;
}

/** Heartbeat details of a chunk activity: the resume point and what the attempt has done. */
export interface ChunkHeartbeat {
  /** First unit not yet in a stored checkpoint part: where a retry resumes. */
  checkpointFrame: number;
  /** First unit not yet inferred (>= checkpointFrame). */
  nextFrame: number;
  /** Processed (sampled) units of this chunk done, this and earlier attempts. */
  framesDone: number;
  /** Processed units in the chunk. */
  framesTotal: number;
}

export interface ChunkResult {
  index: number;
  /** Keys of the chunk's checkpoint parts in order. */
  partKeys: string[];
  /** Processed (sampled) units. */
  frames: number;
  /** Units this chunk computed more than once (work lost to a dead attempt, per its last heartbeat). */
  framesReprocessed: number;
  /** Attempt that finished the chunk (1 = first). */
  attempt: number;
  /** First unit the finishing attempt decoded: above `startFrame` when it resumed from a checkpoint. */
  resumedFrom: number;
  /** Processed units taken from the `reuseFrom` job's parts instead of computed. */
  framesReused?: number;
}

/** What the merge of any chunked pipeline reports about the run, beside its own results. */
export interface ChunkRunSummary {
  /** Chunk attempts after the first, and units computed twice because of them. */
  retries: number;
  framesReprocessed: number;
  /** Units taken from an earlier job's stored parts (a retry), not computed again. */
  framesReused: number;
  /** Chunks finished by an attempt that resumed from a checkpoint. */
  resumes: { chunk: number; fromFrame: number; attempt: number }[];
}
