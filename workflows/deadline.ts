import { ApplicationFailure, CancellationScope, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { FailureType } from './contracts';

/** Runs recorded before the guard have no timer command: they replay without it. */
export const DEADLINE_GUARD = 'deadline-guard';

export interface DeadlineGuard {
  /** Runs the job's work in a scope that is cancelled shortly before the execution timeout. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** True once the guard cancelled the work: the job is out of time (not cancelled by a user). */
  expired(): boolean;
}

/**
 * The execution timeout (the job's deadline) ends a workflow without running any of its code, so no
 * `failed` webhook would go out. The guard cancels the work a little before it (a minute, or a tenth of a
 * short deadline) so the job can fail by itself, say why, and keep the chunks it finished for a retry.
 */
export function deadlineGuard(): DeadlineGuard {
  const expires = workflowInfo().executionExpirationTime;
  if (!expires || !patched(DEADLINE_GUARD)) return { run: (work) => work(), expired: () => false };
  const left = expires.getTime() - Date.now();
  const margin = Math.min(60_000, left / 10);
  const work = new CancellationScope();
  const timer = new CancellationScope();
  let hit = false;
  timer
    .run(() => sleep(Math.max(1, left - margin)))
    .then(
      () => {
        hit = true;
        work.cancel();
      },
      () => undefined, // the work ended first
    );
  return {
    run: (fn) => work.run(fn).finally(() => timer.cancel()),
    expired: () => hit,
  };
}

/** The failure of a job out of time: '<what> did not finish within its deadline (20 s, JOB_DEADLINE_HOURS)<hint>'. */
export function deadlineFailure(what: string, hint = ''): ApplicationFailure {
  const seconds = Math.round((workflowInfo().executionTimeoutMs ?? 0) / 1000);
  const budget = seconds >= 3600 ? `${Math.round(seconds / 360) / 10} h` : `${seconds} s`;
  return ApplicationFailure.nonRetryable(`${what} did not finish within its deadline (${budget}, JOB_DEADLINE_HOURS)${hint}`, FailureType.DeadlineExceeded);
}
