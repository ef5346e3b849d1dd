import { defineQuery } from '@temporalio/workflow';
/** Coarse phases of a job. Also the value of the `AnvilStage` search attribute. */
export type JobStage = 'queued' | 'fetching' | 'probing' | 'processing' | 'merging' | 'completed';

/**
 * The one progress model of every pipeline: read by the API from a workflow query, shown in the CLI,
 * streamed over SSE. Rates and ETA are computed from the chunks that finished.
 */
export interface JobProgress {
  stage: JobStage;
  /** Units done so far: frames for video pipelines, 32 ms VAD windows for speech. */
  done: number;
  /** Units in the job; 0 until planned. */
  total: number;
  unit: ProgressUnit;
  /** Units per second over the processing stage so far; 0 before any chunk finished. */
  rate: number;
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null;
  chunksDone: number;
  chunksTotal: number;
  /** Chunk attempts after the first (pod loss, S3 outage...). */
  retries: number;
  /** Frames computed twice because an attempt died after its last checkpoint. */
  framesReprocessed: number;
  /**
   * While a step of the job is being retried (a host that refuses connections, S3 down, a lost GPU pod): the
   * failure of its last attempt, so a user sees why it waits. Absent when nothing is retrying.
   */
  lastError?: { activity: string; attempt: number; message: string };
}

export type ProgressUnit = 'frames' | 'windows' | 'iterations' | 'images' | 'seconds';

export const initialProgress = (unit: ProgressUnit = 'frames'): JobProgress => ({
  stage: 'queued',
  done: 0,
  total: 0,
  unit,
  rate: 0,
  etaSeconds: null,
  chunksDone: 0,
  chunksTotal: 0,
  retries: 0,
  framesReprocessed: 0,
});

/** The query every job's workflow answers with its progress (the API's `GET /v1/jobs/:id` asks it). */
export const progressQuery = defineQuery<JobProgress>('progress');
