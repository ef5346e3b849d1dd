import { runFitLoop } from './fit-loop';
import type { Fitter, FitState } from './fit-step';

/** A fitter whose step takes `ms` of busy compute and records its iteration. */
function busyFitter(ms: number, seen: number[] = []): Fitter {
  return {
    step(state) {
      const until = performance.now() + ms;
      while (performance.now() < until);
      state.iteration++;
      seen.push(state.iteration);
    },
  };
}
const fresh = (): FitState => ({ iteration: 0, loss: NaN, params: new Float64Array(1), m: new Float64Array(1), v: new Float64Array(1) });

describe('runFitLoop', () => {
  it('checkpoints after every multiple of checkpointEvery and after the last iteration', async () => {
    const checkpoints: number[] = [];
    const outcome = await runFitLoop(fresh(), busyFitter(0), {
      total: 23,
      checkpointEvery: 5,
      signal: new AbortController().signal,
      checkpoint: (s) => Promise.resolve(void checkpoints.push(s.iteration)),
    });
    expect(outcome).toBe('completed');
    expect(checkpoints).toEqual([5, 10, 15, 20, 23]);
  });

  it('yields to the event loop between slices, so timers (heartbeats) keep firing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    await runFitLoop(fresh(), busyFitter(2), {
      total: 100,
      checkpointEvery: 1000,
      signal: new AbortController().signal,
      checkpoint: () => Promise.resolve(),
      sliceMs: 10,
    });
    clearInterval(timer);
    // ~200 ms of compute in 10 ms slices: a 10 ms timer fires most of the time it would on an idle loop.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor((performance.now() - started) / 10 / 3));
  });

  it('stops before the next iteration once the signal aborts', async () => {
    const seen: number[] = [];
    const abort = new AbortController();
    const state = fresh();
    setTimeout(() => abort.abort(new Error('CANCELLED')), 30);
    const outcome = await runFitLoop(state, busyFitter(1, seen), {
      total: 100_000,
      checkpointEvery: 1000,
      signal: abort.signal,
      checkpoint: () => Promise.resolve(),
      sliceMs: 5,
    });
    expect(outcome).toBe('aborted');
    const at = state.iteration;
    expect(at).toBeLessThan(1000);
    expect(seen.at(-1)).toBe(at);
    // Nothing runs after the loop returned.
    await new Promise((r) => setTimeout(r, 20));
    expect(state.iteration).toBe(at);
  });

  it('does not start when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort(new Error('CANCELLED'));
    const state = fresh();
    expect(await runFitLoop(state, busyFitter(0), { total: 10, checkpointEvery: 1, signal: abort.signal, checkpoint: () => Promise.resolve() })).toBe(
      'aborted',
    );
    expect(state.iteration).toBe(0);
  });
});
