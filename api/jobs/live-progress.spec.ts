import { initialProgress } from '../../workflows/contracts';
import { withRetryingSteps, withRunningChunks } from './live-progress';

describe('withRunningChunks', () => {
  const base = { ...initialProgress(), stage: 'processing' as const, done: 100, total: 400, rate: 10, etaSeconds: 30 };

  it('adds frames done by running chunks and recomputes the ETA', () => {
    const p = withRunningChunks(base, [
      { checkpointFrame: 0, nextFrame: 0, framesDone: 50, framesTotal: 100 },
      undefined,
      { checkpointFrame: 0, nextFrame: 0, framesDone: 50, framesTotal: 100 },
    ]);
    expect(p.done).toBe(200);
    expect(p.etaSeconds).toBe(20);
  });

  it("counts a long step's iterations (gaussian-fit heartbeats) the same way", () => {
    const fit = { ...initialProgress('iterations'), stage: 'processing' as const, done: 0, total: 3000 };
    expect(withRunningChunks(fit, [{ iteration: 1200, total: 3000, loss: 0.01, checkpointIteration: 1000, attempt: 1 }]).done).toBe(1200);
  });

  it("counts running segments' encoded seconds (video-transcode heartbeats)", () => {
    const transcode = { ...initialProgress('seconds'), stage: 'processing' as const, done: 60, total: 240 };
    const beats = [1, 2].map((attempt) => ({ encodedSeconds: 12.5, segmentSeconds: 60, attempt }));
    expect(withRunningChunks(transcode, beats).done).toBe(85);
  });

  it('never exceeds the total', () => {
    expect(withRunningChunks(base, [{ checkpointFrame: 0, nextFrame: 0, framesDone: 900, framesTotal: 900 }]).done).toBe(400);
  });
});

describe('withRetryingSteps', () => {
  const base = initialProgress();

  it('shows the last failure of the step retried most, without internal addresses or URLs', () => {
    const p = withRetryingSteps(base, [
      { activity: 'detectChunk', attempt: 1 },
      { activity: 'probeMedia', attempt: 3, lastFailure: 'connect ECONNREFUSED 10.0.3.7:9000 reading https://s3.internal/bucket/in.mp4?X-Amz-Signature=abc' },
      { activity: 'detectChunk', attempt: 2, lastFailure: 'GPU worker shut down' },
    ]);
    expect(p.lastError).toEqual({ activity: 'probeMedia', attempt: 2, message: 'connect ECONNREFUSED the server reading the input' });
  });

  it('adds nothing when no step is being retried', () => {
    expect(withRetryingSteps(base, [{ activity: 'detectChunk', attempt: 1 }])).toBe(base);
  });
});
