import type { InputKind } from './pipeline-definition';
import type { PipelineName } from './pipelines';
import type { WebhookSubscription } from './webhooks';

/** Input of `batchScanWorkflow`: the action of a schedule (or a one-off batch). */
export interface BatchScanInput {
  /** S3 prefix to scan, e.g. `incoming/`. */
  prefix: string;
  /** Any registered pipeline: the scan submits the objects whose kind it reads (`inputKinds`). */
  pipeline: PipelineName;
  /** Full params (defaults applied) every job of the batch runs with. */
  params: object;
  /** Child jobs running at once. */
  maxParallel: number;
  /** Objects processed per run; the rest waits for the next run (the summary says `truncated`). Keeps history bounded. */
  maxObjects: number;
  /** What every child job gets, as a REST job would (queues, timeouts). */
  job: { gpuTaskQueue: string; maxParallelChunks: number; heartbeatTimeoutSeconds: number; deadlineHours: number };
  webhook?: WebhookSubscription;
}

/** An object the scan found, with the id its job gets: the same key + ETag + params always give the same id. */
export interface ScanObject {
  key: string;
  etag: string;
  size: number;
  jobId: string;
}

export type BatchItemStatus = 'pending' | 'running' | 'skipped' | 'succeeded' | 'failed';

export interface BatchItem {
  key: string;
  etag: string;
  jobId: string;
  status: BatchItemStatus;
  /** Why it was skipped, or why its job failed. */
  reason?: string;
}

export interface BatchSummary {
  prefix: string;
  /** Objects of the pipeline's input kinds under the prefix whose job had not completed yet (at most `maxObjects`). */
  listed: number;
  /** Objects whose job completed in an earlier run (found by the manifest it left in S3, so also after Temporal's retention). */
  alreadyDone: number;
  started: number;
  skipped: number;
  succeeded: number;
  failed: number;
  /** More objects matched than `maxObjects`: the next run continues. */
  truncated: boolean;
  items: BatchItem[];
}

/** File names a scan treats as inputs of each kind. */
export const SCAN_EXTENSIONS: Record<InputKind, readonly string[]> = {
  video: ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.ts', '.mts', '.flv', '.mpg', '.mpeg', '.ogv'],
  audio: ['.wav', '.flac', '.mp3', '.m4a', '.aac', '.ogg', '.opus'],
  image: ['.jpg', '.jpeg', '.png', '.webp'],
};

export const BATCH_SCAN_LIMITS = { maxParallel: { min: 1, max: 256 }, maxObjects: { min: 1, max: 2000 } } as const;
export const BATCH_SCAN_DEFAULTS = { maxParallel: 4, maxObjects: 500 } as const;

/** The signature of `batchScanWorkflow` (a schedule's action): the API types its schedules with it. */
export type BatchScanWorkflow = (input: BatchScanInput) => Promise<BatchSummary>;
