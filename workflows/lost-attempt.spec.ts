import { ActivityFailure, ApplicationFailure, CancelledFailure, TimeoutFailure } from '@temporalio/common';
import type { ChunkHeartbeat } from './contracts';
import { afterLostAttempt, resumedPriority } from './lost-attempt';

const beat = (attempt: number | undefined, checkpointFrame: number): ChunkHeartbeat => ({
  checkpointFrame,
  nextFrame: checkpointFrame + 4,
  framesDone: checkpointFrame,
  framesTotal: 80,
  ...(attempt ? { attempt } : {}),
});
const activityFailure = (cause: Error): ActivityFailure =>
  new ActivityFailure('activity failed', 'detectChunk', '3', 1 /* MAXIMUM_ATTEMPTS_REACHED */ as never, 'identity', cause);

describe('afterLostAttempt', () => {
  it('a heartbeat timeout: the attempts so far and the last heartbeat, from that heartbeat', () => {
    const err = activityFailure(new TimeoutFailure('timed out', beat(2, 16), 'HEARTBEAT'));
    expect(afterLostAttempt(err, undefined)).toEqual({ attempts: 2, lastHeartbeat: beat(2, 16) });
  });

  it('a hand-back at worker shutdown carries its heartbeat as the failure details', () => {
    const err = activityFailure(ApplicationFailure.create({ message: 'shut down', type: 'WorkerShutdown', details: [beat(1, 8)] }));
    expect(afterLostAttempt(err, undefined)).toEqual({ attempts: 1, lastHeartbeat: beat(1, 8) });
  });

  it('an attempt that died before its first heartbeat counts one more and keeps the earlier heartbeat', () => {
    const err = activityFailure(new TimeoutFailure('timed out', undefined, 'HEARTBEAT'));
    expect(afterLostAttempt(err, undefined)).toEqual({ attempts: 1 });
    expect(afterLostAttempt(err, { attempts: 2, lastHeartbeat: beat(2, 24) })).toEqual({ attempts: 3, lastHeartbeat: beat(2, 24) });
  });

  it('any other failure is not a lost attempt: bad input, a start-to-close timeout, a cancel, a plain error', () => {
    for (const cause of [
      ApplicationFailure.nonRetryable('not a video', 'InvalidMedia'),
      new TimeoutFailure('too long', undefined, 'START_TO_CLOSE'),
      new CancelledFailure('cancelled'),
    ]) {
      expect(afterLostAttempt(activityFailure(cause), undefined)).toBeUndefined();
    }
    expect(afterLostAttempt(new Error('boom'), undefined)).toBeUndefined();
  });
});

describe('resumedPriority', () => {
  it('one level ahead of the job, never past 1', () => {
    expect(resumedPriority(undefined)).toBe(2);
    expect(resumedPriority(3)).toBe(2);
    expect(resumedPriority(5)).toBe(4);
    expect(resumedPriority(1)).toBe(1);
  });
});
