import type { ChunkHeartbeat, JobProgress } from '../../workflows/contracts';

/**
 * Adds the frames of chunks still running (from their last heartbeat details, which the server keeps
 * even while no worker runs) to the workflow's own progress, which counts finished chunks only.
 */
export function withRunningChunks(progress: JobProgress, heartbeats: (ChunkHeartbeat | undefined)[]): JobProgress {
  const running = heartbeats.reduce((sum, h) => sum + (h?.framesDone ?? 0), 0);
  const done = Math.min(progress.total, progress.done + running);
  return { ...progress, done, etaSeconds: progress.rate > 0 ? (progress.total - done) / progress.rate : progress.etaSeconds };
}
