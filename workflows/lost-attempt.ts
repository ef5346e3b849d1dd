import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { ChunkHeartbeat, EarlierAttempts } from './contracts';

/**
 * Failure types the server does not retry for a GPU chunk, so the workflow schedules the chunk again itself,
 * ahead of the fresh ones: a heartbeat timeout (the pod died or froze) and a hand-back at worker shutdown.
 * Retried by the server, the chunk would go to the back of the task queue, behind every chunk scheduled since.
 */
export const LOST_ATTEMPT_FAILURES = ['TemporalTimeout:Heartbeat', 'WorkerShutdown'];

/**
 * What the chunk's next schedule is told of the attempts before it, when `err` says the attempt was lost
 * (heartbeat timeout or worker shutdown); undefined for any other failure (bad input, cancel, out of retries).
 * The last heartbeat that reached the server carries the attempt count and the resume point.
 */
export function afterLostAttempt(err: unknown, earlier: EarlierAttempts | undefined): EarlierAttempts | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  let heartbeat: ChunkHeartbeat | undefined;
  if (cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT') heartbeat = cause.lastHeartbeatDetails as ChunkHeartbeat | undefined;
  else if (cause instanceof ApplicationFailure && cause.type === 'WorkerShutdown') heartbeat = cause.details?.[0] as ChunkHeartbeat | undefined;
  else return undefined;
  const lastHeartbeat = heartbeat ?? earlier?.lastHeartbeat;
  return { attempts: heartbeat?.attempt ?? (earlier?.attempts ?? 0) + 1, ...(lastHeartbeat ? { lastHeartbeat } : {}) };
}

/**
 * The task-queue priority of a chunk scheduled again: one level ahead of its job's (1 is first, 3 the default),
 * so it runs before the fresh chunks of its own priority. A priority-1 job's chunk stays at 1 (the levels end there).
 */
export function resumedPriority(jobPriority: number | undefined): number {
  return Math.max(1, (jobPriority ?? 3) - 1);
}
