import type { InputSource } from './input-url';
import type { JobProgress } from './progress';
import type { WebhookSubscription } from './webhooks';

/**
 * What every chunked pipeline's workflow takes: the input object, the pipeline's params, and the knobs of
 * the chunk runner. `Media` is what the probe learns (a video's `MediaInfo`, an audio stream's `AudioInfo`).
 */
export interface ChunkedJobInput<Params, Media> {
  jobId: string;
  /** S3 key of the input in the Anvil bucket (where an input URL is fetched to, when given). */
  inputKey: string;
  /** An https URL the job first copies to `inputKey` (checked against the egress policy), kept in S3: only its key and a redacted copy are here. */
  inputSource?: InputSource;
  /** The same, as jobs started before `inputSource` carried it: the full URL. Read (replay, retry), never written. */
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
  resume?: ChunkedJobResume<Media>;
}

/**
 * What one run hands the next at continue-as-new: bounded whatever the job's length (a 24-hour video at
 * 60 fps is 5,760 chunks): the finished chunks as index ranges and the run's tally, never per-chunk results.
 */
export interface ChunkedJobResume<Media> {
  media: Media;
  /** Finished chunks, as inclusive index ranges [first, last]. */
  done?: [number, number][];
  tally?: ChunkTally;
  progress: JobProgress;
  /** Runs recorded before `done`/`tally` carried every chunk result instead. */
  completed?: ChunkResult[];
}

/** Sums over a job's finished chunks: what its summary reports about the run. */
export interface ChunkTally {
  /** Chunk attempts after the first. */
  retries: number;
  /** Units computed twice because of them. */
  framesReprocessed: number;
  /** Units copied from an earlier job's parts (a retry). */
  framesReused: number;
  /** Chunks finished by an attempt that resumed from a checkpoint: the first `MAX_LISTED_RESUMES` of them. */
  resumes: { chunk: number; fromFrame: number; attempt: number }[];
  /** All such chunks, listed or not. */
  resumedChunks: number;
}

/** Resumes listed by name in a tally (and a job's summary); the count covers the rest. */
export const MAX_LISTED_RESUMES = 100;

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
  /** The attempt that sent it, counting every attempt at the chunk (absent in heartbeats from before it was sent). */
  attempt?: number;
}

/**
 * A chunk scheduled again by the workflow after its attempt died (a pod lost: heartbeat timeout; or handed back
 * at a worker shutdown), at a higher task-queue priority than fresh chunks so it does not wait behind them.
 */
export interface EarlierAttempts {
  /** Attempts made at the chunk before this schedule. */
  attempts: number;
  /** The last heartbeat of the attempt that died, when one reached the server. */
  lastHeartbeat?: ChunkHeartbeat;
}

export interface ChunkResult {
  index: number;
  /**
   * Keys of the chunk's checkpoint parts in order, in results from before the chunk manifest: now they are
   * in `chunkManifestKey(jobId, index)`, and results stay a few numbers whatever the chunk holds.
   */
  partKeys?: string[];
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

/** What the merge of any chunked pipeline reports about the run, beside its own results: the job's tally. */
export type ChunkRunSummary = ChunkTally;

/** Where a finished chunk lists its parts, beside them (`{ partKeys }`). */
export interface ChunkManifest {
  partKeys: string[];
}

export const emptyTally = (): ChunkTally => ({ retries: 0, framesReprocessed: 0, framesReused: 0, resumes: [], resumedChunks: 0 });

/** Adds a finished chunk to a tally (in place). Pure; the workflow calls it as results come in. */
export function addToTally(tally: ChunkTally, chunk: Chunk, result: ChunkResult): ChunkTally {
  tally.retries += result.attempt - 1;
  tally.framesReprocessed += result.framesReprocessed;
  tally.framesReused += result.framesReused ?? 0;
  if (result.resumedFrom > chunk.startFrame) {
    tally.resumedChunks++;
    if (tally.resumes.length < MAX_LISTED_RESUMES) tally.resumes.push({ chunk: result.index, fromFrame: result.resumedFrom, attempt: result.attempt });
  }
  return tally;
}

/** Chunk indices as inclusive ranges [first, last], ascending: a set of thousands in a few numbers. */
export function toRanges(indices: Iterable<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (const i of [...indices].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && i === last[1] + 1) last[1] = i;
    else if (!last || i > last[1]) ranges.push([i, i]);
  }
  return ranges;
}

export function fromRanges(ranges: [number, number][]): number[] {
  return ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k));
}
