import { withoutUrls } from '../../activities/media/ffmpeg-errors';
import type { ChunkHeartbeat, GaussianFitHeartbeat, JobProgress } from '../../workflows/contracts';
import type { SegmentHeartbeat } from '../../workflows/contracts/video-transcode';

/**
 * Adds the units of steps still running (from their last heartbeat details, which the server keeps even while
 * no worker runs) to the workflow's own progress, which counts finished steps only: a chunk's `framesDone`
 * (frames or windows), a long step's `iteration` (gaussian-fit), a segment's `encodedSeconds` (video-transcode).
 */
export function withRunningChunks(progress: JobProgress, heartbeats: unknown[]): JobProgress {
  const running = heartbeats.reduce<number>((sum, h) => sum + unitsDone(h), 0);
  const done = Math.min(progress.total, progress.done + running);
  return { ...progress, done, etaSeconds: progress.rate > 0 ? (progress.total - done) / progress.rate : progress.etaSeconds };
}

/** A pending activity as `describe()` reports it: what was retried, and why it failed last. */
export interface PendingAttempt {
  activity: string;
  /** The attempt now scheduled or running (2 = first retry). */
  attempt: number;
  lastFailure?: string;
}

/**
 * Adds the last failure of a step being retried (the highest attempt), its message stripped of URLs and
 * internal addresses, so a job that waits says why.
 */
export function withRetryingSteps(progress: JobProgress, pending: PendingAttempt[]): JobProgress {
  const retrying = pending.filter((p) => p.attempt > 1 && p.lastFailure).sort((a, b) => b.attempt - a.attempt)[0];
  if (!retrying) return progress;
  const message = withoutUrls(retrying.lastFailure!, 'the input').replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, 'the server');
  return { ...progress, lastError: { activity: retrying.activity, attempt: retrying.attempt - 1, message } };
}

function unitsDone(heartbeat: unknown): number {
  const h = heartbeat as Partial<ChunkHeartbeat & GaussianFitHeartbeat & SegmentHeartbeat> | undefined;
  return h?.framesDone ?? h?.iteration ?? h?.encodedSeconds ?? 0;
}
