import { initialProgress } from '../../workflows/contracts';
import { withRunningChunks } from './live-progress';

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

  it('never exceeds the total', () => {
    expect(withRunningChunks(base, [{ checkpointFrame: 0, nextFrame: 0, framesDone: 900, framesTotal: 900 }]).done).toBe(400);
  });
});
